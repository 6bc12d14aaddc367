// The keys a terminal's keypad has, for the keypad self-test: a GPIO matrix
// has only the keys of its keymap (a 4×4 pad may have no F3/F4); a keyboard
// or the simulator has them all.
import type { Config } from '../../../config/schema.ts';
import { KEYS, type Key } from '../../../hal/keypad/types.ts';

export function keypadKeys(config: Config): Key[] {
  const { keypad } = config;
  if (keypad.driver !== 'gpio' || !keypad.keymap) return [...KEYS];
  const fitted = new Set<string>(keypad.keymap.flat().filter((k): k is NonNullable<typeof k> => k !== null));
  return KEYS.filter((k) => fitted.has(k));
}
