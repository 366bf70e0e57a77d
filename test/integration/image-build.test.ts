// The Dockerfile's stages, run here without a container runtime: the build context .dockerignore
// lets through, production dependencies only (npm ci --omit=dev, from the npm registry), the
// build stage's tsc output, and the runtime stage's entrypoint started from them.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const repoRoot = join(import.meta.dirname, '..', '..');
const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
const context = mkdtempSync(join(tmpdir(), 'image-build-'));
after(() => rmSync(context, { recursive: true, force: true }));

// The paths .dockerignore admits ("*" then "!path" lines).
const admitted = readFileSync(join(repoRoot, '.dockerignore'), 'utf8')
  .split('\n')
  .filter((line) => line.startsWith('!'))
  .map((line) => line.slice(1).replace(/\/$/, ''));

test('the runtime stage runs as a numeric non-root user and starts dist/main.js', () => {
  assert.match(dockerfile, /^USER 1000:1000$/m);
  assert.match(dockerfile, /^ENTRYPOINT \["node", "dist\/main\.js"\]$/m);
  assert.match(dockerfile, /npm ci --omit=dev/);
});

test('the image entrypoint starts from the compiled code with production dependencies only', () => {
  for (const path of admitted) cpSync(join(repoRoot, path), join(context, path), { recursive: true });
  execFileSync('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--ignore-scripts'], {
    cwd: context,
    stdio: 'ignore',
  });
  // The build stage compiles with every dependency installed, as the repository has them.
  execFileSync(join(repoRoot, 'node_modules/.bin/tsc'), [
    '-p',
    join(repoRoot, 'tsconfig.build.json'),
    '--outDir',
    join(context, 'dist'),
  ]);
  // A bad setting makes the entrypoint exit 2 after every module has loaded: an import that only
  // a dev dependency satisfies would fail before that.
  const run = spawnSync(process.execPath, ['dist/main.js'], {
    cwd: context,
    env: { PATH: process.env.PATH, RECONCILE_CONCURRENCY: 'many' },
    encoding: 'utf8',
  });
  assert.equal(run.status, 2, `exit status ${run.status}; stderr: ${run.stderr}`);
  assert.match(run.stderr, /invalid setting: RECONCILE_CONCURRENCY/);
});
