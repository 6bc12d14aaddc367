// `npm run build`: bundles the terminal for the board into dist/ (see
// bundle-options.mjs) and writes beside it everything the board needs, so
// that dist/ alone is the board kit:
//   scanpos.cjs, scanpos.mjs, scanpos.bundle.cjs, vendor/
//                          the terminal, run with `node scanpos.cjs …` (or
//                          scanpos.mjs): a launcher that runs the bundle with
//                          V8's code cache (bundle-options.mjs)
//   package.json, package-lock.json
//                          only the native packages left out of the bundle,
//                          at the checkout's locked versions (board/package.mjs)
//   install-board.sh, scanpos.service, examples/
//                          the installer, its systemd unit, example configs
// Copy dist/ to the board and run `sudo ./install-board.sh` there.
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { bundleOptions } from './bundle-options.mjs';
import { boardPackage, externalPackages } from './board/package.mjs';

/** Builds the board kit of the checkout at `root` into `outdir` (emptied first). */
export async function buildBoard({ root, outdir }) {
  const started = Date.now();
  // Chunk names change with their content: old ones would pile up beside the new.
  rmSync(outdir, { recursive: true, force: true });
  const options = bundleOptions(root, outdir);
  const result = await build({ ...options, metafile: true });
  const natives = externalPackages(result.metafile, options.external);
  const readJson = (file) => JSON.parse(readFileSync(join(root, file), 'utf8'));
  const { manifest, lockfile } = boardPackage(readJson('package.json'), readJson('package-lock.json'), natives);
  writeFileSync(join(outdir, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  writeFileSync(join(outdir, 'package-lock.json'), JSON.stringify(lockfile, null, 2) + '\n');

  copyFileSync(join(root, 'scripts', 'install-board.sh'), join(outdir, 'install-board.sh'));
  chmodSync(join(outdir, 'install-board.sh'), 0o755);
  copyFileSync(join(root, 'scripts', 'board', 'scanpos.service'), join(outdir, 'scanpos.service'));
  const examples = join(root, 'config', 'examples');
  mkdirSync(join(outdir, 'examples'));
  for (const name of readdirSync(examples)) copyFileSync(join(examples, name), join(outdir, 'examples', name));
  return { natives, ms: Date.now() - started };
}

const invokedDirectly = !!process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (invokedDirectly) {
  const { natives, ms } = await buildBoard({ root: process.cwd(), outdir: 'dist' });
  console.log(`dist/scanpos.cjs built in ${ms} ms; native packages for the board: ${natives.join(', ')} (dist/package.json)`);
}
