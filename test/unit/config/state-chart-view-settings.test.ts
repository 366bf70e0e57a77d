import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../../src/config.ts';

test('the state-chart view is off unless STATE_CHART_VIEW_PORT is set', () => {
  assert.equal(loadConfig({}).stateChartView, undefined);
  assert.equal(loadConfig({ STATE_CHART_VIEW_PORT: '' }).stateChartView, undefined);
});

test('the state-chart view listens on loopback; beyond it only with a Service that guards it', () => {
  assert.deepEqual(loadConfig({ STATE_CHART_VIEW_PORT: '8081' }).stateChartView, {
    host: '127.0.0.1',
    port: 8081,
    authorization: undefined,
    maxStreams: 20,
  });
  assert.throws(
    () => loadConfig({ STATE_CHART_VIEW_PORT: '0', STATE_CHART_VIEW_HOST: '0.0.0.0' }),
    /STATE_CHART_VIEW_HOST=0\.0\.0\.0 serves the view beyond loopback: set STATE_CHART_VIEW_AUTHORIZATION_SERVICE/,
  );
  assert.deepEqual(
    loadConfig({
      STATE_CHART_VIEW_PORT: '0',
      STATE_CHART_VIEW_HOST: '0.0.0.0',
      STATE_CHART_VIEW_AUTHORIZATION_SERVICE: 'ops/kao-state-chart-view',
      STATE_CHART_VIEW_MAX_STREAMS: '5',
    }).stateChartView,
    {
      host: '0.0.0.0',
      port: 0,
      authorization: { namespace: 'ops', name: 'kao-state-chart-view' },
      maxStreams: 5,
    },
  );
  assert.throws(
    () => loadConfig({ STATE_CHART_VIEW_PORT: '0', STATE_CHART_VIEW_AUTHORIZATION_SERVICE: 'no-slash' }),
    /STATE_CHART_VIEW_AUTHORIZATION_SERVICE="no-slash" is not valid: expected namespace\/name of a Service/,
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
