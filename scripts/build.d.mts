export interface BoardBuild {
  /** The native packages the bundle leaves out, named in the kit's package.json. */
  natives: string[];
  ms: number;
}
export declare function buildBoard(options: { root: string; outdir: string }): Promise<BoardBuild>;
