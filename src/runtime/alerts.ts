// Alerts the merchant must see even if the power goes at the wrong moment:
// a refund shown QUEUED that the host then declined. The alert is written
// durably *before* the decline is settled in the ledger, so a crash between
// the two leaves an alert for a decline the replay will settle again (the
// host answers a repeated id with the same decline), never a decline nobody
// was told about. It stays on the home screen until the merchant dismisses it.
import type { Low } from 'lowdb';
import { openJsonStore } from '../ledger/json-store.ts';
import type { Logger } from './log.ts';

export interface Alert {
  /** The transaction it is about: one alert per transaction. */
  id: string;
  orderId: string;
  amountCents: number;
  currency: string;
  code: string;
  at: string;
}

interface AlertsData {
  alerts: Alert[];
}

export class Alerts {
  private constructor(private readonly db: Low<AlertsData>) {}

  static async open(options: { dir: string; log?: Logger }): Promise<Alerts> {
    const db = await openJsonStore<AlertsData>({
      dir: options.dir,
      name: 'alerts',
      empty: { alerts: [] },
      validate: (d) => (Array.isArray((d as AlertsData)?.alerts) ? undefined : 'no alerts list'),
      log: options.log,
    });
    return new Alerts(db);
  }

  list(): readonly Alert[] {
    return this.db.data.alerts;
  }

  async add(alert: Alert): Promise<void> {
    if (this.db.data.alerts.some((a) => a.id === alert.id)) return;
    this.db.data.alerts.push(alert);
    await this.db.write();
  }

  async remove(id: string): Promise<void> {
    const before = this.db.data.alerts.length;
    this.db.data.alerts = this.db.data.alerts.filter((a) => a.id !== id);
    if (this.db.data.alerts.length !== before) await this.db.write();
  }
}
