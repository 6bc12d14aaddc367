import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SimScanner, cleanCode } from '../../hal/scanner/sim.ts';
import { scannerContract } from './scanner.contract.ts';

const contract = scannerContract('sim', ({ present }) => {
  const scanner = new SimScanner({ present });
  return {
    scanner,
    read: (bytes) => void scanner.scan(bytes),
    unplug: () => scanner.unplug(),
    plug: () => scanner.plug(),
  };
});

const test = suite('scanner/sim back door');

test('scan() tells whether the code was delivered', async () => {
  const scanner = new SimScanner();
  const codes: string[] = [];
  scanner.onCode((code) => codes.push(code));
  assert.is(scanner.scan('111111'), false, 'not started');
  await scanner.start();
  assert.is(scanner.scan('134567890123456789'), true);
  assert.is(scanner.scan(''), false, 'empty read');
  scanner.unplug();
  assert.is(scanner.scan('222222'), false, 'unplugged');
  assert.equal(scanner.status(), { present: false, detail: 'unplugged' });
  scanner.plug();
  assert.is(scanner.scan('333333'), true);
  assert.equal(codes, ['134567890123456789', '333333']);
});

test('status listeners are told of a change only once', async () => {
  const scanner = new SimScanner();
  const seen: boolean[] = [];
  scanner.onStatus((status) => seen.push(status.present));
  scanner.unplug();
  scanner.unplug();
  scanner.plug();
  scanner.plug();
  assert.equal(seen, [false, true]);
});

test('cleanCode keeps printable text and refuses the rest', () => {
  assert.is(cleanCode('https://qr.example/abc?x=1\r\n'), 'https://qr.example/abc?x=1');
  assert.is(cleanCode('   \r'), null);
  assert.is(cleanCode('12\t34'), null);
  assert.is(cleanCode('付款码'), null);
});

contract.run();
test.run();
