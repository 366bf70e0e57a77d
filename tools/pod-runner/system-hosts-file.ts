// Rewrites the runner's block in the machine's hosts file safely while other runners (a test's, the
// playground's) do the same: one writer at a time by a lock file, and each write a rename of a complete
// file, so no resolver or other writer ever reads a truncated one. A hosts file that cannot be
// replaced (bind-mounted into a container) is written in place instead.
import { open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { withManagedBlock } from './host-names.ts';

const lockWaitMs = 5_000;
// A lock older than this was left by a runner that died while holding it.
const staleLockMs = 30_000;

export async function replaceManagedBlock(file: string, marker: string, lines: string[]): Promise<void> {
  const lock = `${file}.pod-runner.lock`;
  await acquire(lock);
  try {
    const text = await readFile(file, 'utf8');
    const updated = withManagedBlock(text, marker, lines);
    if (updated === text) return;
    const temporary = `${file}.pod-runner.${process.pid}.tmp`;
    const { mode } = await stat(file);
    await writeFile(temporary, updated, { mode: mode & 0o7777 });
    try {
      await rename(temporary, file);
    } catch (error) {
      await rm(temporary, { force: true });
      if (!['EBUSY', 'EXDEV', 'EPERM'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
      await writeFile(file, updated);
    }
  } finally {
    await rm(lock, { force: true });
  }
}

async function acquire(lock: string): Promise<void> {
  const deadline = Date.now() + lockWaitMs;
  for (;;) {
    try {
      await (await open(lock, 'wx')).close();
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const age = await stat(lock).then(
      (stats) => Date.now() - stats.mtimeMs,
      () => 0,
    );
    if (age > staleLockMs) await rm(lock, { force: true });
    else if (Date.now() > deadline) {
      throw new Error(
        `${lock} is held by another pod runner for over ${lockWaitMs} ms; remove it if none runs`,
      );
    } else await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
