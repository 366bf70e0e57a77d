// Which packages the image's node_modules keeps: the packages with native addons the bundle leaves
// out, and what they need as Node resolves it, on this platform.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runtimeClosure } from '../../../scripts/runtime-packages.ts';

test('the runtime packages, their dependencies where Node finds them, and their installed optional dependencies only', () => {
  const kept = runtimeClosure({
    '': {},
    'node_modules/@node-rs/crc32': {
      version: '1.10.8',
      optionalDependencies: {
        '@node-rs/crc32-linux-x64-gnu': '1.10.8',
        '@node-rs/crc32-darwin-x64': '1.10.8',
      },
    },
    'node_modules/@node-rs/crc32-linux-x64-gnu': { version: '1.10.8' },
    'node_modules/msgpackr-extract': {
      version: '3.0.7',
      dependencies: { 'node-gyp-build-optional-packages': '5.2.2' },
    },
    'node_modules/msgpackr-extract/node_modules/node-gyp-build-optional-packages': {
      version: '5.2.2',
      dependencies: { 'detect-libc': '^2.0.1' },
    },
    'node_modules/node-gyp-build-optional-packages': { version: '5.1.0' },
    'node_modules/detect-libc': { version: '2.0.4' },
    'node_modules/bullmq': { version: '5.81.5', dependencies: { 'detect-libc': '^2.0.1' } },
  });
  assert.deepEqual([...kept].sort(), [
    'node_modules/@node-rs/crc32',
    'node_modules/@node-rs/crc32-linux-x64-gnu',
    'node_modules/detect-libc',
    'node_modules/msgpackr-extract',
    'node_modules/msgpackr-extract/node_modules/node-gyp-build-optional-packages',
  ]);
});

test('a runtime package that is not installed is an error, not an image without it', () => {
  assert.throws(() => runtimeClosure({ '': {}, 'node_modules/msgpackr-extract': { version: '3.0.7' } }), {
    message: '@node-rs/crc32 is not installed',
  });
});
