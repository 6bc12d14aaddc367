// The socket under an MQTT client, with Nagle's algorithm off. mqtt.js opens
// plain `net`/`tls` sockets with it on, and a small request then waits for
// the peer's delayed ACK (~40 ms on Linux) before it leaves: every RPC round
// trip would cost that. Given to `new MqttClient(streamBuilder, options)`.
import net from 'node:net';
import tls from 'node:tls';

export interface TlsFiles {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

export function noDelayStream(url: string, tlsFiles: TlsFiles = {}): () => net.Socket {
  const parsed = new URL(url);
  const secure = parsed.protocol === 'mqtts:' || parsed.protocol === 'ssl:';
  if (!secure && parsed.protocol !== 'mqtt:' && parsed.protocol !== 'tcp:') {
    throw new Error(`${url}: only mqtt://, tcp://, mqtts:// and ssl:// are supported`);
  }
  const host = parsed.hostname;
  const port = Number(parsed.port) || (secure ? 8883 : 1883);
  return () => {
    const socket = secure ? tls.connect({ host, port, servername: host, ...tlsFiles }) : net.createConnection({ host, port });
    socket.setNoDelay(true);
    return socket;
  };
}
