// The far end of the simulated network link: the reference host's logic in
// this process, with the demo orders, its state kept beside the terminal's
// (so a restarted simulator still knows what it approved).
import type { SimHost } from '../../hal/network/sim.ts';
import { HostService } from '../../scripts/host/service.ts';
import { HostStore } from '../../scripts/host/store.ts';
import { demoOrders } from '../../scripts/host/demo-orders.ts';
import type { Logger } from './log.ts';

export interface InProcessHostOptions {
  logger: Logger;
  now: () => Date;
  /** Where the host keeps its state; in memory when absent. */
  dir?: string;
}

export async function inProcessHost(options: InProcessHostOptions): Promise<SimHost> {
  const log = options.logger.child({ part: 'sim-host' });
  const store = await HostStore.open({ ...(options.dir ? { dir: options.dir } : {}), seed: () => demoOrders({ now: options.now() }), log });
  const service = new HostService({
    store,
    now: options.now,
    log,
    notify: (n) => log.info({ to: n.to, orderId: n.orderId }, `customer notification: ${n.text}`),
  });
  return (request) => service.handle(request.terminalId, request.method, request.params);
}
