import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../../src/config.ts';

test('the state-chart view is off unless STATE_CHART_VIEW_PORT is set', () => {
  assert.equal(loadConfig({}).stateChartView, undefined);
  assert.equal(loadConfig({ STATE_CHART_VIEW_PORT: '' }).stateChartView, undefined);
});

test('the state-chart view listens on loopback unless STATE_CHART_VIEW_HOST says otherwise', () => {
  assert.deepEqual(loadConfig({ STATE_CHART_VIEW_PORT: '8081' }).stateChartView, {
    host: '127.0.0.1',
    port: 8081,
  });
  assert.deepEqual(
    loadConfig({ STATE_CHART_VIEW_PORT: '0', STATE_CHART_VIEW_HOST: '0.0.0.0' }).stateChartView,
    { host: '0.0.0.0', port: 0 },
  );
});

test('a STATE_CHART_VIEW_PORT that is not a port stops the start with a message naming the variable', () => {
  for (const value of ['http', '-1', '65536', '80.5']) {
    assert.throws(
      () => loadConfig({ STATE_CHART_VIEW_PORT: value }),
      (error: unknown) => error instanceof ConfigError && error.message.startsWith('STATE_CHART_VIEW_PORT='),
      value,
    );
  }
});
