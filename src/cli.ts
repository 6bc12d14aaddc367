// `scanpos` command line: run the terminal, make PIN hashes (and, later, the
// reference host and the ops tools). Every command checks its input and says
// what is wrong in one line per problem.
import { channel } from 'node:diagnostics_channel';
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const USAGE = `usage:
  scanpos run --config FILE [--control]
                                   run the terminal with the devices in FILE; --control: the
                                   simulated keypad, scanner and display are driven by the
                                   parent process over Node's IPC channel, which gets every
                                   frame shown (src/runtime/control.ts)
  scanpos host --mqtt URL [--orders FILE] [--data DIR] [--shared] [--prefix pos]
                                   the reference acquirer host (demo orders unless --orders)
  scanpos hash-pin [PIN]           print the hash to put in security.supervisorPinHash / technicianPinHash
                                   (no PIN: read from stdin, not echoed, kept out of shell history)
  scanpos ops COMMAND ...          ops tools: keygen, status, push-config, cmd (scanpos ops help)
  scanpos help                     this text`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'run':
      return run(rest);
    case 'hash-pin':
      return hashPinCommand(rest);
    case 'host':
      return hostCommand(rest);
    case 'ops':
      // Loaded only when asked for: a terminal's start-up never pays for it.
      return (await import('../scripts/ops/main.ts')).opsMain(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE + '\n');
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`scanpos: unknown command "${command}"\n${USAGE}\n`);
      return 2;
  }
}

async function hashPinCommand(args: string[]): Promise<number> {
  const { hashPin, isValidPin } = await import('./domain/pin.ts');
  // Without an argument the PIN is read from stdin, so that it stays out of
  // the shell's history and the process list.
  const pin = args.length === 0 ? await readPin() : args[0];
  if (args.length > 1 || !pin || !isValidPin(pin)) {
    process.stderr.write('scanpos hash-pin: give one PIN of 4 to 12 digits (as the argument, or on stdin)\n');
    return 2;
  }
  process.stdout.write(hashPin(pin) + '\n');
  return 0;
}

/** One line from stdin; typed at a terminal, it is not echoed. */
async function readPin(): Promise<string> {
  const input = process.stdin;
  if (input.isTTY) {
    process.stderr.write('PIN: ');
    input.setRawMode(true);
  }
  let text = '';
  input.setEncoding('utf8');
  for await (const chunk of input) {
    text += chunk as string;
    if (/[\r\n\u0003\u0004]/.test(text)) break;
  }
  if (input.isTTY) {
    input.setRawMode(false);
    process.stderr.write('\n');
  }
  input.pause();
  return text.split(/[\r\n\u0003\u0004]/)[0]!.trim();
}

