import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Pod, V1Volume } from '@kubernetes/client-node';
import { FetchedObjects } from '../../../../tools/pod-runner/fetched-objects.ts';
import { volumeSource } from '../../../../tools/pod-runner/volume-files.ts';

const pod: V1Pod = { metadata: { name: 'broker-0', namespace: 'kafka' }, spec: { containers: [] } };
const placement = { podIP: '10.245.0.7', hostIP: '10.245.0.1' };
const objects = new FetchedObjects(
  new Map([['config', { data: { 'server.config': 'node.id=0\n', 'kafka-start.sh': 'exec kafka' } }]]),
  new Map([['certs', { data: { 'broker-0.crt': Buffer.from('CERT').toString('base64') } }]]),
);

function files(volume: V1Volume): Record<string, { text: string; mode: string }> {
  const source = volumeSource(pod, volume, objects, placement);
  assert.equal(source.kind, 'files');
  if (source.kind !== 'files') return {};
  return Object.fromEntries(
    [...source.files].map(([path, file]) => [
      path,
      { text: file.content.toString(), mode: file.mode.toString(8) },
    ]),
  );
}

test('a ConfigMap volume holds every key as a file with mode 0644 by default', () => {
  assert.deepEqual(files({ name: 'c', configMap: { name: 'config' } }), {
    'server.config': { text: 'node.id=0\n', mode: '644' },
    'kafka-start.sh': { text: 'exec kafka', mode: '644' },
  });
});

test('items choose keys, their paths and modes; defaultMode applies to the rest', () => {
  const volume = {
    name: 'c',
    configMap: {
      name: 'config',
      defaultMode: 0o600,
      items: [
        { key: 'kafka-start.sh', path: 'bin/start.sh', mode: 0o755 },
        { key: 'server.config', path: 'server.properties' },
      ],
    },
  };
  assert.deepEqual(files(volume), {
    'bin/start.sh': { text: 'exec kafka', mode: '755' },
    'server.properties': { text: 'node.id=0\n', mode: '600' },
  });
});

test('a Secret volume holds the decoded values', () => {
  assert.deepEqual(files({ name: 's', secret: { secretName: 'certs', defaultMode: 0o444 } }), {
    'broker-0.crt': { text: 'CERT', mode: '444' },
  });
});

test('a missing object is an error that names it, unless the volume is optional', () => {
  assert.throws(
    () => volumeSource(pod, { name: 's', secret: { secretName: 'nope' } }, objects, placement),
    /Secret nope/,
  );
  assert.deepEqual(files({ name: 's', secret: { secretName: 'nope', optional: true } }), {});
});

test('downward API and projected volumes combine sources into one directory', () => {
  const volume = {
    name: 'p',
    projected: {
      sources: [
        { downwardAPI: { items: [{ path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } },
        { secret: { name: 'certs' } },
      ],
    },
  };
  assert.deepEqual(Object.keys(files(volume)).sort(), ['broker-0.crt', 'name']);
  assert.equal(files(volume).name?.text, 'broker-0');
});

test('emptyDir and claims are directories, not files', () => {
  assert.deepEqual(volumeSource(pod, { name: 't', emptyDir: {} }, objects, placement), { kind: 'emptyDir' });
  assert.deepEqual(
    volumeSource(
      pod,
      { name: 'd', persistentVolumeClaim: { claimName: 'data-broker-0' } },
      objects,
      placement,
    ),
    { kind: 'claim', claimName: 'data-broker-0' },
  );
});
