import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IndexedCache } from '../../../src/supervisor/indexed-cache.ts';

interface Item {
  name: string;
  topic: string;
}

test('an index finds objects by value and follows replacements and deletions', () => {
  const cache = new IndexedCache<Item>({ topic: (item) => [item.topic] });
  cache.set('a', { name: 'a', topic: 'orders' });
  cache.set('b', { name: 'b', topic: 'orders' });
  cache.set('c', { name: 'c', topic: 'payments' });
  assert.deepEqual(
    cache.byIndex('topic', 'orders').map((i) => i.name),
    ['a', 'b'],
  );
  cache.set('b', { name: 'b', topic: 'payments' });
  assert.deepEqual(
    cache.byIndex('topic', 'orders').map((i) => i.name),
    ['a'],
  );
  assert.deepEqual(
    cache
      .byIndex('topic', 'payments')
      .map((i) => i.name)
      .sort(),
    ['b', 'c'],
  );
  cache.delete('a');
  assert.deepEqual(cache.byIndex('topic', 'orders'), []);
  assert.deepEqual([...cache.keys()].sort(), ['b', 'c']);
  assert.throws(() => cache.byIndex('owner', 'x'), /no index owner; the indexes are topic/);
});
