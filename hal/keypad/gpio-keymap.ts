// The keymap of a GPIO matrix keypad, as config gives it: one array per row,
// one name per column, named as in types.ts ("0"–"9", "OK", "CLEAR",
// "CANCEL", "F1"–"F4"), null where the matrix has no key.
import { KEYS, type Key } from './types.ts';

export type Keymap = readonly (readonly (Key | null)[])[];

const KEY_SET = new Set<string>(KEYS);

/** Checks a keymap against the matrix; throws with every problem at once. */
export function parseKeymap(keymap: readonly (readonly (string | null)[])[], rows: number, cols: number): Keymap {
  const problems: string[] = [];
  if (keymap.length !== rows) problems.push(`${keymap.length} rows in the keymap for ${rows} row lines`);
  keymap.forEach((row, r) => {
    if (row.length !== cols) problems.push(`keymap row ${r} has ${row.length} keys for ${cols} column lines`);
    row.forEach((name, c) => {
      if (name !== null && !KEY_SET.has(name)) problems.push(`keymap[${r}][${c}]: unknown key ${JSON.stringify(name)} (known: ${KEYS.join(' ')}, or null)`);
    });
  });
  if (problems.length) throw new Error(`GPIO keypad: ${problems.join('; ')}`);
  return keymap as Keymap;
}

/** Lines used twice (as two rows, two columns, or a row and a column), for a clear error. */
export function duplicateLines(lines: readonly number[]): number[] {
  return [...new Set(lines.filter((line, i) => lines.indexOf(line) !== i))];
}
