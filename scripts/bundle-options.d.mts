import type { BuildOptions } from 'esbuild';
export declare function bundleOptions(root: string, outdir: string): BuildOptions;
/** The bundle's file name in the output folder, beside its launcher scanpos.cjs. */
export declare const BUNDLE: string;
