import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, parseConfig } from '../../config/load.ts';
import { migrateConfig } from '../../config/migrations.ts';

const test = suite('config');

test('the defaults alone form a valid config', () => {
  const out = parseConfig({}, '/srv/pos');
  assert.ok(out.ok);
  if (out.ok) assert.is(out.config.storage.dir, '/srv/pos/data');
});

test('every schema error is reported at once, with its path', () => {
  const out = parseConfig(
    { terminal: { id: 'bad id!', locale: 'fr', timezone: 'Mars/Base' }, display: { rows: 2 }, typo: 1 },
    '/x',
  );
  assert.not.ok(out.ok);
  if (out.ok) return;
  const text = out.errors.join('\n');
  for (const path of ['terminal.id', 'terminal.locale', 'terminal.timezone', 'display.rows', 'typo']) {
    assert.ok(text.includes(path), `missing ${path} in:\n${text}`);
  }
  assert.is(out.errors.length, 5);
});

test('a PIN hash that hash-pin did not make is refused', () => {
  const out = parseConfig({ security: { supervisorPinHash: '123456' } }, '/x');
  assert.not.ok(out.ok);
  if (!out.ok) assert.match(out.errors[0]!, /security\.supervisorPinHash: .*hash-pin/);
});

test('relative paths are resolved against the config file folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scanpos-config-'));
  const file = join(dir, 'terminal.json');
  writeFileSync(file, JSON.stringify({ storage: { dir: 'state' }, log: { file: 'logs/pos.log' }, display: { driver: 'tty', path: 'console' } }));
  const out = loadConfig(file);
  assert.ok(out.ok);
  if (!out.ok) return;
  assert.is(out.config.storage.dir, join(dir, 'state'));
  assert.is(out.config.log.file, join(dir, 'logs/pos.log'));
  assert.is(out.config.display.path, join(dir, 'console'), 'not against the folder the terminal happens to run in');
  assert.is(out.config.printer.outputDir, join(dir, 'state', 'receipts'));
});

test('unreadable and non-JSON files say so', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scanpos-config-'));
  const missing = loadConfig(join(dir, 'nope.json'));
  assert.not.ok(missing.ok);
  if (!missing.ok) assert.match(missing.errors[0]!, /cannot read \(ENOENT\)/);
  writeFileSync(join(dir, 'bad.json'), '{"terminal": ');
  const bad = loadConfig(join(dir, 'bad.json'));
  assert.not.ok(bad.ok);
  if (!bad.ok) assert.match(bad.errors[0]!, /not valid JSON/);
});

test('a newer format is refused, an older one migrated step by step', () => {
  const newer = migrateConfig({ version: 3 }, 2, {});
  assert.not.ok(newer.ok);
  if (!newer.ok) assert.match(newer.error, /format 3.*up to 2/);
  const steps = {
    1: (f: Record<string, unknown>) => ({ ...f, terminal: { language: f.lang } }),
    2: (f: Record<string, unknown>) => {
      const t = f.terminal as { language: string };
      return { ...f, terminal: { locale: t.language } };
    },
  };
  const old = migrateConfig({ version: 1, lang: 'zh-CN' }, 3, steps);
  assert.ok(old.ok);
  if (old.ok) {
    assert.is(old.from, 1);
    assert.equal((old.file.terminal as { locale: string }).locale, 'zh-CN');
    assert.is(old.file.version, 3);
  }
  const gap = migrateConfig({ version: 1 }, 2, {});
  assert.not.ok(gap.ok);
});

test('a file that names a broker but not the link is refused: it would run against the simulated host', () => {
  const out = parseConfig({ mqtt: { url: 'mqtt://broker.example:1883' } }, '/srv/pos');
  assert.is(out.ok, false);
  assert.match(out.ok ? '' : out.errors.join('\n'), /network\.driver.*"sim" is the built-in simulated host/);
  assert.ok(parseConfig({ network: { driver: 'mqtt' }, mqtt: { url: 'mqtt://broker.example:1883' } }, '/srv/pos').ok);
  assert.ok(parseConfig({ network: { driver: 'sim' }, mqtt: { url: 'mqtt://broker.example:1883' } }, '/srv/pos').ok, 'sim on purpose');
});

test.run();
