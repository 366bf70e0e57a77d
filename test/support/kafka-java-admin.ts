// Reports from Kafka's own Java Admin client (test/support/java/KafkaAdminReport.java, run from
// source by the JDK against the test environment's kafka-clients jar).
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { kafkaLibrary } from './local-kafka-nodes.ts';

const run = promisify(execFile);
const program = join(import.meta.dirname, 'java', 'KafkaAdminReport.java');

async function report(bootstrap: string, ...args: string[]): Promise<string[]> {
  const library = kafkaLibrary();
  const classPath = readdirSync(library)
    .filter((jar) => /^(kafka-clients|slf4j-api)-.*\.jar$/.test(jar))
    .map((jar) => join(library, jar))
    .join(':');
  const { stdout } = await run('java', ['-cp', classPath, program, bootstrap, ...args], {
    timeout: 120_000,
  });
  return stdout.trim().split('\n');
}

/** The topic's id as Kafka's Uuid.toString() prints it (what kafka-topics --describe shows). */
export async function kafkaPrintedTopicId(bootstrap: string, topic: string): Promise<string> {
  const [id] = await report(bootstrap, 'topic-id', topic);
  if (!id) throw new Error(`Kafka's admin printed no id for topic ${topic}`);
  return id;
}

/** Each broker's rack as Kafka's describeCluster reports it (undefined: none), by node id. */
export async function kafkaReportedRacks(bootstrap: string): Promise<Map<number, string | undefined>> {
  const lines = await report(bootstrap, 'racks');
  return new Map(
    lines.map((line) => {
      const [id, rack] = line.split(' ');
      return [Number(id), rack === '-' ? undefined : rack];
    }),
  );
}
