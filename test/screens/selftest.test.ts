// The technician's self-test through the pure screen machine.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Driver, testCtx, WECHAT } from '../support/machine.ts';
import { buildReport, type SelfTestResult } from '../../src/domain/selftest.ts';
import { TEST_TIMEOUT_MS } from '../../screens/selftest/flow.ts';
import { cellWidth } from '../../hal/display/width.ts';

const test = suite('screens: self-test');

const techCtx = (over = {}) => testCtx({ pins: { supervisor: true, technician: true }, ...over });

/** Home → 9 → PIN accepted → self-test menu. */
function toMenu(d = new Driver(techCtx())): Driver {
  d.keys('9 135790 [OK]');
  assert.equal(d.take('verifyPin'), [{ type: 'verifyPin', role: 'technician', pin: '135790' }]);
  return d.send({ type: 'pin', role: 'technician', outcome: { result: 'ok' } });
}

test('9 asks for the technician PIN, masked; a wrong one says how many tries are left', () => {
  const d = new Driver(techCtx()).keys('9');
  assert.is(d.screen, 'selftest.pin');
  d.keys('1357');
  assert.match(d.text(), /Technician PIN: \*\*\*\*_/);
  assert.not.match(d.text(), /1357/);
  d.keys('[OK]').send({ type: 'pin', role: 'technician', outcome: { result: 'wrong', triesLeft: 2 } });
  assert.match(d.text(), /Wrong PIN: 2 tries left/);
  assert.is(d.take('signal').some((s) => s.signal === 'error'), true);
  d.keys('[CANCEL]');
  assert.is(d.screen, 'home');
});

test('no technician PIN provisioned: 9 says how to provision one', () => {
  const d = new Driver(techCtx({ pins: { supervisor: true, technician: false } })).keys('9');
  assert.match(d.text(), /technicianPinHash/);
});

test('a technician lockout is shown and does not lock refunds', () => {
  const d = new Driver(techCtx()).keys('9 1 [OK]');
  d.send({ type: 'pin', role: 'technician', outcome: { result: 'locked', lockedUntil: d.at + 300_000 } });
  assert.match(d.text(), /Technician mode locked/);
  assert.is(d.machine.ctx.refundLockedUntil, undefined);
});

test('full self-test: display pattern, keypad, scanner, then the automatic tests as an effect', () => {
  const d = toMenu();
  assert.match(d.text(), /1 Full self-test/);
  d.keys('1');
  assert.is(d.screen, 'selftest.display');
  const rows = d.rows();
  assert.match(rows[1]!, /^1234567890/, 'a column ruler across the first body row');
  assert.ok(rows.some((r) => r.includes('中文显示测试')), 'wide characters');
  assert.match(d.text(), /OK yes CLEAR fault CANCEL skip/);
  d.advance(2000).keys('[OK]');

  assert.is(d.screen, 'selftest.keypad');
  assert.match(d.text(), /Still missing: 0 1 2 3 4 5 6 7 8 9 OK CLEAR CANCEL F1 F2 F3 F4/);
  assert.match(d.text(), /No key for 30 s ends the test/, "CANCEL is under test: the screen says how the test ends");
  d.keys('0123456789');
  assert.match(d.text(), /Still missing: OK CLEAR CANCEL F1 F2 F3 F4/);
  d.keys('[OK][CLEAR][CANCEL][F1][F2][F3]');
  assert.is(d.screen, 'selftest.keypad', 'CANCEL is a key to test here, not a way out');
  assert.match(d.text(), /Still missing: F4/);
  d.keys('[F4]');

  assert.is(d.screen, 'selftest.scanner');
  assert.match(d.text(), /Scan any code/);
  d.scan('https://example.com/x');
  assert.match(d.text(), /Read: https:\/\/example\.com\/x/);
  assert.match(d.text(), /Network: not a payment code/);
  d.scan(WECHAT);
  assert.match(d.text(), /Read: \*+6789/, 'a payment code is masked');
  assert.not.match(d.text(), new RegExp(WECHAT));
  assert.match(d.text(), /Network: WeChat Pay/);
  d.keys('[OK]');

  assert.is(d.screen, 'selftest.running');
  const [effect] = d.take('selfTest');
  assert.ok(effect);
  assert.is(effect.automatic, true);
  assert.equal(effect.done.map((r) => [r.name, r.status]), [['display', 'pass'], ['keypad', 'pass'], ['scanner', 'pass']]);
  assert.is(effect.done[1]!.detail, 'all 17 keys pressed');
  assert.is(effect.done[0]!.ms, 2000, 'timed from the screen that opened it to the key that ended it');
  assert.match(effect.done[2]!.detail, /WeChat Pay/);
  assert.not.match(effect.done[2]!.detail, new RegExp(WECHAT));
});

