import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuplicateTransactionError, Ledger, type LedgerOptions } from '../../src/ledger/ledger.ts';
import { PowerFs } from './power-fs.ts';
import { PAY_CODE, allFiles, clock, openLedger, order, peek as peekLedger, result, storeValues, tempDir, txn } from './helpers.ts';

const test = suite('ledger/outbox and settlement');

const T0 = '2026-11-27T02:00:00.000Z';

const open = (dir: string, extra: Partial<LedgerOptions> = {}): Promise<Ledger> => openLedger(dir, { now: () => new Date(T0), ...extra });

/** Opens the ledger once more, reads something, and closes it again. */
const peek = <R>(dir: string, read: (ledger: Ledger) => R): Promise<R> => peekLedger(dir, read, { now: () => new Date(T0) });

test('a recorded transaction is in the outbox, queued, after a restart', async () => {
  const dir = join(tempDir(), 'data', 'nested'); // open creates the folder
  const ledger = await open(dir);
  const record = await ledger.record(txn());
  assert.equal(record, { txn: txn(), state: 'queued', attempts: 0, updatedAt: T0 });
  await ledger.close();

  const again = await open(dir);
  assert.equal(again.outbox(), [record]);
  assert.equal(await again.find('R0001'), record);
  await again.close();
});

test('a duplicate id is refused, whether still pending or already final', async () => {
  const ledger = await open(tempDir());
  await ledger.record(txn());
  await ledger.record(txn({ amountCents: 1 })).then(
    () => assert.unreachable('duplicate accepted'),
    (error: Error) => assert.instance(error, DuplicateTransactionError),
  );
  await ledger.settle('R0001', result('R0001'));
  await ledger.record(txn()).then(
    () => assert.unreachable('duplicate of a final transaction accepted'),
    (error: Error) => assert.match(error.message, /R0001 is already recorded/),
  );
  assert.is(ledger.outbox().length, 0);
  await ledger.close();
});

test('attempts are counted durably', async () => {
  const dir = tempDir();
  const ledger = await open(dir);
  await ledger.record(txn());
  await ledger.noteAttempt('R0001');
  const second = await ledger.noteAttempt('R0001');
  assert.is(second.attempts, 2);
  await ledger.close();
  assert.is(await peek(dir, (l) => l.outbox()[0]!.attempts), 2);
});

test('an approved refund moves to its day segment with the pay code masked, and leaves the outbox', async () => {
  const dir = tempDir();
  const time = clock(T0);
  const ledger = await open(dir, { now: time.now });
  await ledger.record(txn());
  await ledger.noteAttempt('R0001');
  time.set('2026-11-27T02:00:05.000Z');
  const final = await ledger.settle('R0001', result('R0001'));
  assert.is(final.state, 'approved');
  assert.is(final.txn.payCode, '**************6789');
  assert.is(final.attempts, 1);
  assert.is(final.updatedAt, '2026-11-27T02:00:05.000Z');
  assert.equal(ledger.outbox(), []);
  await ledger.close();

  const byId = (r: { txn: { id: string } }) => r.txn.id;
  assert.equal(await storeValues(join(dir, 'days', '2026-11-27.json'), 'scanpos.day', 'records', byId), [final]);
  assert.equal(await storeValues(join(dir, 'outbox.json'), 'scanpos.outbox', 'records', byId), []);
  // Once the outbox is empty its files are rewritten (at close at the latest): no full code anywhere.
  for (const { path, text } of allFiles(dir)) {
    assert.not.ok(text.includes(PAY_CODE), `full pay code still stored in ${path}`);
  }

  const again = await open(dir);
  assert.equal(again.outbox(), []);
  assert.equal(await again.find('R0001'), final);
  await again.close();
});

test('once the outbox is empty and quiet its files are rewritten: no full pay code is left, even before close', async () => {
  const dir = tempDir();
  const ledger = await open(dir, { scrubDelayMs: 20 });
  await ledger.record(txn());
  assert.ok(allFiles(dir).some(({ text }) => text.includes(PAY_CODE)), 'pending: the code is needed for a resubmission');
  await ledger.settle('R0001', result('R0001'));
  await new Promise((resolve) => setTimeout(resolve, 200));
  for (const { path, text } of allFiles(dir)) assert.not.ok(text.includes(PAY_CODE), `full pay code still stored in ${path}`);
  assert.is((await ledger.find('R0001'))?.state, 'approved');
  await ledger.close();
});

test('a declined answer is final too; a late repeated answer changes nothing', async () => {
  const ledger = await open(tempDir());
  await ledger.record(txn());
  const declined = await ledger.settle('R0001', result('R0001', { status: 'declined', code: 'AUTH_CODE_USED' }));
  assert.is(declined.state, 'declined');
  const late = await ledger.settle('R0001', result('R0001'));
  assert.equal(late, declined);
  assert.equal(await ledger.find('R0001'), declined);
  await ledger.close();
});

