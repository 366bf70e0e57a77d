import assert from 'node:assert/strict';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { syncVolumeDirectory } from '../../../../tools/pod-runner/volume-writer.ts';

const file = (text: string, mode = 0o644) => ({ content: Buffer.from(text), mode });

test('the directory gets exactly the desired files, nested paths and modes included', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'volume-'));
  const changes = await syncVolumeDirectory(
    directory,
    new Map([
      ['server.config', file('node.id=0\n')],
      ['bin/start.sh', file('exec kafka', 0o755)],
    ]),
  );
  assert.equal(changes, 2);
  assert.equal(await readFile(join(directory, 'server.config'), 'utf8'), 'node.id=0\n');
  assert.equal((await stat(join(directory, 'bin/start.sh'))).mode & 0o777, 0o755);
});

test('only changed files are rewritten, and files no longer wanted are removed', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'volume-'));
  await syncVolumeDirectory(
    directory,
    new Map([
      ['a', file('1')],
      ['b', file('2')],
    ]),
  );
  await writeFile(join(directory, 'stray'), 'left by someone');
  const changes = await syncVolumeDirectory(
    directory,
    new Map([
      ['a', file('1')],
      ['c', file('3')],
    ]),
  );
  assert.equal(changes, 3, 'c written, b and stray removed, a untouched');
  assert.equal(await readFile(join(directory, 'c'), 'utf8'), '3');
  await assert.rejects(stat(join(directory, 'b')), { code: 'ENOENT' });
  assert.equal(
    await syncVolumeDirectory(
      directory,
      new Map([
        ['a', file('1')],
        ['c', file('3')],
      ]),
    ),
    0,
  );
});

test('a path that leaves the volume is refused', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'volume-'));
  await assert.rejects(
    syncVolumeDirectory(directory, new Map([['../escape', file('x')]])),
    /leaves its volume/,
  );
});
