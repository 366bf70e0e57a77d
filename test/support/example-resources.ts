// KafkaTopics and KafkaUsers from manifest files, applied as users apply them and followed until Kafka
// holds what they say: the project's fixtures in the integration tests, Strimzi's own examples in the
// conformance run. Each file's resource is deleted (and gone from Kafka) before the next, since example
// files reuse names.
import assert from 'node:assert/strict';
import type { Admin } from '@platformatic/kafka';
import type { PlatformaticKafkaAdmin } from '../../src/actors/kafka/platformatic-admin.ts';
import { kafkaTopicId } from '../../src/actors/kafka/topic-id.ts';
import type { KafkaTopic } from '../../src/api/kafka-topic.ts';
import type { KafkaUser } from '../../src/api/kafka-user.ts';
import type { kafkaTopicClient } from './kafka-topics.ts';
import type { kafkaUserClient } from './kafka-users.ts';
import { readManifests } from './manifests.ts';
import { waitFor } from './wait.ts';

function singleResource<T>(path: string, kind: string): T {
  const resources = readManifests(path).filter((manifest) => manifest.kind === kind);
  assert.equal(resources.length, 1, `${path} holds one ${kind}`);
  return resources[0] as T;
}

/** Each file's KafkaTopic becomes Ready, and Kafka has its topic with the spec's partitions and replicas. */
export async function assertTopicFilesBecomeReady(
  topics: ReturnType<typeof kafkaTopicClient>,
  observer: Admin,
  paths: readonly string[],
): Promise<void> {
  for (const path of paths) {
    const manifest = singleResource<KafkaTopic>(path, 'KafkaTopic');
    const name = manifest.metadata?.name ?? '';
    const topicName = manifest.spec?.topicName ?? name;
    await topics.createFromManifest(manifest);
    const { topic, ready } = await topics.waitSettled(name);
    assert.equal(ready.status, 'True', `${path}: ${ready.message}`);
    assert.equal(topic.status?.topicName, topicName, path);
    const described = await observer.metadata({ topics: [topicName], forceUpdate: true });
    const inKafka = described.topics.get(topicName);
    assert.equal(kafkaTopicId(inKafka?.id ?? ''), topic.status?.topicId, path);
    if (manifest.spec?.partitions !== undefined) {
      assert.equal(inKafka?.partitionsCount, manifest.spec.partitions, path);
    }
    if (manifest.spec?.replicas !== undefined) {
      assert.equal(inKafka?.partitions[0]?.replicas.length, manifest.spec.replicas, path);
    }
    await topics.delete(name);
    await topics.waitGone(name);
    await waitFor(`${path}: the Kafka topic ${topicName} to be deleted`, async () =>
      (await observer.listTopics()).includes(topicName) ? undefined : true,
    );
  }
}

/**
 * Each file's KafkaUser, renamed by `rename` and labelled for `cluster` (the broker is shared by test
 * files), becomes Ready with its principal's ACLs in Kafka: one binding per resource and operation.
 */
export async function assertUserFilesBecomeReady(
  users: ReturnType<typeof kafkaUserClient>,
  observer: Pick<PlatformaticKafkaAdmin, 'describeAcls'>,
  paths: readonly string[],
  options: { rename: (name: string) => string; cluster: string },
): Promise<void> {
  for (const path of paths) {
    const manifest = singleResource<KafkaUser>(path, 'KafkaUser');
    const name = options.rename(manifest.metadata.name ?? 'example');
    manifest.metadata.name = name;
    manifest.metadata.labels = { ...manifest.metadata.labels, 'strimzi.io/cluster': options.cluster };
    await users.createFromManifest(manifest);
    const { user, ready } = await users.waitSettled(name);
    assert.equal(ready.status, 'True', `${path}: ${ready.message}`);
    const certificateNamed = ['tls', 'tls-external'].includes(manifest.spec.authentication?.type ?? '');
    assert.equal(user.status?.username, certificateNamed ? `CN=${name}` : name, path);
    const expected = new Set(
      (manifest.spec.authorization?.acls ?? []).flatMap((rule) =>
        rule.operations.map((operation) => `${rule.resource.type}/${rule.resource.name}/${operation}`),
      ),
    ).size;
    assert.equal((await observer.describeAcls(`User:${user.status?.username}`)).length, expected, path);
    await users.delete(name);
    await users.waitGone(name);
  }
}
