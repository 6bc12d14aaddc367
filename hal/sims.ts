// The simulators' back door, reachable by terminal id (as serialport's
// MockBinding reaches a mock port by path): the composition root registers
// the simulators it creates for a terminal, and an end-to-end test drives
// them with `sims('T1001').keypad.press('7')` without holding the instances.
// This registry is the one module-level singleton of the project, on purpose:
// it is what lets tests reach devices created deep inside the runtime.
import type { SimDisplay } from './display/sim.ts';
import type { SimIndicators } from './indicators/sim.ts';
import type { SimKeypad } from './keypad/sim.ts';
import type { SimLink } from './network/sim.ts';
import type { SimPrinter } from './printer/sim.ts';
import type { SimScanner } from './scanner/sim.ts';

export interface SimSet {
  keypad?: SimKeypad;
  scanner?: SimScanner;
  printer?: SimPrinter;
  display?: SimDisplay;
  indicators?: SimIndicators;
  link?: SimLink;
}

const registry = new Map<string, SimSet>();

/**
 * Registers simulators for terminal `id`. Calls add up: a terminal whose
 * devices are created one by one registers each as it comes; a device given
 * again replaces the one before.
 */
export function registerSims(id: string, devices: SimSet): void {
  registry.set(id, { ...registry.get(id), ...devices });
}

/** The simulators registered for terminal `id`; throws when there are none. */
export function sims(id: string): SimSet {
  const found = registry.get(id);
  if (!found) {
    const known = [...registry.keys()];
    throw new Error(
      `no simulators registered for terminal "${id}" (registered: ${known.length ? known.join(', ') : 'none'}); ` +
        'is the terminal started, with "sim" drivers in its config?',
    );
  }
  return found;
}

/** One simulator of terminal `id`; throws when that device is not simulated there. */
export function sim<K extends keyof SimSet>(id: string, device: K): NonNullable<SimSet[K]> {
  const found = sims(id)[device];
  if (!found) throw new Error(`terminal "${id}" has no simulated ${device} (its config uses a real driver for it)`);
  return found as NonNullable<SimSet[K]>;
}

/** Forgets terminal `id` (its runtime stopped); nothing happens when it was not registered. */
export function unregisterSims(id: string): void {
  registry.delete(id);
}
