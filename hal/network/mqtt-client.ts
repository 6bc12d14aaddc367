// mqtt.js's client class in a module of its own, so that the link loads
// mqtt.js when it first connects rather than at start-up: a dynamic import of
// the CommonJS package itself would lose its named exports once bundled.
export { MqttClient } from 'mqtt';
