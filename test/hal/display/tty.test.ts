import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Writable } from 'node:stream';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DisplaySize } from '../../../hal/display/types.ts';
import { ALT_SCREEN_OFF, ALT_SCREEN_ON, CURSOR_HIDE, CURSOR_SHOW, TtyDisplay, moveTo } from '../../../hal/display/tty.ts';
import { displayContract } from '../display.contract.ts';
import { Screen } from './screen.ts';

/** A terminal stand-in: keeps the bytes written and applies them to a screen model. */
function terminal() {
  const writes: string[] = [];
  const screen = new Screen(24, 80);
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const text = chunk.toString('utf8');
      writes.push(text);
      screen.write(text);
      done();
    },
  });
  return { output, writes, screen, all: () => writes.join('') };
}

const contract = displayContract('tty', (size: DisplaySize) => {
  const term = terminal();
  const display = new TtyDisplay({ size, output: term.output });
  const rowsInBox = () => Array.from({ length: size.rows }, (_, i) => term.screen.slice(i + 1, 1, size.cols));
  return {
    display,
    shown: () => rowsInBox().map((row) => row.trimEnd()),
    emphasised: () =>
      Array.from({ length: size.rows }, (_, i) => i).filter((i) => term.screen.inverse[i + 1]!.slice(1, size.cols + 1).every(Boolean)),
  };
});

const test = suite('display/tty');
const size = { rows: 3, cols: 10 };

test('start switches to the alternate screen and hides the cursor; stop restores both', async () => {
  const term = terminal();
  const display = new TtyDisplay({ size, output: term.output });
  await display.start();
  assert.ok(term.all().startsWith(ALT_SCREEN_ON + CURSOR_HIDE));
  assert.is(term.screen.modes.get('25'), false);
  await display.stop();
  const end = term.writes[term.writes.length - 1]!;
  assert.ok(end.includes(CURSOR_SHOW));
  assert.ok(end.endsWith(ALT_SCREEN_OFF));
  assert.is(term.screen.modes.get('25'), true);
  assert.is(term.screen.modes.get('1049'), false);
  const writesAfterStop = term.writes.length;
  await display.stop();
  assert.is(term.writes.length, writesAfterStop, 'a second stop writes nothing');
});

test('the frame is drawn inside a box at the top-left corner', async () => {
  const term = terminal();
  const display = new TtyDisplay({ size, output: term.output });
  await display.start();
  display.render({ rows: ['Refund', '12.34', ''] });
  assert.is(term.screen.line(0), '┌──────────┐');
  assert.is(term.screen.line(1), '│Refund    │');
  assert.is(term.screen.line(2), '│12.34     │');
  assert.is(term.screen.line(3), '│          │');
  assert.is(term.screen.line(4), '└──────────┘');
  await display.stop();
});

test('an unchanged row is not rewritten on the next render', async () => {
  const term = terminal();
  const display = new TtyDisplay({ size, output: term.output });
  await display.start();
  display.render({ rows: ['Amount', '1', 'OK'] });
  const before = term.writes.length;
  display.render({ rows: ['Amount', '12', 'OK'] });
  assert.is(term.writes.length, before + 1, 'one write per render');
  const update = term.writes[term.writes.length - 1]!;
  assert.ok(update.includes(moveTo(3, 2) + '12'), 'the changed row is drawn');
  assert.not.ok(update.includes('Amount'), 'row 0 is left alone');
  assert.not.ok(update.includes(moveTo(2, 2)));
  assert.not.ok(update.includes(moveTo(4, 2)));
  display.render({ rows: ['Amount', '12', 'OK'] });
  assert.is(term.writes.length, before + 1, 'an identical frame writes nothing');
  await display.stop();
});

test('Chinese text is padded by cells so the right border stays in place', async () => {
  const term = terminal();
  const display = new TtyDisplay({ size, output: term.output });
  await display.start();
  display.render({ rows: ['退款成功', '金额12.34', ''] });
  const all = term.all();
  assert.ok(all.includes(moveTo(2, 2) + '退款成功  '), '8 cells of text + 2 spaces');
  assert.ok(all.includes(moveTo(3, 2) + '金额12.34 '), '9 cells of text + 1 space');
  assert.is(term.screen.line(1), '│退款成功  │');
  assert.is(term.screen.slice(1, 11, 1), '│', 'border in column 12');
  await display.stop();
});

