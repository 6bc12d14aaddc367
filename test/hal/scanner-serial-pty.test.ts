// The pty pair helper itself (test/support/pty.ts), both ways, and across an
// unplug: what the device tests of the scanner and the printer rely on.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { closeSync, constants, existsSync, openSync, readSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { havePtys, openPtyPair } from '../support/pty.ts';

/** Opens the port side as a driver would (raw bytes, no controlling tty). */
const openPort = (path: string) => openSync(path, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);

async function readPort(fd: number, min: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const deadline = Date.now() + 1000;
  while (Buffer.concat(chunks).length < min && Date.now() < deadline) {
    const buffer = Buffer.alloc(256);
    try {
      chunks.push(buffer.subarray(0, readSync(fd, buffer)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      await sleep(2);
    }
  }
  return Buffer.concat(chunks);
}

if (havePtys('the pty pair helper tests')) {
  const test = suite('support/pty pair');

  test('bytes go both ways unchanged (no echo, no CR/LF translation)', async () => {
    const pty = await openPtyPair();
    const port = openPort(pty.port);
    try {
      const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      await pty.write(all);
      assert.equal([...(await readPort(port, 256))], [...all]);
      writeSync(port, 'status?\r\n\x10\x04\x01');
      assert.is((await pty.read({ min: 12 })).toString('latin1'), 'status?\r\n\x10\x04\x01');
      assert.is((await pty.read({ timeoutMs: 20 })).length, 0, 'a read takes what arrived, once');
    } finally {
      closeSync(port);
      await pty.close();
    }
  });

  test('unplug removes both paths; plug makes them again; close leaves nothing', async () => {
    const pty = await openPtyPair({ plugged: false });
    assert.is(pty.plugged, false);
    assert.is(existsSync(pty.port), false);
    await pty.plug();
    assert.ok(existsSync(pty.port) && existsSync(pty.device));
    await pty.unplug();
    assert.is(existsSync(pty.port), false);
    await pty.plug();
    await pty.unplug({ abrupt: true });
    await pty.plug();
    const port = openPort(pty.port);
    await pty.write('after\r');
    assert.is((await readPort(port, 6)).toString(), 'after\r');
    closeSync(port);
    await pty.close();
    assert.is(existsSync(pty.port), false);
    await pty.write('x').then(
      () => assert.unreachable('an unplugged device cannot send'),
      (err: Error) => assert.match(err.message, /unplugged/),
    );
  });

  test.run();
}