async function hostCommand(args: string[]): Promise<number> {
  let values: { mqtt?: string; orders?: string; data?: string; shared?: boolean; prefix?: string; 'log-level'?: string };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        mqtt: { type: 'string' },
        orders: { type: 'string' },
        data: { type: 'string' },
        shared: { type: 'boolean' },
        prefix: { type: 'string' },
        'log-level': { type: 'string' },
      },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`scanpos host: ${(err as Error).message}\n`);
    return 2;
  }
  if (!values.mqtt || !/^(mqtts?|tcp|ssl|wss?):\/\/.+/.test(values.mqtt)) {
    process.stderr.write('scanpos host: --mqtt URL is required (e.g. mqtt://127.0.0.1:1883)\n');
    return 2;
  }
  if (values.prefix !== undefined && !/^[A-Za-z0-9_-]+$/.test(values.prefix)) {
    process.stderr.write('scanpos host: --prefix is one topic level of letters, digits, _ or - (default pos)\n');
    return 2;
  }
  const { startHost } = await import('../scripts/host/start.ts');
  const { createLogger } = await import('./runtime/log.ts');
  const logger = createLogger({ level: values['log-level'] ?? 'info', name: 'host' });
  let host: Awaited<ReturnType<typeof startHost>>;
  try {
    host = await startHost({
      url: values.mqtt,
      logger,
      shared: values.shared ?? false,
      ...(values.prefix ? { topicPrefix: values.prefix } : {}),
      ...(values.orders ? { ordersFile: values.orders } : {}),
      ...(values.data ? { dataDir: values.data } : {}),
      // The notifications a real host would send by SMS / e-mail, printed.
      notify: (n) => process.stdout.write(`NOTIFY ${n.to.join(', ')} [${n.terminalId} ${n.orderId}]: ${n.text}\n`),
    });
  } catch (err) {
    process.stderr.write(`scanpos host: cannot start: ${(err as Error).message}\n`);
    return 1;
  }
  return new Promise<number>((resolve) => {
    const stop = () => void host.stop().then(() => resolve(0), () => resolve(1));
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}

async function run(args: string[]): Promise<number> {
  let values: { config?: string; control?: boolean };
  try {
    ({ values } = parseArgs({ args, options: { config: { type: 'string', short: 'c' }, control: { type: 'boolean' } }, strict: true }));
  } catch (err) {
    process.stderr.write(`scanpos run: ${(err as Error).message}\n`);
    return 2;
  }
  if (!values.config) {
    process.stderr.write('scanpos run: --config FILE is required (config/default.json runs the simulator)\n');
    return 2;
  }
  if (values.control && typeof process.send !== 'function') {
    process.stderr.write('scanpos run: --control is for a terminal started by another program with an IPC channel (child_process.fork); it has none\n');
    return 2;
  }
  const { loadConfig } = await import('../config/load.ts');
  const loaded = loadConfig(values.config);
  if (!loaded.ok) {
    process.stderr.write(`scanpos run: ${values.config} is not a usable config:\n${loaded.errors.map((e) => `  - ${e}`).join('\n')}\n`);
    return 2;
  }
  const control = values.control ? await import('./runtime/control.ts') : undefined;
  const problems = control?.controlProblems(loaded.config) ?? [];
  if (problems.length) {
    process.stderr.write(`scanpos run: ${values.config} cannot be driven with --control:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
    return 2;
  }
  const { lockDataFolder } = await import('./runtime/instance-lock.ts');
  let lock: { release(): void };
  try {
    lock = lockDataFolder(loaded.config.storage.dir);
  } catch (err) {
    process.stderr.write(`scanpos run: ${(err as Error).message}\n`);
    return 1;
  }
  const { startTerminal } = await import('./runtime/main.ts');
  let running: Awaited<ReturnType<typeof startTerminal>>;
  let controlled: { stop(): void } | undefined;
  let resolveExit!: (code: number) => void;
  const exited = new Promise<number>((resolve) => (resolveExit = resolve));
  const shutdown = (code: number) => {
    void running?.stop().then(
      () => code,
      () => 1,
    ).then((exitCode) => {
      // The parent hears nothing more once the terminal has stopped.
      controlled?.stop();
      resolveExit(exitCode);
    });
  };
  try {
    running = await startTerminal({ config: loaded.config, onInterrupt: () => shutdown(0) });
    // Under systemd (Type=notify): ready now that the home screen is drawn, then the watchdog.
    running = (await import('./runtime/service-notify.ts')).underSystemd(running, { status: `terminal ${loaded.config.terminal.id} running` });
    // The board's launcher saves V8's code cache now that boot's code has run (scripts/board/launch.cjs).
    channel('scanpos:started').publish(undefined);
    if (control) controlled = control.startControl({ terminalId: loaded.config.terminal.id, channel: control.processChannel(), onStop: () => shutdown(0) });
  } catch (err) {
    process.stderr.write(`scanpos run: cannot start: ${(err as Error).message}\n`);
    lock.release();
    return 1;
  }
  process.once('SIGTERM', () => shutdown(0));
  process.once('SIGINT', () => shutdown(0));
  // A terminal runs until it is stopped, even with nothing holding the event
  // loop (every device simulated): an exit by itself would look like success
  // to a service manager that restarts only on failure.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  return exited.finally(() => {
    clearInterval(keepAlive);
    lock.release();
  });
}

// Run when this file is the program (`node dist/scanpos.mjs`, `tsx src/cli.ts`),
// not when bin/scanpos.js imports it.
const invokedDirectly = !!process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`scanpos: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
