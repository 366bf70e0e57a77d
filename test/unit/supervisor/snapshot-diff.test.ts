import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubernetesObject } from '@kubernetes/client-node';
import { objectKey } from '../../../src/supervisor/object-key.ts';
import { diffSnapshot } from '../../../src/supervisor/snapshot-diff.ts';

function gadget(name: string, resourceVersion: string, namespace = 'ns'): KubernetesObject {
  return { kind: 'Gadget', metadata: { namespace, name, resourceVersion } };
}

function cacheOf(...objects: KubernetesObject[]): Map<string, KubernetesObject> {
  return new Map(objects.map((object) => [objectKey(object), object]));
}

test('objects only in the list are added, only in the cache deleted, and changed ones updated', () => {
  const kept = gadget('kept', '10');
  const changedBefore = gadget('changed', '11');
  const changedAfter = gadget('changed', '15');
  const gone = gadget('gone', '12');
  const born = gadget('born', '16');

  const diff = diffSnapshot(cacheOf(kept, changedBefore, gone), [kept, changedAfter, born]);

  assert.deepEqual(diff.added, [born]);
  assert.deepEqual(diff.updated, [{ current: changedAfter, previous: changedBefore }]);
  assert.deepEqual(diff.deleted, [gone]);
});

test('an object whose resourceVersion did not change yields nothing, even as a new object instance', () => {
  const diff = diffSnapshot(cacheOf(gadget('same', '7')), [gadget('same', '7')]);
  assert.deepEqual(diff, { added: [], updated: [], deleted: [] });
});

test('objects of the same name in different namespaces are different objects', () => {
  const inA = gadget('twin', '1', 'a');
  const inB = gadget('twin', '2', 'b');
  const diff = diffSnapshot(cacheOf(inA), [inB]);
  assert.deepEqual(diff.added, [inB]);
  assert.deepEqual(diff.deleted, [inA]);
});

test('an empty list deletes everything cached, and an empty cache adds everything listed', () => {
  const objects = [gadget('one', '1'), gadget('two', '2')];
  assert.deepEqual(diffSnapshot(cacheOf(...objects), []).deleted, objects);
  assert.deepEqual(diffSnapshot(new Map(), objects).added, objects);
});
