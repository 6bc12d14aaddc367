// Network link contract: the terminal's one connection to the acquirer host and ops.
// Screens never see it; the runtime and sync use it.

export type RpcMethod = 'order.get' | 'txn.submit' | 'txn.query' | 'settlement.totals' | 'notify.send' | 'time.get';

export interface RpcError {
  code: string;
  message: string;
}

/**
 * What became of a request:
 * - `ok` / `error`: the host answered (`error` is `ok: false` on the wire);
 * - `unreachable`: no answer — the link is down, or the host stayed silent
 *   past the time-out. The request may or may not have reached the host.
 */
export type RpcOutcome =
  | { kind: 'ok'; result: Record<string, unknown> }
  | { kind: 'error'; error: RpcError }
  | { kind: 'unreachable'; reason: 'offline' | 'timeout' };

export interface LinkStatus {
  /** The broker connection is up (the host may still be silent). */
  connected: boolean;
}

/** Topics below `pos/{tid}/` the terminal publishes on. */
export type OutTopic = 'status' | 'events' | 'config/reported' | 'cmd/res' | 'selftest';
/** Topics below `pos/{tid}/` the terminal listens to (besides rpc/res). */
export type InTopic = 'config/desired' | 'cmd';

/** The broker settings a pushed config may change (`mqtt.*` of the config). */
export interface BrokerSettings {
  url: string;
  username?: string;
  password?: string;
  /** PEM files for TLS. */
  ca?: string;
  cert?: string;
  key?: string;
}

export interface Link {
  status(): LinkStatus;
  onStatus(listener: (status: LinkStatus) => void): () => void;
  /** Sends a request and waits for its answer up to `timeoutMs`. Never rejects. */
  request(method: RpcMethod, params: Record<string, unknown>, timeoutMs: number): Promise<RpcOutcome>;
  /** Publishes on `pos/{tid}/{topic}`; resolves false when it could not be handed to the broker. */
  publish(topic: OutTopic, payload: Record<string, unknown>, options?: { retain?: boolean }): Promise<boolean>;
  /** Raw payloads arriving on `pos/{tid}/{topic}` (validated by the receiver). */
  onMessage(listener: (topic: InTopic, payload: Buffer) => void): () => void;
  start(): Promise<void>;
  /**
   * Optional: leaves the current broker (a clean disconnect, `offline` status
   * where it can) and connects with `settings`, retrying with the usual
   * backoff. Resolves once the new connection is under way, not when it is
   * up: the caller watches onStatus and decides how long to wait. Rejects,
   * the current connection left as it was, when `settings` cannot be used
   * at all (a TLS file that cannot be read).
   */
  reconfigure?(settings: BrokerSettings): Promise<void>;
  /** Clean shutdown: publishes `offline` status where the transport can. */
  stop(): Promise<void>;
}
