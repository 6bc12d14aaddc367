// What the simulator shows beside the terminal's screen: the demo data a
// newcomer needs (PINs, orders, how to scan), the last receipt printed and
// the notifications the host would have sent.
import type { DemoOrder } from '../host/demo-orders.ts';

export const DEMO_PINS = { supervisor: '246810', technician: '135790' };

export function demoLines(orders: readonly DemoOrder[], ops?: OpsDemo): string[] {
  return [
    'scanpos simulator',
    `PIN supervisor ${DEMO_PINS.supervisor} · technician ${DEMO_PINS.technician}`,
    'Demo orders (2 Refund, key the number):',
    ...orders.map((d) => ` ${d.order.orderId} ${d.label}`),
    'Scan: F1, then F3 (WeChat) / F4 (Alipay)',
    '      makes a fresh code; Enter scans it',
    'Network: F2 drops / restores it',
    ...(ops ? opsLines(ops) : []),
  ];
}

export function banner(orders: readonly DemoOrder[], dataDir: string, ops?: OpsDemo): string {
  return [
    'scanpos simulator: a broker, the reference host and a terminal in this window',
    `PIN supervisor ${DEMO_PINS.supervisor} · technician ${DEMO_PINS.technician}`,
    'Demo orders:',
    ...orders.map((d) => `  ${d.order.orderId}  ${d.description}`),
    '',
    `Receipts are written to ${dataDir}/receipts, logs to ${dataDir}/logs.`,
    ...(ops ? ['', ...opsCommands(ops)] : []),
    '',
  ].join('\n');
}

/** What `scanpos ops` needs to reach the simulated terminal: the broker of this run and the demo key. */
export interface OpsDemo {
  brokerUrl: string;
  terminalId: string;
  /** As the user would type it (relative to the folder `npm start` ran in). */
  keyFile: string;
  /** Where opsCommands() are written for this run. */
  commandsFile: string;
}

/** The ops commands to try from another window while the simulator runs (the broker port changes at every start). */
export function opsCommands(o: OpsDemo): string[] {
  const common = `--mqtt ${o.brokerUrl}`;
  const signed = `${common} --key ${o.keyFile} --to ${o.terminalId}`;
  return [
    `Ops, from another window in this folder (the demo key ${o.keyFile} is trusted by ${o.terminalId}):`,
    `  npx scanpos ops status ${common}`,
    `  npx scanpos ops push-config ${signed} --set 'receipt.header=["Shop 2"]'`,
    `  npx scanpos ops cmd ${signed} selftest`,
    '  npx scanpos ops help',
  ];
}

/** The short version beside the screen: where to find the commands. */
export function opsLines(o: OpsDemo): string[] {
  return ['Ops: scanpos ops, commands to try in', ` ${o.commandsFile}`, ` broker ${o.brokerUrl}`];
}
