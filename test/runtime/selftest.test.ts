// The self-test on a whole terminal with simulated devices: a technician
// running it with keys and leaving with a printed report, ops running it
// remotely (never disturbing a transaction on screen), and the check at start.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { hashPin } from '../../src/domain/pin.ts';
import { NEEDS_TECHNICIAN, type SelfTestReport } from '../../src/domain/selftest.ts';
import type { SimHost } from '../../hal/network/sim.ts';
import { SUPERVISOR_PIN, TestTerminal, simConfig, tempDir } from '../support/terminal.ts';

const test = suite('terminal: self-test');
const TECHNICIAN_PIN = '135790';
const security = { supervisorPinHash: hashPin(SUPERVISOR_PIN), technicianPinHash: hashPin(TECHNICIAN_PIN) };

const config = (over: Record<string, unknown> = {}) => simConfig(tempDir(), { security, ...over });

function selftestMessages(t: TestTerminal) {
  return t.devices.link!.published().filter((p) => p.topic === 'selftest');
}

test('a technician runs the whole self-test with keys and gets a printed report; ops get it retained', async () => {
  const t = await TestTerminal.start(config());
  try {
    await t.running.terminal.settled(); // the start-up check
    t.keys('9');
    await t.see(/Technician PIN/);
    t.keys(`${TECHNICIAN_PIN} [OK]`);
    await t.see(/1 Full self-test/);
    t.keys('1');
    await t.see(/Every row, corner and character clear\?/);
    t.keys('[OK]');
    await t.see(/Still missing: 0 1 2/);
    t.keys('0123456789 [OK][CLEAR][CANCEL][F1][F2][F3]');
    await t.see(/Still missing: F4/);
    t.keys('[F4]');
    await t.see(/Scan any code/);
    t.scan('HELLO-42');
    await t.see(/Read: HELLO-42 Network: not a payment code/);
    t.keys('[OK]');
    const shown = await t.see(/ALL TESTS PASSED/, 10_000);
    for (const line of ['PASS Display', 'PASS Keypad', 'PASS Scanner', 'PASS Printer', 'PASS Network', 'PASS Storage', 'PASS Indicators']) {
      assert.ok(shown.includes(line), `${line} in ${shown}`);
    }
    await t.running.terminal.settled();

    const printed = t.devices.printer!.printed();
    assert.equal(printed.map((p) => p.doc.title), ['printer-test', 'selftest']);
    assert.match(printed[0]!.text, /中文打印测试/);
    const report = printed[1]!.text.replace(/\s+/g, ' ');
    assert.match(report, /SELF-TEST/);
    assert.match(report, /TT01/);
    assert.match(report, /Keypad .*PASS/);
    assert.match(report, /read "HELLO-42" \(not a payment code\)/);
    assert.match(report, /host round trip \d+ ms/);
    assert.match(report, /ALL TESTS PASSED/);

    const last = selftestMessages(t).at(-1)!;
    assert.is(last.retain, true);
    const payload = last.payload as unknown as SelfTestReport & { v: number };
    assert.is(payload.v, 1);
    assert.is(payload.trigger, 'local');
    assert.is(payload.ok, true);
    assert.equal(payload.tests.map((x) => x.name), ['display', 'keypad', 'scanner', 'printer', 'network', 'storage', 'indicators']);
    for (const x of payload.tests) assert.ok(Number.isInteger(x.ms) && typeof x.detail === 'string');
    assert.ok(t.devices.indicators!.signals().includes('attention'), 'the indicators test played a signal');

    t.keys('[OK]');
    await t.see(/No refunds queued/);
  } finally {
    await t.stop();
  }
});

test('runSelfTest("remote"): interactive tests skipped with the reason, the rest run, published retained', async () => {
  const t = await TestTerminal.start(config());
  try {
    await t.running.terminal.settled();
    const report = await t.running.terminal.runSelfTest('remote');
    assert.is(report.trigger, 'remote');
    assert.is(report.ok, true);
    const byName = Object.fromEntries(report.tests.map((x) => [x.name, x]));
    for (const name of ['display', 'keypad', 'scanner']) assert.equal([byName[name]!.status, byName[name]!.detail], ['skipped', NEEDS_TECHNICIAN]);
    assert.is(byName.printer!.status, 'pass');
    assert.is(byName.network!.status, 'pass');
    assert.is(byName.storage!.status, 'pass');
    assert.is(byName.indicators!.status, 'skipped', 'nobody there to see the LEDs');
    assert.equal(t.devices.printer!.printed().map((p) => p.doc.title), ['printer-test'], 'a test page, no report on paper');
    const last = selftestMessages(t).at(-1)!;
    assert.equal([last.retain, last.payload.trigger, last.payload.ok], [true, 'remote', true]);
  } finally {
    await t.stop();
  }
});

