// Keeps a volume directory equal to its desired files, as the kubelet refreshes ConfigMap and Secret
// volumes: each changed file is replaced by a rename (a reader never sees half a file), files no
// longer wanted are removed. The directory itself stays, so a bind mount of it sees every change.
import { chmod, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { VolumeFile } from './volume-files.ts';

// Returns how many files were written or removed.
export async function syncVolumeDirectory(
  directory: string,
  files: Map<string, VolumeFile>,
): Promise<number> {
  await mkdir(directory, { recursive: true });
  let changes = 0;
  for (const [path, file] of files) {
    const target = join(directory, path);
    if (relative(directory, target).startsWith(`..${sep}`)) {
      throw new Error(`volume file path ${path} leaves its volume`);
    }
    if (await sameFile(target, file)) continue;
    await mkdir(dirname(target), { recursive: true });
    const temporary = join(dirname(target), `..tmp-${process.pid}-${Date.now()}`);
    await writeFile(temporary, file.content);
    await chmod(temporary, file.mode);
    await rename(temporary, target);
    changes++;
  }
  for (const existing of await listFiles(directory)) {
    if (files.has(existing)) continue;
    await rm(join(directory, existing), { force: true });
    changes++;
  }
  return changes;
}

async function sameFile(path: string, file: VolumeFile): Promise<boolean> {
  try {
    const stats = await stat(path);
    if ((stats.mode & 0o7777) !== file.mode) return false;
    return (await readFile(path)).equals(file.content);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

async function listFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(directory, join(entry.parentPath, entry.name)));
}
