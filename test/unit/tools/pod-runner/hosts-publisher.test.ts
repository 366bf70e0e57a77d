import assert from 'node:assert/strict';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import { HostsPublisher } from '../../../../tools/pod-runner/hosts-publisher.ts';

const pod: V1Pod = {
  metadata: { name: 'b-0', namespace: 'kafka' },
  spec: { hostname: 'b-0', containers: [] },
};

test('publishing writes the runner file, each pod file in place and a managed block that withdraw removes', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'hosts-'));
  const system = join(directory, 'etc-hosts');
  const podFile = join(directory, 'pod-hosts');
  await writeFile(system, '127.0.0.1 localhost\n');
  await writeFile(podFile, '');
  const inode = (await stat(podFile)).ino;
  const publisher = new HostsPublisher({
    runnerHostsFile: join(directory, 'hosts'),
    systemHostsFile: system,
    marker: 'pod-runner n1',
  });
  const entries = new Map([['b-0.brokers.kafka.svc', '10.245.0.2']]);

  await publisher.publish(entries, [
    { local: { pod, address: '10.245.0.2', ready: true }, hostsFile: podFile },
  ]);
  assert.match(
    await readFile(join(directory, 'hosts'), 'utf8'),
    /^10\.245\.0\.2\tb-0\.brokers\.kafka\.svc$/m,
  );
  assert.match(await readFile(podFile, 'utf8'), /^10\.245\.0\.2\tb-0$/m);
  assert.equal((await stat(podFile)).ino, inode, 'a bind-mounted file must keep its inode');
  assert.equal(
    await readFile(system, 'utf8'),
    '127.0.0.1 localhost\n# BEGIN pod-runner n1\n10.245.0.2\tb-0.brokers.kafka.svc\n# END pod-runner n1\n',
  );

  await publisher.withdraw();
  assert.equal(await readFile(system, 'utf8'), '127.0.0.1 localhost\n');
});

test('a block a crashed run left is replaced on the first publish, even an empty one', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'hosts-'));
  const system = join(directory, 'etc-hosts');
  await writeFile(
    system,
    '127.0.0.1 localhost\n# BEGIN pod-runner n1\n10.245.0.9\told.svc\n# END pod-runner n1\n',
  );
  const publisher = new HostsPublisher({
    runnerHostsFile: join(directory, 'hosts'),
    systemHostsFile: system,
    marker: 'pod-runner n1',
  });
  await publisher.publish(new Map(), []);
  assert.equal(await readFile(system, 'utf8'), '127.0.0.1 localhost\n');
});
