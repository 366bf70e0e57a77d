import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mountScript, shellQuote } from '../../../../tools/pod-runner/mount-script.ts';

const script = mountScript({
  stagingDirectory: '/run/stage',
  hostname: 'broker-0',
  workingDirectory: '/',
  mounts: [
    { source: '/pods/b/volumes/data', target: '/var/lib/kafka/data', readOnly: false, file: false },
    { source: '/pods/b/volumes/tmp', target: '/tmp', readOnly: false, file: false },
    { source: '/pods/b/hosts', target: '/etc/hosts', readOnly: true, file: true },
  ],
}).split('\n');

test('every source is staged before any target is mounted, so an earlier mount cannot hide a source', () => {
  const lastStaging = script.findLastIndex(
    (line) => line.startsWith('mount --bind /') || line.includes("'/pods/"),
  );
  const firstTarget = script.findIndex((line) => line.startsWith("mount --bind '/run/stage/"));
  assert.ok(lastStaging < firstTarget, script.join('\n'));
});

test('targets are mounted parents first, files over files, read-only where asked', () => {
  const targets = script
    .filter((line) => line.startsWith("mount --bind '/run/stage/"))
    .map((line) => line.split(' ')[3]);
  assert.deepEqual(targets, ["'/tmp'", "'/etc/hosts'", "'/var/lib/kafka/data'"]);
  assert.ok(script.includes("touch '/run/stage/2'"));
  assert.ok(script.includes("mount -o remount,bind,ro '/etc/hosts'"));
  assert.ok(!script.some((line) => line.includes("remount,bind,ro '/tmp'")));
});

test('the script sets the host name and working directory, then becomes the command', () => {
  assert.deepEqual(script.slice(-5), [
    "umount -l '/run/stage'",
    "hostname 'broker-0'",
    "cd '/'",
    'exec "$@"',
    '',
  ]);
});

test('quoting keeps single quotes and spaces literal', () => {
  assert.equal(shellQuote("it's a dir"), "'it'\\''s a dir'");
});