test('keypad test time-out fails it and lists the keys never pressed', () => {
  const d = toMenu().keys('3');
  assert.is(d.screen, 'selftest.keypad');
  d.keys('0123456789 [OK][CLEAR][CANCEL][F1][F2]');
  d.advance(TEST_TIMEOUT_MS);
  assert.is(d.screen, 'selftest.running');
  const [effect] = d.take('selfTest');
  assert.is(effect!.automatic, false, 'one test chosen alone: no automatic tests');
  assert.equal(effect!.done.map((r) => r.status), ['fail']);
  assert.match(effect!.done[0]!.detail, /F3, F4/);
  assert.ok(d.take('signal').some((s) => s.signal === 'error'));
});

test('a keypad without F keys (GPIO keymap) is tested on its own keys', () => {
  const d = toMenu(new Driver(techCtx({ keypadKeys: ['1', '2', 'OK'] }))).keys('3');
  assert.match(d.text(), /Still missing: 1 2 OK/);
  d.keys('1 2 [OK]');
  assert.equal(d.take('selfTest')[0]!.done.map((r) => [r.status, r.detail]), [['pass', 'all 3 keys pressed']]);
});

test('display: CLEAR is a fault, no answer fails; scanner: nothing scanned fails, CANCEL skips', () => {
  const fault = toMenu().keys('2 [CLEAR]');
  assert.equal(fault.take('selfTest')[0]!.done.map((r) => r.status), ['fail']);
  const silent = toMenu().keys('2').advance(TEST_TIMEOUT_MS);
  assert.match(silent.take('selfTest')[0]!.done[0]!.detail, /not confirmed/);
  const noScan = toMenu().keys('4').advance(TEST_TIMEOUT_MS);
  assert.match(noScan.take('selfTest')[0]!.done[0]!.detail, /nothing scanned/);
  const skipped = toMenu().keys('4 [CANCEL]');
  assert.equal(skipped.take('selfTest')[0]!.done.map((r) => r.status), ['skipped']);
  const order = toMenu().keys('4').scan('2026000000000001');
  assert.match(order.text(), /Network: order number/);
});

test('the report is shown with PASS / FAIL / SKIPPED, printed, and paged with F3/F4', () => {
  const d = toMenu().keys('5');
  assert.equal(d.take('selfTest'), [{ type: 'selfTest', done: [], automatic: true }]);
  const tests: SelfTestResult[] = [
    { name: 'display', status: 'pass', ms: 2100, detail: 'pattern confirmed by the technician' },
    { name: 'printer', status: 'fail', ms: 40, detail: 'paper out' },
    { name: 'indicators', status: 'skipped', ms: 0, detail: 'no LEDs or buzzer on this terminal' },
  ];
  d.send({ type: 'selfTestReport', report: buildReport('local', tests, d.at) });
  assert.is(d.screen, 'selftest.result');
  assert.match(d.text(), /1 TEST\(S\) FAILED/);
  assert.match(d.text(), /PASS Display 2\.1 s/);
  assert.match(d.text(), /FAIL Printer 40 ms/);
  assert.match(d.text(), /SKIPPED Indicators/);
  const [print] = d.take('print');
  assert.is(print!.doc.title, 'selftest');
  assert.ok(print!.doc.lines.some((l) => l.kind === 'text' && /paper out/.test(l.text)));
  d.keys('[F4][F4]');
  assert.match(d.text(), /Printer: FAIL/);
  assert.match(d.text(), /paper out/);
  d.keys('[F3][F3]');
  assert.match(d.text(), /1 TEST\(S\) FAILED/);
  d.keys('[OK]');
  assert.is(d.screen, 'home');
});

test('in Chinese: the menu, statuses and the display pattern fit the screen', () => {
  const d = toMenu(new Driver(techCtx({ locale: 'zh-CN' })));
  assert.match(d.text(), /全部自检/);
  d.keys('1');
  for (const row of d.rows()) assert.ok(cellWidth(row) <= 32, row);
  d.keys('[OK]');
  assert.match(d.text(), /尚未按/);
});

test.run();
