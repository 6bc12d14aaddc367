// The MQTT brokers the end-to-end suite runs against: aedes inside this
// process (always), and mosquitto as a child process when it is installed —
// two independent implementations of MQTT 3.1.1, so a test that passes on
// both relies on the protocol, not on one broker's habits. Each start() gives
// a fresh broker on a free loopback port, with nothing retained from before.
import { startBroker } from '../../scripts/simulator/broker.ts';
import { findMosquitto, mosquittoBroker, type Broker, type RunningBroker } from '../../scripts/simulator/mosquitto.ts';
import { skipBecause } from './skip.ts';

export { findMosquitto, mosquittoBroker, type Broker, type RunningBroker };

export const aedesBroker: Broker = { name: 'aedes', start: () => startBroker() };

let chosen: Broker[] | undefined;

/**
 * Every broker the e2e suite runs against here. Without mosquitto only aedes
 * runs, and the missing half is reported once as a skip (a failure under CI).
 */
export function e2eBrokers(): Broker[] {
  if (chosen) return chosen;
  const binary = findMosquitto();
  if (!binary) skipBecause('mosquitto is not installed: the end-to-end tests ran on aedes only (apt-get install mosquitto)');
  chosen = binary ? [aedesBroker, mosquittoBroker(binary)] : [aedesBroker];
  return chosen;
}
