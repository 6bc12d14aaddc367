// The terminal as a child process in `--control` mode: keys and scans go in
// over the IPC channel, every frame the display shows comes back. SIGKILL is
// the power cut: no handler runs, nothing is flushed that was not already.
import { fork, type ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';
import type { ControlIn, ControlOut } from '../../src/runtime/control.ts';

/** The child went away while something waited on it (killed, or it exited). */
export class ChildGone extends Error {
  override readonly name = 'ChildGone';
}

export interface ChildOptions {
  /** The bundled `scanpos` command. */
  entry: string;
  configFile: string;
  /** Where its stdout and stderr (its log lines) go. */
  log: Writable;
  /** Every frame, as it arrives, before any waiter sees it. */
  onFrame: (text: string) => void;
  /** Told when the harness pulls the plug, with why. */
  onKill?: (why: string) => void;
}

interface Waiter {
  match: (text: string) => boolean;
  resolve: (text: string) => void;
  reject: (err: Error) => void;
}

export class TerminalChild {
  readonly #child: ChildProcess;
  readonly #onKill: ((why: string) => void) | undefined;
  readonly #waiters = new Set<Waiter>();
  readonly #gone: Promise<void>;
  readonly ready: Promise<void>;
  #frame = '';
  #alive = true;
  #killed = false;
  #exit: string | undefined;
  /** Messages the terminal could not carry out (a harness bug when not empty). */
  readonly errors: string[] = [];

  constructor(options: ChildOptions) {
    this.#onKill = options.onKill;
    this.#child = fork(options.entry, ['run', '--config', options.configFile, '--control'], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Not the harness's own flags (tsx): the bundle is plain JavaScript.
      execArgv: [],
    });
    this.#child.stdout!.pipe(options.log, { end: false });
    this.#child.stderr!.pipe(options.log, { end: false });
    let resolveReady!: () => void;
    let rejectReady!: (err: Error) => void;
    this.ready = new Promise<void>((resolve, reject) => ((resolveReady = resolve), (rejectReady = reject)));
    this.ready.catch(() => {});
    this.#child.on('message', (raw: ControlOut) => {
      if (raw.type === 'ready') resolveReady();
      else if (raw.type === 'error') this.errors.push(raw.message);
      else if (raw.type === 'frame') {
        this.#frame = raw.text;
        options.onFrame(raw.text);
        for (const waiter of [...this.#waiters]) if (waiter.match(raw.text)) waiter.resolve(raw.text);
      }
    });
    // Every frame sent before the end has been read once both have happened.
    const exited = new Promise<void>((resolve) =>
      this.#child.once('exit', (code, signal) => {
        this.#exit = signal ?? `exit code ${code}`;
        resolve();
      }),
    );
    const disconnected = new Promise<void>((resolve) => this.#child.once('disconnect', () => resolve()));
    this.#gone = Promise.all([exited, disconnected]).then(() => {
      this.#alive = false;
      const gone = new ChildGone(`the terminal is gone (${this.#exit})`);
      rejectReady(gone);
      for (const waiter of [...this.#waiters]) waiter.reject(gone);
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get alive(): boolean {
    return this.#alive;
  }

  /** Whether the harness killed it (as opposed to it exiting by itself). */
  get killed(): boolean {
    return this.#killed;
  }

  /** How it ended: a signal name or an exit code; undefined while it runs. */
  get exit(): string | undefined {
    return this.#exit;
  }

  /** The frame shown now ('' before the first). */
  get frame(): string {
    return this.#frame;
  }

  keys(keys: string): void {
    this.#send({ type: 'keys', keys });
  }

  scan(code: string): void {
    this.#send({ type: 'scan', code });
  }

  /** The frame shown now or the first later one that matches; rejects with ChildGone or after `timeoutMs`. */
  waitFor(match: (text: string) => boolean, timeoutMs: number, what = String(match)): Promise<string> {
    if (match(this.#frame)) return Promise.resolve(this.#frame);
    if (!this.#alive) return Promise.reject(new ChildGone(`the terminal is gone (${this.#exit})`));
    return new Promise<string>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(waiter);
      };
      const waiter: Waiter = {
        match,
        resolve: (text) => (done(), resolve(text)),
        reject: (err) => (done(), reject(err)),
      };
      const timer = setTimeout(() => waiter.reject(new Error(`the terminal did not show ${what} within ${timeoutMs} ms; it shows:\n${this.#frame}`)), timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  /** The power cut (`why` goes to the logs). Resolves when the process is gone and its last frames are read. */
  async kill(why = 'killed'): Promise<void> {
    if (this.#exit === undefined && !this.#killed) {
      this.#killed = true;
      this.#onKill?.(why);
      this.#child.kill('SIGKILL');
    }
    await this.#gone;
  }

  /** Orderly stop (as SIGTERM); killed if it takes longer than `timeoutMs`. */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (!this.#alive) return;
    this.#send({ type: 'stop' });
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), timeoutMs);
    await this.#gone;
    clearTimeout(timer);
  }

  /** Resolves when the process is gone. */
  gone(): Promise<void> {
    return this.#gone;
  }

  #send(message: ControlIn): void {
    // A message to a terminal that is being killed is lost, as a key pressed during a power cut.
    if (this.#alive && this.#child.connected) this.#child.send(message, undefined, undefined, () => {});
  }
}
