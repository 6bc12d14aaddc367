// Sale, step 2: the customer's payment code; its network is read from the code.
import { money, t, type ScreenDef } from '../common.ts';
import { readPayCode } from '../entry.ts';

export const saleScan: ScreenDef<'sale.scan'> = {
  idle: true,
  on(screen, event, ctx) {
    if (event.type === 'tick') {
      if (event.at >= screen.deadline && !screen.error) return { screen: { ...screen, error: t(ctx).scanTimedOut }, effects: [{ type: 'signal', signal: 'attention' }] };
      return null;
    }
    if (event.type === 'key') {
      if (event.key === 'CANCEL') return { screen: { id: 'sale.amount', cents: screen.cents } };
      return { screen: { ...screen, deadline: event.at + ctx.scanTimeoutMs } };
    }
    if (event.type !== 'scan') return null;
    const read = readPayCode(ctx, event.code);
    if (!read.ok) return { screen: { ...screen, error: read.error, deadline: event.at + ctx.scanTimeoutMs }, effects: [{ type: 'signal', signal: 'error' }] };
    return { screen: { id: 'sale.confirm', cents: screen.cents, code: read.code } };
  },
  view(screen, ctx) {
    const w = t(ctx);
    return { title: w.sale, lines: [`${w.amount}: ${money(ctx, screen.cents)}`, '', w.scanCustomerCode, ...(screen.error ? ['', screen.error] : [])], footer: w.hintCancel };
  },
};
