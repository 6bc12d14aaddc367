// Starts a whole terminal with simulated devices over a temp data folder,
// the way `scanpos run` does, and reaches its devices through the back door.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../config/load.ts';
import type { Config } from '../../config/schema.ts';
import { sims, unregisterSims } from '../../hal/sims.ts';
import { hashPin } from '../../src/domain/pin.ts';
import { silentLogger } from '../../src/runtime/log.ts';
import { startTerminal, type Running, type StartOptions } from '../../src/runtime/main.ts';
import type { SimHost } from '../../hal/network/sim.ts';
import { frameText } from '../../hal/display/sim.ts';

export const SUPERVISOR_PIN = '246810';
const PIN_HASH = hashPin(SUPERVISOR_PIN);

export function simConfig(dir: string, over: Record<string, unknown> = {}): Config {
  const parsed = parseConfig(
    {
      terminal: { id: 'TT01', number: '0042' },
      storage: { dir },
      network: { driver: 'sim', rpcTimeoutMs: 500, bootJitterMs: 0 },
      display: { driver: 'sim' },
      keypad: { driver: 'sim' },
      scanner: { driver: 'sim' },
      printer: { driver: 'sim' },
      indicators: { driver: 'sim' },
      security: { supervisorPinHash: PIN_HASH },
      ...over,
    },
    dir,
  );
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  return parsed.config;
}

export const tempDir = (): string => mkdtempSync(join(tmpdir(), 'scanpos-test-'));

export class TestTerminal {
  private constructor(readonly running: Running, readonly config: Config) {}

  /** `extra`: further start options (an `onRestart` to observe restarts, shorter ops time-outs). */
  static async start(config: Config, simHost?: SimHost, extra: Omit<StartOptions, 'config'> = {}): Promise<TestTerminal> {
    const running = await startTerminal({ config, logger: silentLogger(), ...(simHost ? { simHost } : {}), ...extra });
    return new TestTerminal(running, config);
  }

  get devices() {
    return sims(this.config.terminal.id);
  }

  keys(text: string): this {
    this.devices.keypad!.type(text);
    return this;
  }

  scan(code: string): this {
    this.devices.scanner!.scan(code);
    return this;
  }

  /** Waits until the display shows `pattern` (rows joined with spaces, so wrapping does not matter). */
  async see(pattern: RegExp, timeoutMs = 3000): Promise<string> {
    const flat = (t: string) => t.split('\n').map((r) => r.trim()).join(' ').replace(/\s+/g, ' ');
    const frame = await this.devices.display!.waitFor((text) => pattern.test(flat(text)), timeoutMs).catch(() => {
      throw new Error(`display never showed ${pattern}; it shows:\n${this.devices.display!.text()}`);
    });
    return flat(frameText(frame));
  }

  async stop(): Promise<void> {
    await this.running.terminal.settled();
    await this.running.stop();
    unregisterSims(this.config.terminal.id);
  }
}

/**
 * A refund with keys only: order → check → supervisor PIN → amount (typed;
 * empty keeps the proposed one) → scan `code` → OK on confirm. Resolves when
 * OK is pressed; the caller waits for the result it expects.
 */
export async function refundByKeys(t: TestTerminal, orderId: string, amountKeys: string, code: string): Promise<void> {
  t.keys(`2 ${orderId} [OK]`);
  await t.see(/Left: /);
  t.keys(`[OK] ${SUPERVISOR_PIN} [OK]`);
  await t.see(/Refund amount: /);
  t.keys(amountKeys ? `${amountKeys} [OK]` : '[OK]');
  await t.see(/Scan the customer/);
  t.scan(code);
  await t.see(/Confirm/);
  t.keys('[OK]');
}

/** Looks `orderId` up while online (the terminal caches it), back home, then the simulated link goes down. */
export async function lookUpThenDrop(t: TestTerminal, orderId: string, left: RegExp = /Left: /): Promise<void> {
  t.keys(`2 ${orderId} [OK]`);
  await t.see(left);
  t.keys('[CANCEL][CANCEL]');
  t.devices.link!.drop();
  await t.see(/OFFLINE/);
}
