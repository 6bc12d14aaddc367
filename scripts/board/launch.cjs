'use strict';
// The bundled terminal's launcher: `node scanpos.cjs …` (what the systemd
// unit runs), also loaded by scanpos.mjs for `node scanpos.mjs …` and for
// callers that import { main }. scripts/bundle-options.mjs copies it beside
// the bundle and fills in BUILD.
//
// Why a launcher. Most of a board's start-up was V8 compiling the bundle:
// parsing megabytes of JavaScript, then compiling each function boot calls.
// V8 can save that work (a code cache) and take it back on the next start
// instead of compiling again, but Node 20 offers it only for scripts compiled
// with vm.Script. So the terminal is bundled as one CommonJS function
// expression (its lazy parts are still run only when first needed), and this
// file compiles it with the cache, calls it as Node would call a CommonJS
// module, and writes the cache once the home screen is drawn (the code boot
// ran is then compiled and goes into the cache).
//
// Where the cache lives: the folder systemd gives the service
// (CacheDirectory= sets CACHE_DIRECTORY), or SCANPOS_CODE_CACHE. Without
// either (the `scanpos` command in a shell, the tests) nothing is cached and
// the bundle is only compiled, as any script is. The file's name holds the
// bundle's hash, Node's version and architecture, and the V8 flags: V8 checks
// its own version and flags, but of the source only its length, so a cache
// of another bundle of the same length would be taken. A cache V8 rejects
// anyway (another V8 build) is written again; a file that cannot be read is
// no cache; one that cannot be written is said once on stderr.
const { readFileSync, writeFileSync, renameSync, readdirSync, unlinkSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');
const { createRequire } = require('node:module');
const { Script } = require('node:vm');

/** Filled in by the build: the bundle beside this file, its hash, how it is read. */
const BUILD = { bundle: 'scanpos.bundle.cjs', hash: 'unbuilt', encoding: 'utf8' };
/** Published (node:diagnostics_channel) by `scanpos run` once the home screen is drawn. */
const STARTED = 'scanpos:started';
/** After the home screen, the code of going online runs too: it goes into the cache as well. */
const SETTLE_MS = 2000;

function cacheFile() {
  const dir = (process.env.SCANPOS_CODE_CACHE || process.env.CACHE_DIRECTORY || '').split(':')[0];
  if (!dir) return undefined;
  const flags = process.execArgv.join(' ');
  const key = `${BUILD.hash}-node${process.version.slice(1)}-${process.arch}${flags ? `-${hash32(flags)}` : ''}`;
  return { dir, name: `scanpos-${key}.cache` };
}

/** FNV-1a: a short name for the V8 flags (loading crypto for it would cost more than it saves). */
function hash32(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

function load() {
  const filename = join(__dirname, BUILD.bundle);
  // The bundle is ASCII (the build checks): read as latin1, a big file becomes
  // an external string V8 compiles in place, without a UTF-8 decode or a copy.
  const source = readFileSync(filename, BUILD.encoding);
  const cache = cacheFile();
  let cachedData;
  if (cache) {
    try {
      cachedData = readFileSync(join(cache.dir, cache.name));
    } catch {
      // None yet (first start, new bundle or Node): written below.
    }
  }
  const script = new Script(source, { filename, cachedData });
  const wrapper = script.runInThisContext();
  const module = { exports: {}, filename, id: filename, loaded: false };
  wrapper.call(module.exports, module.exports, createRequire(filename), module, filename, __dirname, pathToFileURL(filename).href);
  module.loaded = true;
  if (cache && (!cachedData || script.cachedDataRejected)) saveWhenStarted(script, cache);
  return module.exports;
}

function saveWhenStarted(script, cache) {
  const channel = require('node:diagnostics_channel');
  const onStarted = () => {
    channel.unsubscribe(STARTED, onStarted);
    // Unref'd: a terminal stopping before then is not kept alive for it.
    setTimeout(() => save(script, cache), SETTLE_MS).unref();
  };
  channel.subscribe(STARTED, onStarted);
}

function save(script, cache) {
  const file = join(cache.dir, cache.name);
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, script.createCachedData());
    // Whole or not at all: a start never reads a half-written cache.
    renameSync(temporary, file);
  } catch (err) {
    process.stderr.write(`scanpos: the code cache was not saved in ${cache.dir} (the next start compiles again): ${err.message}\n`);
    try {
      unlinkSync(temporary);
    } catch {
      // Never made.
    }
    return;
  }
  // Caches of earlier bundles, Node versions or flags are of no more use.
  for (const name of readdirSync(cache.dir)) {
    if (name !== cache.name && /^scanpos-.*\.cache$/.test(name)) {
      try {
        unlinkSync(join(cache.dir, name));
      } catch {
        // Gone already, or not ours to remove.
      }
    }
  }
}

const { main } = load();
exports.main = main;

/** Runs the command line as the program: `node scanpos.cjs …`, `node scanpos.mjs …`. */
exports.runProgram = function runProgram() {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`scanpos: ${(err && err.stack) || String(err)}\n`);
      process.exit(1);
    },
  );
};

if (require.main === module) exports.runProgram();
