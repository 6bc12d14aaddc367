// `scanpos host --orders FILE`: the orders a new host starts with instead of
// the demo orders. A JSON array of orders in their wire form (PROTOCOL.md),
// each optionally with a `behaviour` (see store.ts) to make the host answer
// like a demo order. Every bad entry is reported at once, and none is loaded:
// a host half-seeded from a file with typos would answer ORDER_NOT_FOUND for
// orders its operator believes are there.
import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import { describeZodError, orderSchema } from '../../src/domain/wire.ts';
import { behaviourSchema, type HostOrder } from './store.ts';

export class OrdersFileError extends Error {
  override readonly name = 'OrdersFileError';

  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source}: ${problems.length === 1 ? 'bad entry' : `${problems.length} problems`}\n  ${problems.join('\n  ')}`);
  }
}

const entryExtras = z.object({ behaviour: behaviourSchema.optional() });

/** Parses the text of an orders file; `source` names it in messages. Throws OrdersFileError. */
export function parseOrders(text: string, source: string): HostOrder[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new OrdersFileError(source, [`not valid JSON (${(error as Error).message})`]);
  }
  if (!Array.isArray(json)) throw new OrdersFileError(source, ['must hold a JSON array of orders']);
  const problems: string[] = [];
  const orders: HostOrder[] = [];
  const seen = new Set<string>();
  json.forEach((entry: unknown, index) => {
    const label = `[${index}]${describeId(entry)}`;
    const order = orderSchema.safeParse(entry);
    const extras = entryExtras.safeParse(entry);
    if (!order.success || !extras.success) {
      const errors = [order.error, extras.error].flatMap((e) => (e ? [describeZodError(e)] : []));
      problems.push(`${label}: ${errors.join('; ')}`);
      return;
    }
    if (seen.has(order.data.orderId)) {
      problems.push(`${label}: orderId appears more than once`);
      return;
    }
    seen.add(order.data.orderId);
    orders.push(extras.data.behaviour ? { order: order.data, behaviour: extras.data.behaviour } : { order: order.data });
  });
  if (problems.length) throw new OrdersFileError(source, problems);
  return orders;
}

export async function readOrdersFile(path: string): Promise<HostOrder[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new OrdersFileError(path, [`cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`]);
  }
  return parseOrders(text, path);
}

/** ` (orderId 2026…)` when the entry has a readable id, so a problem can be found in a long file. */
function describeId(entry: unknown): string {
  if (typeof entry !== 'object' || entry === null) return '';
  const id = (entry as Record<string, unknown>).orderId;
  return typeof id === 'string' || typeof id === 'number' ? ` (orderId ${String(id)})` : '';
}
