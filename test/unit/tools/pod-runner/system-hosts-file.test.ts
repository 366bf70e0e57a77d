import assert from 'node:assert/strict';
import { mkdtemp, readFile, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { replaceManagedBlock } from '../../../../tools/pod-runner/system-hosts-file.ts';

const original = '127.0.0.1 localhost\n127.0.0.1 vm\n';

test('runners updating their blocks at the same time never lose a line of the file or of each other', async () => {
  const file = join(await mkdtemp(join(tmpdir(), 'hosts-')), 'hosts');
  await writeFile(file, original);
  const updates = Array.from({ length: 20 }, (_, round) =>
    ['runner a', 'runner b'].map((marker) =>
      replaceManagedBlock(file, marker, [`10.0.0.${round}\t${marker.slice(-1)}.svc`]),
    ),
  ).flat();
  await Promise.all(updates);
  const text = await readFile(file, 'utf8');
  assert.ok(text.startsWith(original), text);
  assert.match(text, /# BEGIN runner a\n10\.0\.0\.\d+\ta\.svc\n# END runner a\n/);
  assert.match(text, /# BEGIN runner b\n10\.0\.0\.\d+\tb\.svc\n# END runner b\n/);
  await Promise.all(['runner a', 'runner b'].map((marker) => replaceManagedBlock(file, marker, [])));
  assert.equal(await readFile(file, 'utf8'), original);
});

test('a lock left by a runner that died is taken over', async () => {
  const file = join(await mkdtemp(join(tmpdir(), 'hosts-')), 'hosts');
  await writeFile(file, original);
  const lock = `${file}.pod-runner.lock`;
  await writeFile(lock, '');
  const longAgo = new Date(Date.now() - 60_000);
  await utimes(lock, longAgo, longAgo);
  await replaceManagedBlock(file, 'runner a', ['10.0.0.1\ta.svc']);
  assert.match(await readFile(file, 'utf8'), /a\.svc/);
});
