// A serial device that disappears must close the port, whatever the timing.
//
// When a USB-serial device is unplugged (or the far side of a pseudo-terminal
// closes) the kernel hangs the tty up: from then on read() returns 0 bytes
// and poll() reports an error. @serialport/bindings-cpp 13 notices only the
// poll error: its unix read loop (dist/unix-read.js) treats a 0-byte read as
// "try again" and calls read() again at once. So when the hang-up lands while
// a read is under way, typically bytes in flight as the cable is pulled, that
// loop never ends: the port stays "open" and silent forever and burns a core
// (measured here: ~75% of a CPU, no 'close' event, ever). Watching the
// poller's 'disconnect' event is no way out either: Poller.poll() restarts
// the uv poll with only the new event, so it stops the reads.
//
// The fix here: the same read loop, where 0 bytes means hang-up. On a tty in
// raw mode with VMIN=1 (serialport's default, O_NONBLOCK) read() never
// returns 0 otherwise: no data is EAGAIN. The error is not `canceled`, so
// @serialport/stream treats it as a disconnect and emits 'close' with a
// DisconnectedError, as it does for the poll error.
import { read } from 'node:fs';
import { promisify } from 'node:util';

const readAsync = promisify(read);

type ReadResult = { bytesRead: number; buffer: Buffer };

/** The part of the unix port bindings (Linux, macOS) this relies on: public in their typings. */
interface UnixPortBinding {
  fd: number | null;
  poller: { once(event: 'readable', callback: (err: Error | null) => void): unknown };
  read(buffer: Buffer, offset: number, length: number): Promise<ReadResult>;
}

function isUnixPortBinding(port: unknown): port is UnixPortBinding {
  const p = port as Partial<UnixPortBinding> | undefined;
  return typeof p === 'object' && p !== null && 'fd' in p && typeof p.poller?.once === 'function' && typeof p.read === 'function';
}

/** What @serialport/stream expects of a read cut short by our own close: no disconnect. */
const canceled = () => Object.assign(new Error('Port is not open'), { canceled: true });

/**
 * Makes an open port's binding report a hang-up as a disconnect. Call it
 * after the port opened and before anything reads from it. Returns false
 * (and changes nothing) on bindings without a unix fd (Windows).
 */
export function readHangupAsDisconnect(binding: unknown): boolean {
  if (!isUnixPortBinding(binding)) return false;
  binding.read = (buffer, offset, length) => readOrHangup(binding, buffer, offset, length);
  return true;
}

async function readOrHangup(port: UnixPortBinding, buffer: Buffer, offset: number, length: number): Promise<ReadResult> {
  for (;;) {
    if (port.fd === null) throw canceled();
    try {
      const { bytesRead } = await readAsync(port.fd, buffer, offset, length, null);
      if (bytesRead === 0) throw Object.assign(new Error('the device hung up (end of file on the tty)'), { code: 'EHANGUP' });
      return { bytesRead, buffer };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EAGAIN' && code !== 'EWOULDBLOCK' && code !== 'EINTR') throw err;
      if (port.fd === null) throw canceled();
      // Nothing to read yet: wait for the poller, as the upstream loop does
      // (its error, on close or hang-up, rejects this read).
      await new Promise<void>((resolve, reject) => port.poller.once('readable', (e) => (e ? reject(e) : resolve())));
    }
  }
}
