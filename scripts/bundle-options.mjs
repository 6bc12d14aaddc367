// How the terminal is bundled, shared by `npm run build` (the board), the
// boot bench and the crash harness (their child terminal): dependencies
// inlined, native addons left as packages beside it. What the build writes:
//   scanpos.bundle.cjs (+ .map)  the terminal: one CommonJS function expression
//   scanpos.cjs                  its launcher (scripts/board/launch.cjs): compiles
//                                the bundle with V8's code cache, runs it
//   scanpos.mjs                  the same as an ES module (scripts/board/entry.mjs)
//   vendor/*.cjs                 the printer's encoders, loaded when first printing
// One file rather than ESM chunks: Node 20 keeps V8's code cache for
// vm.Script only (see launch.cjs). What boot does not need (simulators, the
// host, GPIO) is in the file but not run: esbuild turns its dynamic imports
// into lazy requires. The biggest of those parts, the printer's code page
// tables, are files of their own, so that no start reads or holds them.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The bundle's file name, beside its launcher. */
export const BUNDLE = 'scanpos.bundle.cjs';
/** What the launcher passes to the bundle (import.meta.url is the bundle's file URL). */
const PARAMETERS = 'exports, require, module, __filename, __dirname, __scanposImportMetaUrl';
const BOARD = join(dirname(fileURLToPath(import.meta.url)), 'board');
/**
 * Packages bundled into vendor/NAME.cjs on their own, required from there:
 * only the printer's renderer uses them, and they are most of the bundle
 * (code page tables).
 */
const VENDORED = ['iconv-lite', 'node-thermal-printer'];

/** esbuild options for a bundle of `root`'s terminal into `outdir`. */
export function bundleOptions(root, outdir) {
  return {
    entryPoints: { 'scanpos.bundle': join(root, 'src', 'cli.ts') },
    outdir,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // import('x') of a package left out becomes a require, as inside the bundle:
    // code compiled by vm.Script has no ES module loader to import with.
    supported: { 'dynamic-import': false },
    define: { 'import.meta.url': '__scanposImportMetaUrl' },
    // A third less to read, compile and keep in memory; names are kept, so
    // stack traces stay readable (file:line:column, the map beside it).
    minifyWhitespace: true,
    minifySyntax: true,
    // ASCII: the launcher reads it as latin1 (see launch.cjs); the build checks.
    charset: 'ascii',
    sourcemap: 'linked',
    legalComments: 'none',
    // Native addons and their loaders cannot be bundled. Those the bundle
    // imports are what build.mjs names in the board kit's package.json.
    external: ['serialport', '@serialport/*', 'onoff', 'epoll'],
    banner: { js: `(function (${PARAMETERS}) {` },
    footer: { js: '})' },
    plugins: [vendored(root, outdir), launcher(outdir)],
    logLevel: 'warning',
  };
}

/** Requires of VENDORED packages go to vendor/NAME.cjs, which are built beside the bundle. */
function vendored(root, outdir) {
  const filter = new RegExp(`^(${VENDORED.map((n) => n.replace(/[-/\\^$*+?.()|[\]{}]/g, '\\$&')).join('|')})$`);
  return {
    name: 'scanpos-vendored',
    setup(b) {
      b.onResolve({ filter }, (args) => ({ path: `./vendor/${args.path}.cjs`, external: true }));
      b.onEnd(async (result) => {
        if (result.errors.length) return;
        const fromRoot = createRequire(join(root, 'package.json'));
        mkdirSync(join(outdir, 'vendor'), { recursive: true });
        await Promise.all(
          VENDORED.map((name) =>
            build({
              entryPoints: [fromRoot.resolve(name)],
              outfile: join(outdir, 'vendor', `${name}.cjs`),
              bundle: true,
              platform: 'node',
              target: 'node20',
              format: 'cjs',
              minifyWhitespace: true,
              minifySyntax: true,
              legalComments: 'none',
              logLevel: 'warning',
            }),
          ),
        );
      });
    },
  };
}

/** Writes the launcher and the ES module entry beside the bundle, with the bundle's hash. */
function launcher(outdir) {
  return {
    name: 'scanpos-launcher',
    setup(b) {
      b.onEnd((result) => {
        if (result.errors.length) return;
        const bytes = readFileSync(join(outdir, BUNDLE));
        const ascii = !bytes.some((byte) => byte > 0x7f);
        const info = {
          bundle: BUNDLE,
          hash: createHash('sha256').update(bytes).digest('hex').slice(0, 16),
          encoding: ascii ? 'latin1' : 'utf8',
        };
        const source = readFileSync(join(BOARD, 'launch.cjs'), 'utf8');
        const filled = source.replace(/^const BUILD = .*;$/m, `const BUILD = ${JSON.stringify(info)};`);
        if (filled === source) throw new Error('scripts/board/launch.cjs has no `const BUILD = …;` line to fill in');
        writeFileSync(join(outdir, 'scanpos.cjs'), filled);
        copyFileSync(join(BOARD, 'entry.mjs'), join(outdir, 'scanpos.mjs'));
      });
    },
  };
}
