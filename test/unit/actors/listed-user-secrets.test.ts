import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Secret } from '@kubernetes/client-node';
import { ListedUserSecrets } from '../../../src/actors/user/listed-user-secrets.ts';

const secret = (name: string, resourceVersion: string): V1Secret => ({
  metadata: { name, namespace: 'ns', resourceVersion },
  data: { password: name },
});

function listing(...secrets: V1Secret[]) {
  const listed: string[] = [];
  const list = async (namespace: string) => {
    listed.push(namespace);
    return secrets.map((s) => ({ ...s }));
  };
  return { listed, list };
}

test('the first read of a namespace lists it once; each listed Secret answers one read at the cached version', async () => {
  const { listed, list } = listing(secret('alice', '10'), secret('bob', '11'), secret('carol', '12'));
  const secrets = new ListedUserSecrets(list);
  const [alice, bob] = await Promise.all([
    secrets.take('ns', 'alice', '10'),
    secrets.take('ns', 'bob', '11'),
  ]);
  assert.equal(alice?.data?.password, 'alice');
  assert.equal(bob?.data?.password, 'bob');
  assert.deepEqual(listed, ['ns']);
  // Taken once: a second read of alice goes to the apiserver.
  assert.equal(await secrets.take('ns', 'alice', '10'), undefined);
  assert.deepEqual(listed, ['ns']);
});

test('a Secret the cache has at another version than listed, or that was not listed, is read by itself', async () => {
  const { list } = listing(secret('alice', '10'), secret('bob', '11'));
  const secrets = new ListedUserSecrets(list);
  assert.equal(await secrets.take('ns', 'alice', '15'), undefined);
  assert.equal(await secrets.take('ns', 'dave', '3'), undefined);
  assert.equal((await secrets.take('ns', 'bob', '11'))?.data?.password, 'bob');
});

test('once every listed Secret was taken, or after the time kept, the namespace is not listed again', async (t) => {
  const { listed, list } = listing(secret('alice', '10'));
  const secrets = new ListedUserSecrets(list, 50);
  await secrets.take('ns', 'alice', '10');
  assert.equal(await secrets.take('ns', 'bob', '1'), undefined);
  assert.deepEqual(listed, ['ns']);

  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { listed: listedLater, list: listLater } = listing(secret('alice', '10'), secret('bob', '11'));
  const kept = new ListedUserSecrets(listLater, 50);
  await kept.take('other', 'alice', '10');
  t.mock.timers.tick(50);
  assert.equal(await kept.take('other', 'bob', '11'), undefined);
  assert.deepEqual(listedLater, ['other']);
});

test('a failed list fails the reads that waited for it, and the next read lists again', async () => {
  let attempts = 0;
  const secrets = new ListedUserSecrets(async () => {
    attempts++;
    if (attempts === 1) throw new Error('apiserver unavailable');
    return [secret('alice', '10')];
  });
  await assert.rejects(secrets.take('ns', 'alice', '10'), /apiserver unavailable/);
  assert.equal((await secrets.take('ns', 'alice', '10'))?.data?.password, 'alice');
  assert.equal(attempts, 2);
});
