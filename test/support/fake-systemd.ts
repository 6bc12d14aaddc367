// The receiving end of sd_notify(3), as systemd has it: a unix datagram
// socket (NOTIFY_SOCKET) that reads each message with the sender's
// credentials and closes the file descriptors that come with it — closing the
// pipe of a BARRIER=1 message is how systemd-notify learns its message was
// read. Node cannot open a datagram unix socket, and socat keeps the
// descriptors it receives (systemd-notify then waits 5 s for its barrier), so
// the socket is held by a few lines of python3.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const RECEIVER = `
import array, json, os, socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
print(json.dumps({"listening": sys.argv[1]}), flush=True)
while True:
    data, ancillary, _flags, _addr = s.recvmsg(4096, socket.CMSG_SPACE(64 * 4) + socket.CMSG_SPACE(12))
    pid = None
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds = array.array("i")
            fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])
            for fd in fds:
                os.close(fd)
        elif level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
            pid = struct.unpack("iII", payload[:12])[0]
    print(json.dumps({"pid": pid, "fields": data.decode().split("\\n")}), flush=True)
`;

export interface Notification {
  /** The sending process, from SCM_CREDENTIALS. */
  pid: number;
  fields: string[];
}

export interface FakeSystemd {
  /** Give this to the service as NOTIFY_SOCKET. */
  socket: string;
  /** Every message so far, BARRIER=1 ones left out. */
  messages: Notification[];
  /** Resolves with the first message (from `from` on) that has this field. */
  waitFor(field: string, from?: number, ms?: number): Promise<Notification>;
  stop(): Promise<void>;
}

const has = (command: string): boolean => {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** Why the fake manager (or systemd-notify, which talks to it) cannot run here. */
export function fakeSystemdMissing(): string | undefined {
  if (!has('python3')) return 'python3 is not installed (it holds the fake notify socket)';
  if (!has('systemd-notify')) return 'systemd-notify is not installed (it comes with systemd)';
  return undefined;
}

export async function startFakeSystemd(): Promise<FakeSystemd> {
  const dir = mkdtempSync(join(tmpdir(), 'scanpos-notify-'));
  const socket = join(dir, 'notify');
  const child: ChildProcess = spawn('python3', ['-c', RECEIVER, socket], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const messages: Notification[] = [];
  const waiters = new Set<() => void>();
  const lines = createInterface({ input: child.stdout! });
  const listening = new Promise<void>((resolve, reject) => {
    child.once('exit', () => reject(new Error(`the fake notify socket did not start: ${stderr}`)));
    lines.on('line', (line) => {
      const message = JSON.parse(line) as { listening?: string } & Notification;
      if (message.listening) return resolve();
      if (message.fields.includes('BARRIER=1')) return;
      messages.push({ pid: message.pid, fields: message.fields });
      for (const w of [...waiters]) w();
    });
  });
  const guard = () => child.kill('SIGKILL');
  process.once('exit', guard);
  await listening;
  return {
    socket,
    messages,
    waitFor(field, from = 0, ms = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no ${field} from the service (got ${JSON.stringify(messages.map((m) => m.fields))})`));
        }, ms);
        const check = () => {
          const found = messages.slice(from).find((m) => m.fields.includes(field));
          if (!found) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(found);
        };
        waiters.add(check);
        check();
      });
    },
    async stop() {
      process.removeListener('exit', guard);
      if (child.exitCode === null && child.signalCode === null) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await gone;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
