// Topic config as Kafka 4.x defines it (TopicConfig): every key a topic may set, with its type.
// A spec is checked against this before any Kafka call, so a typo or a wrong type is reported in
// the KafkaTopic's status instead of being sent to the broker.
import type { KafkaTopic } from '../../api/kafka-topic.ts';

type ConfigType =
  | { type: 'boolean' }
  | { type: 'int' | 'long'; min?: number }
  | { type: 'double'; min?: number; max?: number }
  | { type: 'list'; values?: readonly string[] }
  | { type: 'string'; values?: readonly string[] };

const int = { type: 'int' } as const;
const long = { type: 'long' } as const;
const boolean = { type: 'boolean' } as const;

export const topicConfigTypes: Record<string, ConfigType> = {
  'cleanup.policy': { type: 'list', values: ['delete', 'compact'] },
  'compression.type': {
    type: 'string',
    values: ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'],
  },
  'compression.gzip.level': int,
  'compression.lz4.level': int,
  'compression.zstd.level': int,
  'delete.retention.ms': long,
  'file.delete.delay.ms': long,
  'flush.messages': long,
  'flush.ms': long,
  'follower.replication.throttled.replicas': { type: 'list' },
  'index.interval.bytes': int,
  'leader.replication.throttled.replicas': { type: 'list' },
  'local.retention.bytes': long,
  'local.retention.ms': long,
  'max.compaction.lag.ms': long,
  'max.message.bytes': int,
  'message.timestamp.after.max.ms': long,
  'message.timestamp.before.max.ms': long,
  'message.timestamp.type': { type: 'string', values: ['CreateTime', 'LogAppendTime'] },
  'min.cleanable.dirty.ratio': { type: 'double', min: 0, max: 1 },
  'min.compaction.lag.ms': long,
  'min.insync.replicas': { type: 'int', min: 1 },
  preallocate: boolean,
  'remote.log.copy.disable': boolean,
  'remote.log.delete.on.disable': boolean,
  'remote.storage.enable': boolean,
  'retention.bytes': long,
  'retention.ms': long,
  'segment.bytes': { type: 'int', min: 14 },
  'segment.index.bytes': int,
  'segment.jitter.ms': long,
  'segment.ms': { type: 'long', min: 1 },
  'unclean.leader.election.enable': boolean,
};

const intRange = { min: -(2 ** 31), max: 2 ** 31 - 1 };

function checkValue(key: string, spec: ConfigType, value: unknown): string | undefined {
  const shown = JSON.stringify(value);
  switch (spec.type) {
    case 'boolean':
      return value === true || value === false || value === 'true' || value === 'false'
        ? undefined
        : `${key} must be true or false, not ${shown}`;
    case 'int':
    case 'long': {
      const number = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
      if (typeof number !== 'number' || !Number.isInteger(number))
        return `${key} must be an integer, not ${shown}`;
      if (spec.type === 'int' && (number < intRange.min || number > intRange.max)) {
        return `${key} must fit in a 32-bit integer, not ${shown}`;
      }
      if (spec.min !== undefined && number < spec.min)
        return `${key} must be at least ${spec.min}, not ${shown}`;
      return undefined;
    }
    case 'double': {
      const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof number !== 'number' || Number.isNaN(number)) return `${key} must be a number, not ${shown}`;
      if ((spec.min !== undefined && number < spec.min) || (spec.max !== undefined && number > spec.max)) {
        return `${key} must be between ${spec.min} and ${spec.max}, not ${shown}`;
      }
      return undefined;
    }
    case 'list': {
      const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : undefined;
      if (!items || items.some((item) => typeof item !== 'string'))
        return `${key} must be a list of strings, not ${shown}`;
      const wrong = items
        .map((item: string) => item.trim())
        .filter((item) => spec.values && !spec.values.includes(item));
      return wrong.length > 0
        ? `${key} allows ${spec.values?.join(', ')}, not ${wrong.join(', ')}`
        : undefined;
    }
    case 'string':
      if (typeof value !== 'string') return `${key} must be a string, not ${shown}`;
      return spec.values && !spec.values.includes(value)
        ? `${key} allows ${spec.values.join(', ')}, not ${shown}`
        : undefined;
  }
}

// Every problem of spec.config, in key order; empty when the config is valid.
export function validateTopicConfig(config: Record<string, unknown>): string[] {
  return Object.keys(config)
    .sort()
    .flatMap((key) => {
      const spec = topicConfigTypes[key];
      if (!spec) return [`${key} is not a topic config of Kafka`];
      const problem = checkValue(key, spec, config[key]);
      return problem ? [problem] : [];
    });
}

function normalise(value: unknown): string {
  if (Array.isArray(value)) return value.map((item) => String(item).trim()).join(',');
  if (typeof value === 'string' && value.includes(',')) {
    return value
      .split(',')
      .map((item) => item.trim())
      .join(',');
  }
  return String(value);
}

// Kafka takes every config value as a string; lists are comma-separated, as in Strimzi.
export function kafkaConfigOf(topic: KafkaTopic): Record<string, string> {
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(topic.spec?.config ?? {})) config[key] = normalise(value);
  return config;
}

// What to change so the topic's own configs become exactly the desired ones: keys set in Kafka
// but not in the spec go (the broker default applies again), as do out-of-band changes.
// Throttled-replica lists are written by reassignment tools (kafka-reassign-partitions, Cruise
// Control) while they move data: they stay unless the spec names them.
const keptUnlessSpecified = new Set([
  'leader.replication.throttled.replicas',
  'follower.replication.throttled.replicas',
]);

export function configChanges(desired: Record<string, string>, current: Record<string, string>) {
  const set: Record<string, string> = {};
  for (const [key, value] of Object.entries(desired)) {
    const now = current[key];
    if (now === undefined || normalise(now) !== value) set[key] = value;
  }
  const remove = Object.keys(current).filter((key) => !(key in desired) && !keptUnlessSpecified.has(key));
  return { set, remove };
}
