// Keypad contract. Keys are named by their function, not by their label, so
// that screens never know whether they came from a GPIO matrix or a keyboard.

export const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;
export type Digit = (typeof DIGITS)[number];
/** OK = green, CLEAR = yellow (deletes one digit), CANCEL = red (one screen back / abort). */
export type Key = Digit | 'OK' | 'CLEAR' | 'CANCEL' | 'F1' | 'F2' | 'F3' | 'F4';
export const KEYS: readonly Key[] = [...DIGITS, 'OK', 'CLEAR', 'CANCEL', 'F1', 'F2', 'F3', 'F4'];

export const isDigit = (key: string): key is Digit => key.length === 1 && key >= '0' && key <= '9';

export interface Keypad {
  /**
   * Calls `listener` once per key press (never for a release or an
   * auto-repeat). Returns a function that removes the listener.
   */
  onKey(listener: (key: Key) => void): () => void;
  /** Starts reading keys; resolves when the device is ready. */
  start(): Promise<void>;
  /** Stops reading and releases the device; idempotent. */
  stop(): Promise<void>;
}
