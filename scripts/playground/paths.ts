// Where the playground's parts live: the repository and the test environment's run directory
// (test/env/lib.sh's TESTENV_RUN).
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const repoRoot = join(import.meta.dirname, '..', '..');
export const testenvRun =
  process.env.TESTENV_RUN ?? join(process.env.TMPDIR ?? tmpdir(), 'kafka-actor-operator-testenv');
