// A network cable that can be pulled: a TCP relay between the terminal and
// the broker. drop() cuts every connection and refuses new ones, as an
// unplugged cable or a dead uplink would; restore() lets them through again.
// The terminal sees a real connection loss, not a flag.
import net from 'node:net';
import type { NetworkSwitch } from '../../src/runtime/sim-console.ts';

export interface Cable extends NetworkSwitch {
  url: string;
  stop(): Promise<void>;
}

export async function startCable(target: { host: string; port: number }): Promise<Cable> {
  let up = true;
  const pairs = new Set<[net.Socket, net.Socket]>();
  const server = net.createServer((inbound) => {
    if (!up) {
      inbound.destroy();
      return;
    }
    inbound.setNoDelay(true);
    const outbound = net.createConnection({ host: target.host, port: target.port, noDelay: true });
    const pair: [net.Socket, net.Socket] = [inbound, outbound];
    pairs.add(pair);
    const close = () => {
      inbound.destroy();
      outbound.destroy();
      pairs.delete(pair);
    };
    inbound.on('error', close).on('close', close);
    outbound.on('error', close).on('close', close);
    inbound.pipe(outbound);
    outbound.pipe(inbound);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  const drop = () => {
    up = false;
    for (const [a, b] of pairs) {
      a.destroy();
      b.destroy();
    }
    pairs.clear();
  };
  return {
    url: `mqtt://127.0.0.1:${port}`,
    connected: () => up,
    drop,
    restore() {
      up = true;
    },
    async stop() {
      drop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
