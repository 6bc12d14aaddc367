// The simulator's own keys in a terminal window (DESIGN.md "Operating
// surface"): F1 opens a "scan" prompt that feeds the simulated scanner, F2
// drops / restores the network. They are taken before the screens see them,
// and only when those devices are simulated.
import type { TtyDisplay } from '../../hal/display/tty.ts';
import { isDigit, type Key } from '../../hal/keypad/types.ts';
import type { SimScanner } from '../../hal/scanner/sim.ts';
import { freshPayCode } from '../../scripts/host/demo-orders.ts';
import type { Logger } from './log.ts';

/** Something F2 can unplug: the simulated link, or the simulator's cable to a real broker. */
export interface NetworkSwitch {
  connected(): boolean;
  drop(): void;
  restore(): void;
}

export interface SimConsoleOptions {
  scanner?: SimScanner;
  network?: NetworkSwitch;
  logger: Logger;
}

export class SimConsole {
  readonly #o: SimConsoleOptions;
  #display: TtyDisplay | undefined;
  #prompt: string | null = null;
  #note = '';

  constructor(options: SimConsoleOptions) {
    this.#o = options;
  }

  start(display: TtyDisplay | undefined): void {
    this.#display = display;
    this.#show();
  }

  /** True when the key was the console's (the screens must not see it). */
  filter(key: Key): boolean {
    const { scanner, network } = this.#o;
    if (this.#prompt !== null) {
      if (isDigit(key)) this.#prompt = (this.#prompt + key).slice(0, 40);
      else if (key === 'CLEAR') this.#prompt = this.#prompt.slice(0, -1);
      // Codes are single-use: the prompt makes fresh well-formed ones.
      else if (key === 'F3' || key === 'F4') this.#prompt = freshPayCode({ channel: key === 'F3' ? 'wechat' : 'alipay' });
      else if (key === 'CANCEL' || key === 'F1') this.#prompt = null;
      else if (key === 'OK') {
        const code = this.#prompt;
        this.#prompt = null;
        if (code) scanner?.scan(code);
      }
      this.#show();
      return true;
    }
    if (key === 'F1' && scanner) {
      this.#prompt = '';
      this.#show();
      return true;
    }
    if (key === 'F2' && network) {
      if (network.connected()) network.drop();
      else network.restore();
      this.#note = network.connected() ? '' : 'NETWORK DROPPED · F2 restores';
      this.#o.logger.info({ connected: network.connected() }, 'simulator: network toggled');
      this.#show();
      return true;
    }
    return false;
  }

  #show(): void {
    if (!this.#display) return;
    if (this.#prompt !== null) {
      this.#display.setFooter(`SCAN> ${this.#prompt}_`);
      return;
    }
    const keys = [...(this.#o.scanner ? ['F1 scan'] : []), ...(this.#o.network ? ['F2 network'] : []), 'Ctrl-C quit'];
    this.#display.setFooter(this.#note || keys.join(' · '));
  }
}
