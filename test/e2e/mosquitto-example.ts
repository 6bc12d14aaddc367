// mosquitto running config/examples/mosquitto.conf and its ACL file as
// shipped, on loopback: only what cannot be the same on a test machine is
// rewritten (ports, file locations, persistence). With `tls` the listeners
// keep their TLS settings, with certificates made by openssl; without, they
// are plain TCP and everything else is left as it is.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { findMosquitto, freePort, runMosquitto } from '../../scripts/simulator/mosquitto.ts';

export const EXAMPLES = resolve(import.meta.dirname, '..', '..', 'config', 'examples');

export interface ExampleBroker {
  /** The terminals' listener (8883 in the example). */
  terminalUrl: string;
  /** The host's and ops' listener (8884 in the example). */
  serviceUrl: string;
  /** PEM of the CA that signed the broker's certificate (with `tls`). */
  ca?: Buffer;
  /** What mosquitto said so far. */
  output(): string;
  stop(): Promise<void>;
}

/** Why the example broker cannot run here, if it cannot. */
export function exampleBrokerMissing(options: { tls?: boolean } = {}): string | undefined {
  if (!findMosquitto()) return 'mosquitto is not installed (apt-get install mosquitto)';
  if (!which('mosquitto_passwd')) return 'mosquitto_passwd is not installed (it comes with mosquitto)';
  if (options.tls && !which('openssl')) return 'openssl is not installed';
  return undefined;
}

function which(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function makeCertificates(dir: string): void {
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=scanpos test CA']);
  run(['req', ...ec, '-keyout', 'broker.key', '-out', 'broker.csr', '-subj', '/CN=127.0.0.1']);
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  run(['x509', '-req', '-in', 'broker.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'broker.crt', '-days', '2', '-extfile', 'san.ext']);
}

/** The example config with this machine's ports and files. */
export function exampleConfig(text: string, files: { passwd: string; acl: string; dir: string; ports: [number, number]; tls: boolean }): string {
  let listener = 0;
  const lines = text.split('\n').flatMap((line) => {
    const [key] = line.trim().split(/\s+/);
    switch (key) {
      case 'password_file':
        return [`password_file ${files.passwd}`];
      case 'acl_file':
        return [`acl_file ${files.acl}`];
      case 'persistence':
        return ['persistence false'];
      case 'persistence_location':
        return [];
      case 'listener':
        return [`listener ${files.ports[listener++]} 127.0.0.1`];
      case 'cafile':
        return files.tls ? [`cafile ${join(files.dir, 'ca.crt')}`] : [];
      case 'certfile':
        return files.tls ? [`certfile ${join(files.dir, 'broker.crt')}`] : [];
      case 'keyfile':
        return files.tls ? [`keyfile ${join(files.dir, 'broker.key')}`] : [];
      case 'tls_version':
        return files.tls ? [line] : [];
      default:
        return [line];
    }
  });
  if (listener !== 2) throw new Error(`the example should have two listeners, it has ${listener}`);
  // Started as root, mosquitto would switch to the `mosquitto` user and lose the temp files.
  return [...lines, `user ${userInfo().username}`, 'log_dest stdout', 'log_type error', 'log_type warning', 'log_type notice', ''].join('\n');
}

/** Starts the example broker with these users (name → password). */
export async function startExampleBroker(users: Record<string, string>, options: { tls?: boolean } = {}): Promise<ExampleBroker> {
  const binary = findMosquitto();
  if (!binary) throw new Error('mosquitto is not installed');
  const tls = options.tls ?? false;
  const dir = mkdtempSync(join(tmpdir(), 'scanpos-mosquitto-example-'));
  const passwd = join(dir, 'scanpos.passwd');
  writeFileSync(passwd, Object.entries(users).map(([user, password]) => `${user}:${password}\n`).join(''));
  // -U: hashes every plain-text password of the file in place.
  execFileSync('mosquitto_passwd', ['-U', passwd], { stdio: 'pipe' });
  if (tls) makeCertificates(dir);
  const ports: [number, number] = [await freePort(), await freePort()];
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, exampleConfig(readFileSync(join(EXAMPLES, 'mosquitto.conf'), 'utf8'), { passwd, acl: join(EXAMPLES, 'mosquitto.acl'), dir, ports, tls }));

  const run = await runMosquitto(binary, { conf, dir, ports, failure: 'mosquitto did not start with the example config', tail: 8000 });
  const scheme = tls ? 'mqtts' : 'mqtt';
  return {
    terminalUrl: `${scheme}://127.0.0.1:${ports[0]}`,
    serviceUrl: `${scheme}://127.0.0.1:${ports[1]}`,
    ...(tls ? { ca: readFileSync(join(dir, 'ca.crt')) } : {}),
    output: run.output,
    stop: run.stop,
  };
}
