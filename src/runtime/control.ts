// `scanpos run --config FILE --control`: the simulator driven by its parent
// process over Node's IPC channel, for tools that must see exactly what a
// merchant saw (the crash harness). It is an operating mode of the simulated
// devices, not a test hook: it only uses their back door (hal/sims.ts), and
// refuses to start unless keypad, scanner and display are simulated.
//
// Parent → terminal:
//   {type: 'keys', keys: '2 2026000000000001 [OK]'}   keys in SimKeypad.type notation
//   {type: 'scan', code: '134567890123456789'}        one read of the scanner
//   {type: 'stop'}                                    orderly stop, as SIGTERM
// Terminal → parent:
//   {type: 'ready', terminalId}                       started; frames follow
//   {type: 'frame', seq, text}                        every frame the display shows
//                                                     (rows joined with '\n', trailing spaces trimmed)
//   {type: 'error', message}                          a message that could not be carried out
import type { Config } from '../../config/schema.ts';
import { sims } from '../../hal/sims.ts';

export type ControlIn = { type: 'keys'; keys: string } | { type: 'scan'; code: string } | { type: 'stop' };
export type ControlOut =
  | { type: 'ready'; terminalId: string }
  | { type: 'frame'; seq: number; text: string }
  | { type: 'error'; message: string };

/** The parent at the other end: Node's IPC channel, or anything shaped like it. */
export interface ControlChannel {
  send(message: ControlOut): void;
  onMessage(listener: (message: unknown) => void): () => void;
  /** The parent went away. */
  onClose(listener: () => void): () => void;
  close(): void;
}

/** Why `config` cannot be driven over the control channel (empty when it can). */
export function controlProblems(config: Config): string[] {
  const devices = { keypad: config.keypad.driver, scanner: config.scanner.driver, display: config.display.driver };
  return Object.entries(devices)
    .filter(([, driver]) => driver !== 'sim')
    .map(([device, driver]) => `${device}.driver is "${driver}": --control drives simulated devices only, set it to "sim"`);
}

/** This process's IPC channel; throws when the process was not started with one. */
export function processChannel(): ControlChannel {
  const send = process.send?.bind(process);
  if (!send) throw new Error('--control needs a parent process with an IPC channel (spawned with stdio "ipc", e.g. child_process.fork)');
  return {
    send(message) {
      // A parent that is gone cannot be told anything; the terminal carries on until stopped.
      if (process.connected) send(message, undefined, undefined, () => {});
    },
    onMessage(listener) {
      process.on('message', listener);
      return () => process.off('message', listener);
    },
    onClose(listener) {
      process.on('disconnect', listener);
      return () => process.off('disconnect', listener);
    },
    close() {
      if (process.connected) process.disconnect();
    },
  };
}

export interface ControlOptions {
  terminalId: string;
  channel: ControlChannel;
  /** Asked for by the parent (`stop`) or because the parent went away. */
  onStop: () => void;
}

export interface Control {
  stop(): void;
}

/** How often the frame watch is renewed (see watchFrames): also the longest it holds the process after stop(). */
const WATCH_RENEW_MS = 1000;

export function startControl(options: ControlOptions): Control {
  const { terminalId, channel } = options;
  const devices = sims(terminalId);
  const { keypad, scanner, display } = devices;
  if (!keypad || !scanner || !display) throw new Error(`terminal ${terminalId}: --control needs a simulated keypad, scanner and display`);
  let stopped = false;
  const fail = (message: string) => channel.send({ type: 'error', message });

  const offMessage = channel.onMessage((raw) => {
    if (stopped) return;
    const message = raw as Partial<ControlIn> | null;
    try {
      switch (message?.type) {
        case 'keys':
          if (typeof message.keys !== 'string') return fail('keys: "keys" must be a string');
          if (!keypad.type(message.keys)) fail('keys: the keypad is not started');
          return;
        case 'scan':
          if (typeof message.code !== 'string') return fail('scan: "code" must be a string');
          if (!scanner.scan(message.code)) fail('scan: the read was not delivered (scanner stopped or unplugged, or not a code)');
          return;
        case 'stop':
          return options.onStop();
        default:
          return fail(`unknown message ${JSON.stringify(raw)}`);
      }
    } catch (err) {
      fail(`${message?.type}: ${(err as Error).message}`);
    }
  });
  const offClose = channel.onClose(() => {
    if (!stopped) options.onStop();
  });

  // The simulated display calls a waitFor() predicate with every frame as it
  // is rendered, synchronously: that is the one way to see each frame the
  // merchant saw without a hook in the display. The predicate never matches;
  // the wait is renewed when it times out, and the count of frames rendered
  // keeps a renewal from sending the current frame twice.
  let sent = 0;
  const forward = (text: string) => {
    const seq = display.frames();
    if (stopped || seq <= sent) return false;
    sent = seq;
    channel.send({ type: 'frame', seq, text });
    return false;
  };
  const watchFrames = () => {
    if (!stopped) display.waitFor((text) => forward(text), WATCH_RENEW_MS).catch(watchFrames);
  };
  channel.send({ type: 'ready', terminalId });
  watchFrames();

  return {
    stop() {
      if (stopped) return;
      stopped = true;
      offMessage();
      offClose();
      channel.close();
    },
  };
}
