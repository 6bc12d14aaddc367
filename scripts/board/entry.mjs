// `node scanpos.mjs …` and `import { main } from './scanpos.mjs'`: the
// bundled terminal as an ES module, for what ran the bundle by that name
// before it had a launcher. The launcher (scanpos.cjs, launch.cjs in the
// checkout) does the work; the systemd unit runs it directly, which saves
// Node's ES module loader at every start.
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const launcher = createRequire(import.meta.url)('./scanpos.cjs');

export const main = launcher.main;

if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) launcher.runProgram();
