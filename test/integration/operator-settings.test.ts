// Real process: the operator's entry point, started as users start it; no service is reached.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { startOperatorProcess } from '../support/operator-process.ts';

const badSettings: Array<[string, string]> = [
  ['RESYNC_INTERVAL_MS', 'soon'],
  ['WATCH_NAMESPACES', 'Not_A_Namespace'],
  ['LOG_LEVEL', 'loud'],
  ['REDIS_URL', 'localhost:6379'],
  ['KAFKA_CLUSTERS', '{"prod": {"bootstrap": "no-port"}}'],
  ['LEASE_RENEW_DEADLINE_MS', '20000'],
];

for (const [name, value] of badSettings) {
  test(`a bad ${name} stops the operator at start with a message that names it`, async () => {
    const operator = startOperatorProcess(`bad-${name.toLowerCase()}`, { [name]: value });
    const code = await operator.exited;
    const output = readFileSync(operator.logFile, 'utf8');
    assert.notEqual(code, 0);
    assert.match(output, new RegExp(`invalid setting: .*${name}`));
  });
}
