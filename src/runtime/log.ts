// Structured logs: one JSON line per event (journald keeps stdout on a board).
// When the display is this terminal window, logs go to a file instead so
// they do not scribble over the screen.
import { pino, type Logger } from 'pino';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type { Logger };

export interface LogOptions {
  level: string;
  /** Absolute path of a log file; stdout when absent. */
  file?: string;
  name?: string;
}

export function createLogger(options: LogOptions): Logger {
  const base = { level: options.level, name: options.name ?? 'scanpos' };
  if (!options.file) return pino(base);
  mkdirSync(dirname(options.file), { recursive: true });
  return pino(base, pino.destination({ dest: options.file, sync: false, mkdir: true }));
}

/** A logger that drops everything, for tests that do not look at logs. */
export const silentLogger = (): Logger => pino({ level: 'silent' });