test('processing stays in the outbox (after a restart too) until the final answer', async () => {
  const dir = tempDir();
  const ledger = await open(dir);
  await ledger.record(txn());
  const processing = await ledger.settle('R0001', result('R0001', { status: 'processing', code: 'PROCESSING' }));
  assert.is(processing.state, 'processing');
  assert.is(processing.txn.payCode, PAY_CODE, 'still needed for a resubmission');
  await ledger.close();

  const again = await open(dir);
  assert.equal(again.outbox(), [processing]);
  assert.is(again.pendingRefundCents('O-1'), 600, 'processing still counts as pending');
  const final = await again.settle('R0001', result('R0001'));
  assert.is(final.state, 'approved');
  assert.equal(again.outbox(), []);
  await again.close();
});

test('an order that comes with a result is cached', async () => {
  const dir = tempDir();
  const ledger = await open(dir);
  await ledger.record(txn());
  const updated = order('O-1', { status: 'partially_refunded', refundedCents: 600, refundCount: 1 });
  await ledger.settle('R0001', result('R0001', { order: updated }));
  await ledger.close();
  assert.equal(await peek(dir, (l) => l.order('O-1')), updated);
});

test('pending refunds of an order are summed so two offline refunds cannot exceed it', async () => {
  const dir = tempDir();
  const ledger = await open(dir);
  const paid = order('O-1'); // 10.00
  await ledger.putOrder(paid);
  await ledger.record(txn({ id: 'R1', amountCents: 600 }));
  await ledger.record(txn({ id: 'S1', type: 'sale', amountCents: 5000 })); // sales do not count
  await ledger.record(txn({ id: 'R9', orderId: 'O-2', amountCents: 300 })); // nor other orders
  assert.is(ledger.pendingRefundCents('O-1'), 600);
  assert.is(ledger.pendingRefundCount('O-1'), 1);
  const left = paid.amountCents - paid.refundedCents - ledger.pendingRefundCents('O-1');
  assert.is(left, 400, 'a second offline refund of 6.00 would exceed the order');
  await ledger.record(txn({ id: 'R2', amountCents: 400 }));
  await ledger.close();

  const again = await open(dir);
  assert.is(again.pendingRefundCents('O-1'), 1000);
  assert.is(again.pendingRefundCount('O-1'), 2);
  await again.settle('R1', result('R1'));
  assert.is(again.pendingRefundCents('O-1'), 400, 'a final refund is no longer pending');
  assert.is(again.pendingRefundCents('O-unknown'), 0);
  await again.close();
});

test('a crash between the segment write and the outbox write is cleaned up at open', async () => {
  const dir = tempDir();
  const ledger = await open(dir);
  await ledger.record(txn({ id: 'R1' }));
  await ledger.record(txn({ id: 'R2' }));
  await ledger.close();
  const journal = join(dir, 'outbox.0.journal');
  const before = readFileSync(journal);

  const second = await open(dir);
  await second.settle('R1', result('R1'));
  await second.close();
  writeFileSync(journal, before); // the outbox as it was before its write: R1 is in both places

  const again = await open(dir);
  assert.equal(again.outbox().map((r) => r.txn.id), ['R2']);
  assert.is((await again.find('R1'))?.state, 'approved');
  await again.close();
  const ids = await storeValues(join(dir, 'outbox.json'), 'scanpos.outbox', 'records', (r) => r.txn.id);
  assert.equal(ids.map((r) => r.txn.id), ['R2']);
});

test('transactions recorded at the same time all land, in order', async () => {
  const dir = tempDir();
  const ledger = await open(dir);
  const ids = Array.from({ length: 12 }, (_, i) => `R${i}`);
  await Promise.all(ids.map((id) => ledger.record(txn({ id }))));
  await ledger.close();
  assert.equal(await peek(dir, (l) => l.outbox().map((r) => r.txn.id)), ids);
});

test('close waits for a write in progress', async () => {
  const dir = tempDir();
  const ledger = await open(dir);
  const pending = ledger.record(txn());
  await ledger.close();
  await pending;
  await ledger.record(txn({ id: 'R2' })).then(
    () => assert.unreachable('recorded after close'),
    (error: Error) => assert.match(error.message, /closed/),
  );
  assert.is(await peek(dir, (l) => l.outbox().length), 1);
});

test('a write torn by a power cut is cut off at open and reported once; what was acknowledged stays', async () => {
  const dir = tempDir();
  const ledger = await open(dir);
  await ledger.record(txn({ id: 'R1' }));
  await ledger.close();
  const journal = join(dir, 'outbox.0.journal');
  const acknowledged = readFileSync(journal);
  const second = await open(dir);
  await second.record(txn({ id: 'R2' }));
  await second.close();
  writeFileSync(journal, readFileSync(journal).subarray(0, acknowledged.length + 40)); // R2's record never reached the disk whole

  const opened = await Ledger.open({ dir, timezone: 'Asia/Shanghai', now: () => new Date(T0) });
  assert.equal(opened.recovered.map((r) => r.file), [journal]);
  assert.match(opened.recovered[0]!.reason, /torn tail/);
  assert.equal(opened.ledger.outbox().map((r) => r.txn.id), ['R1']);
  await opened.ledger.close();
  const next = await Ledger.open({ dir, timezone: 'Asia/Shanghai' });
  assert.equal(next.recovered, [], 'rewritten at open: the next boot is clean');
  assert.equal(next.ledger.outbox().map((r) => r.txn.id), ['R1']);
  await next.ledger.close();
});

