import type { BuildOptions } from 'esbuild';
export declare function bundleOptions(root: string, outdir: string): BuildOptions;
