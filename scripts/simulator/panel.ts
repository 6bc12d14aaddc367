// What the simulator shows beside the terminal's screen: the demo data a
// newcomer needs (PINs, orders, how to scan), the last receipt printed and
// the notifications the host would have sent.
import type { DemoOrder } from '../host/demo-orders.ts';

export const DEMO_PINS = { supervisor: '246810', technician: '135790' };

export function demoLines(orders: readonly DemoOrder[]): string[] {
  return [
    'scanpos simulator',
    `PIN supervisor ${DEMO_PINS.supervisor} · technician ${DEMO_PINS.technician}`,
    'Demo orders (2 Refund, key the number):',
    ...orders.map((d) => ` ${d.order.orderId} ${d.label}`),
    'Scan: F1, then F3 (WeChat) / F4 (Alipay)',
    '      makes a fresh code; Enter scans it',
    'Network: F2 drops / restores it',
  ];
}

export function banner(orders: readonly DemoOrder[], dataDir: string): string {
  return [
    'scanpos simulator: a broker, the reference host and a terminal in this window',
    `PIN supervisor ${DEMO_PINS.supervisor} · technician ${DEMO_PINS.technician}`,
    'Demo orders:',
    ...orders.map((d) => `  ${d.order.orderId}  ${d.description}`),
    '',
    `Receipts are written to ${dataDir}/receipts, logs to ${dataDir}/logs.`,
    '',
  ].join('\n');
}
