// The package.json and package-lock.json written beside the bundle: they name
// only the packages the bundle leaves out (native addons, built on the board),
// at the versions of the checkout's package-lock.json, with the lock entries
// of everything those packages pull in. `npm ci --omit=dev` in that folder
// then installs exactly what was tested, and nothing else.
import { isBuiltin } from 'node:module';

/** `@scope/name/sub/path` → `@scope/name`; `name/sub` → `name`. */
export function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const matches = (pattern, name) => (pattern.endsWith('/*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern);

/**
 * The packages the bundle imports that the build options left external on
 * purpose. Other unresolved imports (optional `require()`s in try/catch, such
 * as ws's `bufferutil`) are not packages the bundle needs.
 */
export function externalPackages(metafile, externals) {
  const names = new Set();
  for (const output of Object.values(metafile.outputs)) {
    for (const imported of output.imports) {
      if (!imported.external || isBuiltin(imported.path)) continue;
      const name = packageName(imported.path);
      if (externals.some((pattern) => matches(pattern, name))) names.add(name);
    }
  }
  return [...names].sort();
}

/** Where Node would find `name` from the package installed at `from` ('' is the root), in the lock's layout. */
function locate(lock, from, name) {
  let base = from;
  for (;;) {
    const candidate = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (!base) return undefined;
    const up = base.lastIndexOf('/node_modules/');
    base = up < 0 ? '' : base.slice(0, up);
  }
}

/**
 * package.json and package-lock.json (lockfile v3) for a folder holding the
 * bundle: `names` as exact dependencies, and the lock entries they need.
 */
export function boardPackage(pkg, lock, names) {
  if (lock.lockfileVersion < 2 || !lock.packages) throw new Error('package-lock.json must be lockfile version 2 or 3 (npm 7 or later)');
  const dependencies = {};
  const entries = {};
  const visit = (from, name, optional) => {
    const at = locate(lock, from, name);
    if (!at) {
      if (optional) return undefined;
      throw new Error(`package-lock.json has no entry for ${name} (needed by ${from || 'the bundle'}): run npm install`);
    }
    if (entries[at]) return at;
    const { dev: _dev, devOptional: _devOptional, ...entry } = lock.packages[at];
    entries[at] = entry;
    for (const dep of Object.keys(entry.dependencies ?? {})) visit(at, dep, false);
    for (const dep of Object.keys(entry.optionalDependencies ?? {})) visit(at, dep, true);
    // npm 7+ installs peers too; the lock has them when the checkout does.
    for (const dep of Object.keys(entry.peerDependencies ?? {})) visit(at, dep, true);
    return at;
  };
  for (const name of names) {
    const at = visit('', name, false);
    dependencies[name] = lock.packages[at].version;
  }
  // The install-script permissions of the checkout, for the packages that are in the kit.
  const inKit = new Set(Object.keys(entries).map((at) => at.slice(at.lastIndexOf('node_modules/') + 'node_modules/'.length)));
  const allowScripts = Object.fromEntries(Object.entries(pkg.allowScripts ?? {}).filter(([name]) => inKit.has(name)));
  const manifest = {
    name: `${pkg.name}-board`,
    version: pkg.version,
    description: `${pkg.name} terminal bundle for a board: run install-board.sh here as root (README, "Run it on a board")`,
    private: true,
    type: 'module',
    license: pkg.license,
    engines: pkg.engines,
    dependencies,
    ...(Object.keys(allowScripts).length ? { allowScripts } : {}),
  };
  const sorted = Object.fromEntries(Object.entries(entries).sort(([a], [b]) => a.localeCompare(b)));
  const lockfile = {
    name: manifest.name,
    version: manifest.version,
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: manifest.name, version: manifest.version, license: manifest.license, dependencies, engines: manifest.engines },
      ...sorted,
    },
  };
  return { manifest, lockfile };
}
