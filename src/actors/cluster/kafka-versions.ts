// The Kafka versions the operator runs: KRaft-only 4.x releases, each with its default KRaft metadata
// version and the official apache/kafka image. Strimzi 1.x keeps the same table in kafka-versions.yaml.
import type { Kafka } from '../../api/kafka.ts';
import { ReconcileFailure } from '../../machines/reconcile-failure.ts';
import { kafkaIdentity } from './cluster-names.ts';

export interface KafkaVersion {
  /** The release, e.g. 4.2.1. */
  version: string;
  /** The metadata version a new cluster of this release starts with (Kafka's latest production one). */
  metadataVersion: string;
}

export const supportedKafkaVersions: readonly KafkaVersion[] = [
  { version: '4.0.0', metadataVersion: '4.0-IV3' },
  { version: '4.0.1', metadataVersion: '4.0-IV3' },
  { version: '4.1.0', metadataVersion: '4.1-IV1' },
  { version: '4.1.1', metadataVersion: '4.1-IV1' },
  { version: '4.1.2', metadataVersion: '4.1-IV1' },
  { version: '4.2.0', metadataVersion: '4.2-IV1' },
  { version: '4.2.1', metadataVersion: '4.2-IV1' },
  { version: '4.2.2', metadataVersion: '4.2-IV1' },
  { version: '4.3.0', metadataVersion: '4.3-IV0' },
  { version: '4.3.1', metadataVersion: '4.3-IV0' },
  { version: '4.4.0', metadataVersion: '4.4-IV2' },
];

/** The version a Kafka without spec.kafka.version runs: the newest supported. */
export const defaultKafkaVersion = supportedKafkaVersions[supportedKafkaVersions.length - 1] as KafkaVersion;

/** The official image of a release. */
export function kafkaImage(version: string): string {
  return `apache/kafka:${version}`;
}

export interface ResolvedKafkaVersion {
  kafkaVersion: string;
  metadataVersion: string;
  image: string;
}

/** The version, metadata version and image of a Kafka; throws UnsupportedKafkaVersion for other versions. */
export function resolveKafkaVersion(kafka: Kafka): ResolvedKafkaVersion {
  const spec = kafka.spec.kafka;
  const requested = spec.version ?? defaultKafkaVersion.version;
  const known = supportedKafkaVersions.find((entry) => entry.version === requested);
  if (!known) {
    throw new ReconcileFailure(
      'UnsupportedKafkaVersion',
      `${kafkaIdentity(kafka)}: Kafka version ${requested} is not supported; supported versions are ` +
        `${supportedKafkaVersions.map((entry) => entry.version).join(', ')} (KRaft only). ` +
        'Change spec.kafka.version to one of them.',
      { retryable: false },
    );
  }
  const metadataVersion = spec.metadataVersion ?? known.metadataVersion;
  checkMetadataVersion(kafka, metadataVersion, known);
  return { kafkaVersion: known.version, metadataVersion, image: spec.image ?? kafkaImage(known.version) };
}

const metadataVersionPattern = /^(\d+)\.(\d+)(-IV\d+)?$/;

// A metadata version newer than the release cannot be formatted or started; KRaft needs 3.3 or newer.
function checkMetadataVersion(kafka: Kafka, metadataVersion: string, version: KafkaVersion): void {
  const match = metadataVersionPattern.exec(metadataVersion);
  const release = releaseOf(version.metadataVersion);
  const requested = match ? Number(match[1]) * 1000 + Number(match[2]) : Number.NaN;
  if (!match || requested > release || requested < 3003) {
    throw new ReconcileFailure(
      'InvalidResource',
      `${kafkaIdentity(kafka)}: metadata version ${metadataVersion} cannot be used with Kafka ${version.version}; ` +
        `use a version between 3.3-IV3 and ${version.metadataVersion}, or leave spec.kafka.metadataVersion unset.`,
      { retryable: false },
    );
  }
}

function releaseOf(metadataVersion: string): number {
  const [major, minor] = metadataVersion.split(/[.-]/);
  return Number(major) * 1000 + Number(minor);
}