test('a remote self-test leaves a transaction on screen alone: no page printed, no signal, same screen', async () => {
  const t = await TestTerminal.start(config());
  try {
    await t.running.terminal.settled();
    t.keys('2 2026');
    const before = await t.see(/Order/);
    t.devices.indicators!.clear();
    const report = await t.running.terminal.runSelfTest('remote');
    assert.is(report.ok, true);
    assert.match(report.tests.find((x) => x.name === 'printer')!.detail, /no test page: a transaction is on screen/);
    assert.is(t.devices.printer!.printed().length, 0);
    assert.equal(t.devices.indicators!.signals(), []);
    assert.is(t.running.terminal.machine.screen.id, 'refund.order');
    assert.is(await t.see(/Order/), before);
  } finally {
    await t.stop();
  }
});

test('a report made while the broker is down is published when it is back', async () => {
  const t = await TestTerminal.start(config());
  try {
    await t.running.terminal.settled();
    const before = selftestMessages(t).length;
    t.devices.link!.drop();
    const report = await t.running.terminal.runSelfTest('remote');
    assert.equal([report.ok, report.tests.find((x) => x.name === 'network')!.detail], [false, 'broker not connected']);
    assert.is(selftestMessages(t).length, before);
    t.devices.link!.restore();
    await t.running.terminal.settled();
    const last = selftestMessages(t).at(-1)!;
    assert.equal([last.retain, last.payload.at, last.payload.ok], [true, report.at, false]);
  } finally {
    await t.stop();
  }
});

test('start-up check: storage, printer status and network; a failure shows on the home screen and goes to ops', async () => {
  // A host that never answers: the broker is up, the host is silent.
  const silent: SimHost = () => new Promise(() => {});
  const t = await TestTerminal.start(config(), silent);
  try {
    await t.running.terminal.settled();
    const boot = selftestMessages(t).find((p) => p.payload.trigger === 'boot');
    assert.ok(boot, 'the start-up report is published');
    assert.is(boot.retain, true);
    const tests = boot.payload.tests as SelfTestReport['tests'];
    assert.equal(tests.map((x) => [x.name, x.status]), [['storage', 'pass'], ['printer', 'pass'], ['network', 'fail']]);
    await t.see(/Self-test: Network FAIL \(broker connected, host did not answer time\.get/);
    assert.is(t.devices.printer!.printed().length, 0, 'nothing printed at start-up');
  } finally {
    await t.stop();
  }
});

test('start-up check with the printer out of paper: one notice says so, and it goes when paper is loaded', async () => {
  const t = await TestTerminal.start(config());
  try {
    await t.running.terminal.settled();
    t.devices.printer!.setProblem('paper_out');
    const report = await t.running.terminal.runSelfTest('boot');
    assert.is(report.ok, false);
    assert.equal(report.tests.find((x) => x.name === 'printer')?.status, 'fail');
    await t.running.terminal.settled();
    const notices = () => t.running.terminal.machine.ctx.notices;
    // The printer watch owns the printer's notice: the boot check adds no second, stale one.
    assert.equal(notices().filter((n) => /paper/i.test(n)).length, 1, notices().join(' | '));
    assert.not.match(notices().join(' | '), /Self-test: Printer/);
    t.devices.printer!.setProblem(null);
    await t.running.terminal.runSelfTest('boot');
    await t.running.terminal.settled();
    for (let i = 0; i < 100 && notices().some((n) => /paper/i.test(n)); i++) await new Promise((r) => setTimeout(r, 20));
    assert.not.match(notices().join(' | '), /paper/i, 'the paper notice goes once paper is loaded');
  } finally {
    await t.stop();
  }
});

test.run();
