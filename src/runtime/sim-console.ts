// The simulator's own keys in a terminal window (DESIGN.md "Operating
// surface"): F1 opens a "scan" prompt that feeds the simulated scanner, F2
// drops / restores the simulated network. They are taken before the screens
// see them, and only when those devices are simulated.
import type { Config } from '../../config/schema.ts';
import type { TtyDisplay } from '../../hal/display/tty.ts';
import { isDigit, type Key } from '../../hal/keypad/types.ts';
import { SimLink } from '../../hal/network/sim.ts';
import { SimScanner } from '../../hal/scanner/sim.ts';
import type { Devices } from './devices.ts';
import type { Logger } from './log.ts';

export interface SimConsoleOptions {
  config: Config;
  devices: Devices;
  logger: Logger;
  /** Makes a fresh well-formed code (codes are single-use): F3 WeChat, F4 Alipay at the prompt. */
  freshCode?: (channel: 'wechat' | 'alipay') => string;
}

const randomDigits = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 10)).join('');
const defaultFreshCode = (channel: 'wechat' | 'alipay') => (channel === 'wechat' ? '13' + randomDigits(16) : '28' + randomDigits(16));

export class SimConsole {
  readonly #o: SimConsoleOptions;
  #display: TtyDisplay | undefined;
  #prompt: string | null = null;
  #note = '';

  static applies(config: Config): boolean {
    return config.keypad.driver === 'tty' && (config.scanner.driver === 'sim' || config.network.driver === 'sim');
  }

  constructor(options: SimConsoleOptions) {
    this.#o = options;
  }

  start(display: TtyDisplay | undefined): void {
    this.#display = display;
    this.#show();
  }

  /** True when the key was the console's (the screens must not see it). */
  filter(key: Key): boolean {
    const { scanner, link } = this.#o.devices;
    if (this.#prompt !== null) {
      if (isDigit(key)) this.#prompt = (this.#prompt + key).slice(0, 40);
      else if (key === 'CLEAR') this.#prompt = this.#prompt.slice(0, -1);
      else if (key === 'F3' || key === 'F4') this.#prompt = (this.#o.freshCode ?? defaultFreshCode)(key === 'F3' ? 'wechat' : 'alipay');
      else if (key === 'CANCEL' || key === 'F1') this.#prompt = null;
      else if (key === 'OK') {
        const code = this.#prompt;
        this.#prompt = null;
        if (code && scanner instanceof SimScanner) scanner.scan(code);
      }
      this.#show();
      return true;
    }
    if (key === 'F1' && scanner instanceof SimScanner) {
      this.#prompt = '';
      this.#show();
      return true;
    }
    if (key === 'F2' && link instanceof SimLink) {
      if (link.status().connected) link.drop();
      else link.restore();
      this.#note = link.status().connected ? 'network restored' : 'network DROPPED (F2 restores)';
      this.#o.logger.info({ connected: link.status().connected }, 'simulator: network toggled');
      this.#show();
      return true;
    }
    return false;
  }

  #show(): void {
    if (!this.#display) return;
    if (this.#prompt !== null) {
      this.#display.setFooter(`SCAN> ${this.#prompt}_   OK scan · F3 new WeChat · F4 new Alipay · ESC close`);
      return;
    }
    const base = 'F1 scan · F2 network · Ctrl-C quit';
    this.#display.setFooter(this.#note ? `${base}   [${this.#note}]` : base);
  }
}