test('a damaged outbox snapshot is rebuilt from its previous generation and the journals, losing nothing', async () => {
  const dir = tempDir();
  for (const id of ['R1', 'R2']) {
    const ledger = await open(dir, { compaction: { minBytes: 0, factor: 0 } }); // every write is followed by a compaction
    await ledger.record(txn({ id }));
    await ledger.close();
  }
  const file = join(dir, 'outbox.json');
  writeFileSync(file, readFileSync(file, 'utf8').slice(0, 40)); // damaged on the card

  const opened = await Ledger.open({ dir, timezone: 'Asia/Shanghai', now: () => new Date(T0) });
  assert.is(opened.recovered.length, 1);
  assert.is(opened.recovered[0]!.file, file);
  assert.match(opened.recovered[0]!.reason, /not valid JSON.*used outbox\.json\.prev/);
  assert.equal(opened.ledger.outbox().map((r) => r.txn.id), ['R1', 'R2'], 'the previous generation and the journal after it');
  await opened.ledger.close();
  assert.ok(existsSync(`${file}.corrupt`), 'the damaged file is kept aside');

  const next = await Ledger.open({ dir, timezone: 'Asia/Shanghai' });
  assert.equal(next.recovered, []);
  await next.ledger.close();
});

test('an outbox damaged beyond recovery, or from newer software, stops the terminal with a clear message', async () => {
  const dir = tempDir();
  await (await open(dir)).close();
  writeFileSync(join(dir, 'outbox.json'), 'garbage');
  await open(dir).then(
    () => assert.unreachable('opened over damaged data'),
    (error: Error) => assert.ok(error.message.includes(join(dir, 'outbox.json')), error.message),
  );
  writeFileSync(join(dir, 'outbox.json'), JSON.stringify({ format: 'scanpos.outbox', version: 3, generation: 4, data: { records: [] } }));
  await open(dir).then(
    () => assert.unreachable('opened a newer format'),
    (error: Error) => assert.match(error.message, /format 3, this software understands up to 2; update scanpos/),
  );
});

test('an unknown timezone is refused at open', async () => {
  await open(tempDir(), { timezone: 'Mars/Olympus' }).then(
    () => assert.unreachable('opened'),
    (error: Error) => assert.match(error.message, /unknown timezone "Mars\/Olympus"/),
  );
});


test('answers that arrive together are written together, each with its own outcome', async () => {
  const fs = new PowerFs();
  const ledger = await open('/data', { fs });
  const ids = Array.from({ length: 8 }, (_, i) => `G${i}`);
  for (const id of ids) await ledger.record(txn({ id, orderId: `O-${id}` }));
  await Promise.all(ids.map((id) => ledger.noteAttempt(id)));
  const before = fs.counts.syncs;
  const outcomes = await Promise.allSettled([
    ...ids.map((id, i) => ledger.settle(id, result(id, i % 3 === 2 ? { status: 'processing' } : { order: order(`O-${id}`) }))),
    ledger.settle('NOPE', result('NOPE')),
  ]);
  // One write each for the day segment, the outbox and the order cache, whatever the number of answers.
  assert.ok(fs.counts.syncs - before <= 3, `${fs.counts.syncs - before} syncs for 8 answers`);
  assert.equal(
    outcomes.slice(0, 8).map((o) => (o.status === 'fulfilled' ? o.value.state : 'failed')),
    ids.map((_, i) => (i % 3 === 2 ? 'processing' : 'approved')),
  );
  const unknown = outcomes[8]!;
  assert.ok(unknown.status === 'rejected' && /not in the ledger/.test(String(unknown.reason)), 'an unknown id fails alone');
  await ledger.close();

  const again = await open('/data', { fs });
  assert.equal(again.outbox().map((r) => [r.txn.id, r.state, r.attempts]), [['G2', 'processing', 1], ['G5', 'processing', 1]]);
  assert.equal((await again.find('G0'))?.state, 'approved');
  assert.ok(again.order('O-G7'), 'orders from the answers are cached');
  await again.close();
});

test('a group whose write fails fails every answer in it, and nothing is half-settled', async () => {
  const fs = new PowerFs();
  const ledger = await open('/data', { fs });
  for (const id of ['F1', 'F2', 'F3']) await ledger.record(txn({ id }));
  fs.armCut(1);
  const outcomes = await Promise.allSettled(['F1', 'F2', 'F3'].map((id) => ledger.settle(id, result(id))));
  assert.equal(outcomes.map((o) => o.status), ['rejected', 'rejected', 'rejected']);
  assert.equal(ledger.outbox().map((r) => r.state), ['queued', 'queued', 'queued'], 'memory claims no more than the disk');
});

test.run();
