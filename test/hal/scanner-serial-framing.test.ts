// The pure parts of the serial scanner: framing bytes into reads, and the
// gate for double reads and bursts. No port, no timers.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LineFramer, printableTail, type Framed } from '../../hal/scanner/serial-framing.ts';
import { ReadGate } from '../../hal/scanner/serial-bursts.ts';

const bytes = (s: string) => Buffer.from(s, 'latin1');
const codes = (reads: Framed[]) => reads.map((r) => (r.kind === 'code' ? r.code : `drop:${r.reason}`));

const framing = suite('scanner/serial framing');

framing('CR, LF and CRLF each end a read; CRLF is one terminator, even split across chunks', () => {
  const f = new LineFramer({ maxLength: 64 });
  assert.equal(codes(f.push(bytes('111\r222\n333\r\n444\r'))), ['111', '222', '333', '444']);
  assert.equal(codes(f.push(bytes('\n555\r\n'))), ['555']);
  assert.is(f.pending, false);
});

framing('a read without terminator ends at flush (silence), and only then', () => {
  const f = new LineFramer({ maxLength: 64 });
  assert.equal(f.push(bytes('2026')), []);
  assert.equal(f.push(bytes('112600000001')), []);
  assert.is(f.pending, true);
  assert.equal(codes(f.flush()), ['2026112600000001']);
  assert.equal(f.flush(), []);
});

framing('garbage is dropped with a reason, its length and at most its last 4 bytes', () => {
  const f = new LineFramer({ maxLength: 8 });
  assert.equal(f.push(bytes('\r')), [{ kind: 'drop', reason: 'empty', bytes: 0, tail: '' }]);
  assert.equal(f.push(bytes('12\x1b34\r')), [{ kind: 'drop', reason: 'not-printable', bytes: 5, tail: '2\\x1b34' }]);
  assert.equal(f.push(bytes('\xff\xfe\r')), [{ kind: 'drop', reason: 'not-printable', bytes: 2, tail: '\\xff\\xfe' }]);
  assert.equal(f.push(bytes('   \r')), [{ kind: 'drop', reason: 'empty', bytes: 3, tail: '   ' }]);
  assert.equal(f.push(bytes('123456789\r')), [{ kind: 'drop', reason: 'too-long', bytes: 9, tail: '6789' }]);
  assert.equal(codes(f.push(bytes('12345678\r'))), ['12345678'], 'exactly maxLength is a code');
});

framing('an over-long read without terminator keeps memory bounded and reports its whole length', () => {
  const f = new LineFramer({ maxLength: 512 });
  for (let i = 0; i < 64; i++) f.push(bytes('0123456789abcdef'.repeat(2)));
  assert.equal(f.flush(), [{ kind: 'drop', reason: 'too-long', bytes: 2048, tail: 'cdef' }]);
});

framing('a read cut off by the device going away is dropped, even if it looks like a code', () => {
  const f = new LineFramer({ maxLength: 64 });
  f.push(bytes('13456789012'));
  assert.equal(f.cutOff(), [{ kind: 'drop', reason: 'cut-off', bytes: 11, tail: '9012' }]);
  assert.equal(f.cutOff(), []);
});

framing('printableTail never shows more than 4 bytes', () => {
  assert.is(printableTail(bytes('134567890123456789')), '6789');
  assert.is(printableTail(new Uint8Array([0, 1, 2, 3, 4])), '\\x01\\x02\\x03\\x04');
});

const gate = suite('scanner/serial gate (double reads, bursts)');

gate('a single code is delivered; nothing held, nothing settles', () => {
  const g = new ReadGate({ repeatWindowMs: 1000 });
  assert.is(g.settle(0), undefined);
  g.hold('111111');
  assert.equal(g.settle(0), { kind: 'deliver', code: '111111' });
});

gate('a double read (the same code twice, no silence between) is delivered once', () => {
  const g = new ReadGate({ repeatWindowMs: 1000 });
  g.hold('134567890123456789');
  g.hold('134567890123456789');
  assert.equal(g.settle(0), { kind: 'deliver', code: '134567890123456789' });
});

gate('different codes with no silence between them are a burst: all dropped', () => {
  const g = new ReadGate({ repeatWindowMs: 1000 });
  for (const code of ['111111', '222222', '111111']) g.hold(code);
  assert.equal(g.settle(0), { kind: 'drop', reason: 'burst', reads: 3 });
  g.hold('333333');
  assert.equal(g.settle(10), { kind: 'deliver', code: '333333' }, 'the next code after silence is fine');
});

gate('the last code read again within the window is dropped; the window slides with each re-read', () => {
  const g = new ReadGate({ repeatWindowMs: 1000 });
  g.hold('134567890123456789');
  assert.equal(g.settle(0), { kind: 'deliver', code: '134567890123456789' });
  for (const at of [400, 1200, 2100]) {
    g.hold('134567890123456789');
    assert.equal(g.settle(at), { kind: 'drop', reason: 'repeat', bytes: 18, tail: '6789' }, `re-read at ${at}`);
  }
  g.hold('134567890123456789');
  assert.equal(g.settle(3200), { kind: 'deliver', code: '134567890123456789' }, 'after a full window of quiet');
  g.hold('284567890123456789');
  assert.equal(g.settle(3300), { kind: 'deliver', code: '284567890123456789' }, 'another code is not a repeat');
});

gate('clear forgets held codes', () => {
  const g = new ReadGate({ repeatWindowMs: 1000 });
  g.hold('111111');
  assert.is(g.clear(), 1);
  assert.is(g.settle(0), undefined);
});

framing.run();
gate.run();
