// `scanpos ops …`: the ops engineer's side of PROTOCOL.md — an Ed25519 key
// pair, signed config pushes and commands, and the fleet's status from the
// retained topics. Loaded by src/cli.ts only when asked for, so that a
// terminal's start-up never pays for it.
import { UsageError, type Io } from './args.ts';
import { EXIT } from './exit.ts';
import { screenWidth } from './table.ts';

export const OPS_USAGE = `usage: scanpos ops COMMAND [options]

commands:
  keygen --out DIR --key-id ID
      write ID.key (private, mode 0600) and ID.pub, and print the
      security.opsPublicKeys entry for each terminal's config file
      (ops keys are provisioned locally, never over MQTT)
  status [--to T1,T2]
      the fleet from the retained topics: online / offline / lost, queue
      depth, age of the oldest queued refund, config version, self-test
  push-config (--to T1,T2 | --all) (--set PATH=JSON ... | --file PATCH)
              --key FILE [--key-id ID] [--version N] [--expires 10m]
      sign a partial config, publish it (retained) on each target's
      config/desired and wait for config/reported: applied / rejected /
      deferred / rolled_back / no answer
  cmd (--to T1,T2 | --all) --key FILE [--key-id ID] COMMAND
      sign a command (selftest, sync, settle, reboot, status), send it on
      each target's cmd and wait for cmd/res: ok / failed / error / no answer

broker (all but keygen):
  --mqtt URL          mqtt://, mqtts://, ws://, wss:// (or SCANPOS_MQTT_URL)
  --username U        --password P (or SCANPOS_MQTT_PASSWORD)
  --ca FILE           TLS: the broker's CA; --cert FILE --cert-key FILE for
                      a client certificate
  --prefix pos        the terminals' topic prefix (network.topicPrefix)
  --json              one JSON document on stdout instead of a table

targets and signing:
  --to T1,T2          these terminals; a config push stays retained for one
                      that is away and is applied when it connects
  --all               every terminal with a retained status, each sent its
                      own envelope addressed to it (target is its id)
  --key FILE          the ops private key (from keygen; or SCANPOS_OPS_KEY)
  --key-id ID         its id on the terminals (default: FILE's name less .key)
  --wait 10s          how long to wait for the answers (default 10s)

push-config:
  --set PATH=JSON     repeatable: --set 'receipt.header=["Shop 2"]'; strings
                      keep their quotes: --set 'terminal.merchantName="Tea"'
  --file PATCH        a JSON partial config; --set values are laid over it
  --version N         default: one above the highest version seen in the
                      fleet (pushed, reported or running); 1 for a new fleet
  --expires 10m       refused by the terminal after this (default 10m)

exit codes:
  0  every target applied / ok (status: none lost, no failed self-test)
  1  a target rejected, rolled back, failed or answered an error
     (status: a terminal is lost, failed its last self-test, or was named
     with --to and never reported)
  2  usage: a bad option, an unreadable key or patch; nothing was sent
  3  none failed, but not all answered within --wait (deferred, no answer)
     (status: no terminal found)
  4  the broker could not be reached; nothing was sent`;

const COMMANDS: Record<string, () => Promise<(args: string[], io: Io) => Promise<number>>> = {
  keygen: async () => (await import('./keygen.ts')).keygenCommand,
  status: async () => (await import('./status.ts')).statusCommand,
  'push-config': async () => (await import('./push-config.ts')).pushConfigCommand,
  cmd: async () => (await import('./cmd.ts')).cmdCommand,
};

export function processIo(): Io {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    width: screenWidth(),
    now: () => Date.now(),
  };
}

export async function opsMain(argv: string[], io: Io = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    io.out(OPS_USAGE + '\n');
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  const load = COMMANDS[command];
  if (!load) {
    io.err(`scanpos ops: unknown command "${command}" (keygen, status, push-config, cmd; scanpos ops help)\n`);
    return EXIT.usage;
  }
  try {
    return await (await load())(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`scanpos ops ${command}: ${err.message}\n`);
      return EXIT.usage;
    }
    throw err;
  }
}
