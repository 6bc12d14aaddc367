// config/examples: the board config is one `scanpos run` accepts, and the
// mosquitto files are ones a real mosquitto starts with (TLS included) and
// serves a terminal logging in the way the board config says.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { loadConfig } from '../../config/load.ts';
import { skipBecause } from '../support/skip.ts';
import { EXAMPLES, exampleBrokerMissing, startExampleBroker } from '../e2e/mosquitto-example.ts';

const test = suite('config examples');

test('board.json passes the schema, with the board\'s devices and no PIN hash', () => {
  const loaded = loadConfig(join(EXAMPLES, 'board.json'));
  if (!loaded.ok) assert.unreachable(loaded.errors.join('\n'));
  if (!loaded.ok) return;
  const c = loaded.config;
  assert.is(c.storage.dir, '/var/lib/scanpos');
  assert.is(c.network.driver, 'mqtt');
  assert.match(c.mqtt.url, /^mqtts:\/\//);
  assert.ok(c.mqtt.username && c.mqtt.password && c.mqtt.ca);
  assert.is(c.mqtt.username, c.terminal.id, 'the broker ACL knows a terminal by its username = terminal id');
  assert.equal([c.display.driver, c.display.path], ['tty', '/dev/tty1']);
  assert.is(c.keypad.driver, 'gpio');
  assert.equal([c.scanner.driver, c.scanner.path], ['serial', '/dev/ttyACM0']);
  assert.equal([c.printer.driver, c.printer.interface, c.printer.path], ['escpos', 'serial', '/dev/ttyUSB0']);
  // A board has no built-in PIN: they are provisioned with `scanpos hash-pin`.
  assert.is(c.security.supervisorPinHash, undefined);
  assert.is(c.security.technicianPinHash, undefined);
  // Logs go to journald (stdout), not over the display's console.
  assert.is(c.log.file, undefined);
});

test('board.json\'s keypad has every key the terminal needs', () => {
  const raw = JSON.parse(readFileSync(join(EXAMPLES, 'board.json'), 'utf8')) as { keypad: { keymap: (string | null)[][] } };
  const keys = new Set(raw.keypad.keymap.flat().filter((k): k is string => k !== null));
  for (const key of ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'OK', 'CLEAR', 'CANCEL', 'F1', 'F2', 'F3', 'F4']) assert.ok(keys.has(key), `no ${key} key`);
});

const missing = exampleBrokerMissing({ tls: true });
if (missing) skipBecause(`the mosquitto example was not started: ${missing}`);

test('mosquitto starts with mosquitto.conf and mosquitto.acl, and a terminal logs in over TLS', async () => {
  if (missing) return;
  const broker = await startExampleBroker({ T1001: 'terminal-secret' }, { tls: true });
  try {
    // As board.json says: username = terminal id, a password, the fleet's CA.
    const client = await connectAsync(broker.terminalUrl, { username: 'T1001', password: 'terminal-secret', clientId: 'T1001', ca: broker.ca!, protocolVersion: 4, reconnectPeriod: 0 });
    const granted = await client.subscribeAsync('pos/T1001/cmd', { qos: 1 });
    await client.publishAsync('pos/T1001/status', '{"v":1,"state":"online"}', { qos: 1, retain: true });
    await client.endAsync();
    assert.is(granted[0]?.qos, 1);
    let refused = '';
    await connectAsync(broker.terminalUrl, { username: 'T1001', password: 'terminal-secret', protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 3000 }).then(
      (c) => c.endAsync(),
      (err: Error) => (refused = err.message),
    );
    assert.ok(refused, 'a client that does not trust the fleet CA must not connect');
    assert.not.match(broker.output(), /error/i);
  } finally {
    await broker.stop();
  }
});

test.run();
