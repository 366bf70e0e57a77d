import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  defaultTaint,
  parseNodeLabel,
  parseTaint,
  runnerSettings,
} from '../../../../tools/pod-runner/options.ts';

const repoRoot = join(import.meta.dirname, '..', '..', '..', '..');

test('by default the node is local-runner, tainted so that only pods that tolerate it land there', () => {
  const settings = runnerSettings([], { TESTENV_RUN: '/run/env', TESTENV_CACHE: '/cache' }, repoRoot);
  assert.equal(settings.nodeName, 'local-runner');
  assert.deepEqual(settings.taints, [parseTaint(defaultTaint)]);
  assert.equal(settings.runDirectory, '/run/env/pod-runner');
  assert.equal(settings.kubeconfig, '/run/env/kubeconfig');
  assert.equal(settings.systemHostsFile, '/etc/hosts');
  assert.match(settings.kafkaLibraries, /^\/cache\/kafka-4\.\d+\.\d+\/lib$/);
});

test('--no-taint and --no-etc-hosts turn the defaults off; KUBECONFIG is honoured', () => {
  const settings = runnerSettings(['--no-taint', '--no-etc-hosts'], { KUBECONFIG: '/k' }, repoRoot);
  assert.deepEqual(settings.taints, []);
  assert.equal(settings.systemHostsFile, undefined);
  assert.equal(settings.kubeconfig, '/k');
});

test('taints read key[=value]:effect', () => {
  assert.deepEqual(parseTaint('dedicated=kafka:NoSchedule'), {
    key: 'dedicated',
    value: 'kafka',
    effect: 'NoSchedule',
  });
  assert.deepEqual(parseTaint('local:NoExecute'), { key: 'local', effect: 'NoExecute' });
  assert.throws(() => parseTaint('dedicated=kafka'), /must read key\[=value\]:/);
});

test('--min-liveness-delay takes whole seconds; the default is none, as the kubelet', () => {
  assert.equal(runnerSettings([], {}, repoRoot).minLivenessDelaySeconds, 0);
  assert.equal(runnerSettings(['--min-liveness-delay', '120'], {}, repoRoot).minLivenessDelaySeconds, 120);
  assert.throws(
    () => runnerSettings(['--min-liveness-delay', 'soon'], {}, repoRoot),
    /whole number of seconds/,
  );
});

test('--node-label adds labels to the Node, e.g. a zone for rack awareness', () => {
  const settings = runnerSettings(
    ['--node-label', 'topology.kubernetes.io/zone=zone-1', '--node-label', 'empty='],
    {},
    repoRoot,
  );
  assert.deepEqual(settings.nodeLabels, { 'topology.kubernetes.io/zone': 'zone-1', empty: '' });
  assert.deepEqual(runnerSettings([], {}, repoRoot).nodeLabels, {});
  assert.throws(() => parseNodeLabel('zone'), /node label zone must read key=value/);
});
