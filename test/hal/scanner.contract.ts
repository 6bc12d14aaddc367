// Contract suite of a scanner (hal/scanner/types.ts), run against any driver.
// The factory gives the scanner and the far end of its device: a way to make
// it read (the simulator's back door, or bytes written to a pseudo-terminal
// standing in for a USB-serial scanner) and to unplug / plug it.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Scanner, ScannerStatus } from '../../hal/scanner/types.ts';

export interface ScannerUnderTest {
  scanner: Scanner;
  /** The device sends `bytes` as one read; resolves when the driver has had time to report it. */
  read: (bytes: string) => void | Promise<void>;
  unplug: () => void | Promise<void>;
  plug: () => void | Promise<void>;
}

/** `present: false` makes a scanner whose device is missing at start. */
export type ScannerFactory = (options: { present: boolean }) => ScannerUnderTest | Promise<ScannerUnderTest>;

export function scannerContract(name: string, make: ScannerFactory) {
  const test = suite(`scanner contract: ${name}`);

  async function started(present = true) {
    const under = await make({ present });
    const codes: string[] = [];
    const statuses: ScannerStatus[] = [];
    under.scanner.onCode((code) => codes.push(code));
    under.scanner.onStatus((status) => statuses.push(status));
    await under.scanner.start();
    return { ...under, codes, statuses };
  }

  test('a code arrives without its terminator, whatever the terminator', async () => {
    const { scanner, read, codes } = await started();
    await read('134567890123456789\r');
    await read('284567890123456789\n');
    await read('2026112600000001\r\n');
    assert.equal(codes, ['134567890123456789', '284567890123456789', '2026112600000001']);
    await scanner.stop();
  });

  test('garbage never reaches listeners', async () => {
    const { scanner, read, codes } = await started();
    await read('\r\n');
    await read('\x00\x01\x02\r');
    await read('12\x1b34\r');
    await read('134567890123456789\r');
    assert.equal(codes, ['134567890123456789']);
    await scanner.stop();
  });

  test('an unsubscribed listener hears nothing more', async () => {
    const { scanner, read, codes } = await started();
    const other: string[] = [];
    const off = scanner.onCode((code) => other.push(code));
    await read('111111\r');
    off();
    await read('222222\r');
    assert.equal(other, ['111111']);
    assert.equal(codes, ['111111', '222222']);
    await scanner.stop();
  });

  test('unplugging and plugging back are reported, and reading goes on afterwards', async () => {
    const { scanner, read, unplug, plug, codes, statuses } = await started();
    assert.is(scanner.status().present, true);
    await unplug();
    assert.is(scanner.status().present, false);
    await plug();
    assert.is(scanner.status().present, true);
    assert.equal(
      statuses.map((s) => s.present),
      [false, true],
    );
    await read('333333\r');
    assert.equal(codes, ['333333']);
    await scanner.stop();
  });

  test('a missing device is not an error at start: status says so', async () => {
    const { scanner } = await started(false);
    assert.is(scanner.status().present, false);
    await scanner.stop();
  });

  test('no code is reported after stop; stop is idempotent', async () => {
    const { scanner, read, codes } = await started();
    await scanner.stop();
    await scanner.stop();
    await read('444444\r');
    assert.equal(codes, []);
  });

  return test;
}
