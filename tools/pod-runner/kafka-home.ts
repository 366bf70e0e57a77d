// The directory the runner bind-mounts at /opt/kafka in every pod, shaped like the apache/kafka
// image's: bin/ (the runner's stand-in scripts), config/, and libs/ pointing at the test
// environment's Kafka jars (test/env/kafka/pom.xml).
import { cp, mkdir, readlink, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';

const templates = join(import.meta.dirname, 'kafka-home');

export async function buildKafkaHome(directory: string, libraries: string): Promise<string> {
  await mkdir(directory, { recursive: true });
  await cp(join(templates, 'bin'), join(directory, 'bin'), { recursive: true, force: true });
  await cp(join(templates, 'config'), join(directory, 'config'), { recursive: true, force: true });
  const libs = join(directory, 'libs');
  const current = await readlink(libs).catch(() => undefined);
  if (current !== libraries) {
    await rm(libs, { force: true, recursive: true });
    await symlink(libraries, libs);
  }
  return directory;
}