test('an emphasised row is drawn in inverse video, and redrawn when emphasis moves', async () => {
  const term = terminal();
  const display = new TtyDisplay({ size, output: term.output });
  await display.start();
  display.render({ rows: ['Menu', '1 Sale', '2 Refund'], emphasis: [1] });
  assert.ok(term.all().includes(moveTo(3, 2) + '\x1b[7m1 Sale    \x1b[0m'));
  const before = term.writes.length;
  display.render({ rows: ['Menu', '1 Sale', '2 Refund'], emphasis: [2] });
  assert.is(term.writes.length, before + 1);
  assert.ok(term.screen.inverse[3]!.slice(1, 11).every(Boolean));
  assert.not.ok(term.screen.inverse[2]!.slice(1, 11).some(Boolean));
  await display.stop();
});

test('the footer line shows under the box, as wide as the box, and is replaced by setFooter', async () => {
  const term = terminal();
  const display = new TtyDisplay({ size, output: term.output });
  display.setFooter('F1 scan · F2 network · Ctrl-C quit');
  await display.start();
  // Cut to the box (cols + 2 borders) so that text beside the box is left alone.
  assert.is(term.screen.line(5), 'F1 scan · F2');
  display.setFooter('Scan: 1345');
  assert.is(term.screen.line(5), 'Scan: 1345');
  const before = term.writes.length;
  display.setFooter('Scan: 1345');
  assert.is(term.writes.length, before, 'the same footer is not rewritten');
  await display.stop();
});

test('the footer is cut at the terminal width when the terminal tells it', async () => {
  const term = terminal();
  Object.assign(term.output, { columns: 12 });
  const display = new TtyDisplay({ size, output: term.output });
  display.setFooter('F1 scan · F2 network · Ctrl-C quit');
  await display.start();
  assert.is(term.screen.line(5), 'F1 scan · F2');
  assert.is(term.screen.line(6), '', 'nothing spilled onto the next line');
  await display.stop();
});

test('a frame rendered before start is drawn by start; redraw() repaints everything', async () => {
  const term = terminal();
  const display = new TtyDisplay({ size, output: term.output });
  display.render({ rows: ['Welcome', '', ''] });
  assert.is(term.writes.length, 0, 'nothing is written before start');
  await display.start();
  assert.is(term.screen.line(1), '│Welcome   │');
  term.screen.write('\x1b[2J'); // something scribbled over the screen
  display.redraw();
  assert.is(term.screen.line(1), '│Welcome   │');
  assert.is(term.screen.line(0), '┌──────────┐');
  await display.stop();
});

test('option path opens that device (here a plain file) for writing and closes it on stop', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'scanpos-tty-')), 'tty');
  writeFileSync(file, '');
  const display = new TtyDisplay({ size, path: file });
  await display.start();
  display.render({ rows: ['退款', '', ''] });
  await display.stop();
  const written = readFileSync(file, 'utf8');
  assert.ok(written.startsWith(ALT_SCREEN_ON));
  assert.ok(written.includes('退款'));
  assert.ok(written.endsWith(ALT_SCREEN_OFF));
});

test('a path naming a file is never truncated nor created: what was there stays, a missing path fails', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'scanpos-tty-'));
  const file = join(dir, 'ledger.journal');
  writeFileSync(file, 'RECORDS THAT MUST STAY\n');
  const display = new TtyDisplay({ size, path: file });
  await display.start();
  display.render({ rows: ['Welcome', '', ''] });
  await display.stop();
  assert.ok(readFileSync(file, 'utf8').startsWith('RECORDS THAT MUST STAY\n'));
  const missing = join(dir, 'tty9');
  try {
    await new TtyDisplay({ size, path: missing }).start();
    assert.unreachable('start should fail');
  } catch (error) {
    assert.match((error as Error).message, /cannot open display .*tty9: ENOENT/);
  }
  assert.not.ok(existsSync(missing), 'no file made');
});

test('start fails with a clear message when the device cannot be opened', async () => {
  const display = new TtyDisplay({ size, path: '/nonexistent-dir/tty1' });
  try {
    await display.start();
    assert.unreachable('start should fail');
  } catch (error) {
    assert.match((error as Error).message, /cannot open display \/nonexistent-dir\/tty1/);
  }
});

contract.run();
test.run();
