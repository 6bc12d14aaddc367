// Simulated keypad: tests (or the simulator) press keys through the back door.
// Like a real keypad it delivers nothing before start() or after stop():
// press() then returns false, so a test that forgot to start it finds out.
import { KEYS, type Key, type Keypad } from './types.ts';

const KEY_SET = new Set<string>(KEYS);

/**
 * Reads the key notation of `type()`: digits stand for themselves, other keys
 * are named in brackets (`[OK]`, `[CLEAR]`, `[CANCEL]`, `[F1]`…`[F4]`), and
 * spaces are ignored so that long sequences can be grouped:
 * `'2 1200 [OK]'` → 2, 1, 2, 0, 0, OK. Throws on anything else.
 */
export function parseKeys(text: string): Key[] {
  const keys: Key[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === ' ') continue;
    if (c === '[') {
      const end = text.indexOf(']', i);
      const name = end < 0 ? '' : text.slice(i + 1, end);
      if (!KEY_SET.has(name)) throw new Error(`unknown key ${JSON.stringify(text.slice(i, end < 0 ? undefined : end + 1))} in ${JSON.stringify(text)}`);
      keys.push(name as Key);
      i = end;
      continue;
    }
    if (c < '0' || c > '9') throw new Error(`unknown key ${JSON.stringify(c)} in ${JSON.stringify(text)}; name other keys in brackets, e.g. [OK]`);
    keys.push(c as Key);
  }
  return keys;
}

export class SimKeypad implements Keypad {
  readonly #listeners = new Set<(key: Key) => void>();
  #started = false;

  onKey(listener: (key: Key) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async start(): Promise<void> {
    this.#started = true;
  }

  async stop(): Promise<void> {
    this.#started = false;
  }

  // ---- back door ----

  /**
   * Presses and releases `key`: every listener is called once, synchronously
   * (a listener that throws makes press() throw, so tests see the error).
   * Returns false, delivering nothing, when the keypad is not started.
   */
  press(key: Key): boolean {
    if (!KEY_SET.has(key)) throw new Error(`unknown key ${JSON.stringify(key)}`);
    if (!this.#started) return false;
    for (const listener of [...this.#listeners]) listener(key);
    return true;
  }

  /**
   * Presses several keys in order: a string in the notation of parseKeys()
   * (`'1234[OK]'`) or an array of keys (`['1', 'OK']`). Returns false when
   * the keypad is not started. The whole input is checked before any key is pressed.
   */
  type(keys: string | readonly Key[]): boolean {
    const list = typeof keys === 'string' ? parseKeys(keys) : [...keys];
    for (const key of list) if (!KEY_SET.has(key)) throw new Error(`unknown key ${JSON.stringify(key)}`);
    if (!this.#started) return false;
    for (const key of list) this.press(key);
    return true;
  }
}
