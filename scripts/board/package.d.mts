import type { Metafile } from 'esbuild';
export declare function packageName(specifier: string): string;
export declare function externalPackages(metafile: Metafile, externals: readonly string[]): string[];
export declare function boardPackage(
  pkg: Record<string, unknown>,
  lock: { lockfileVersion: number; packages: Record<string, Record<string, unknown>> },
  names: readonly string[],
): { manifest: Record<string, unknown>; lockfile: { packages: Record<string, Record<string, unknown>> } & Record<string, unknown> };
