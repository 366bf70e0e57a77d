// KafkaTopic: one Kafka topic, declared in Kubernetes.
import {
  type CustomResource,
  type CustomResourceKind,
  clusterColumn,
  commonStatusFields,
  customResourceSchema,
  type KafkaConfigValue,
  readyColumn,
} from './common.ts';
import { enumOf, type Infer, integer, object, preserveUnknown, string } from './schema.ts';

export const maxReplicationFactor = 32767;

export const kafkaTopicSpecSchema = object(
  {
    topicName: string({
      description:
        'The name of the Kafka topic; defaults to metadata.name. Set it only when the topic name is not a ' +
        'valid Kubernetes name. It cannot be changed once the KafkaTopic exists.',
    }),
    partitions: integer({
      minimum: 1,
      description:
        'The number of partitions; defaults to the broker setting num.partitions. It can be increased, ' +
        'never decreased.',
      validations: [
        {
          rule: 'self >= 1',
          message: 'spec.partitions must be at least 1; omit it to use the broker default num.partitions',
        },
      ],
    }),
    replicas: integer({
      minimum: 1,
      maximum: maxReplicationFactor,
      description: 'The replication factor; defaults to the broker setting default.replication.factor.',
      validations: [
        {
          rule: `self >= 1 && self <= ${maxReplicationFactor}`,
          message:
            `spec.replicas (the replication factor) must be between 1 and ${maxReplicationFactor}; ` +
            'omit it to use the broker default default.replication.factor',
        },
      ],
    }),
    config: preserveUnknown<Record<string, KafkaConfigValue>>({
      description: 'Topic configuration, e.g. retention.ms: 7200000.',
    }),
  },
  { description: 'The desired state of the topic.' },
);

export const kafkaTopicStatusSchema = object(
  {
    ...commonStatusFields,
    topicName: string({ description: 'The name of the Kafka topic this resource manages.' }),
    topicId: string({
      description:
        "The id Kafka gave the topic, in Kafka's own form (as kafka-topics --describe prints it); it changes only if the topic is recreated.",
    }),
    replicasChange: object(
      {
        targetReplicas: integer({ description: 'The replication factor being moved to.' }),
        state: enumOf(['pending', 'ongoing'], {
          description: 'Whether the change is requested or under way.',
        }),
        message: string({
          description: 'What the user should know about the change, e.g. a transient error.',
        }),
        sessionId: string({ description: 'The id of the reassignment session carrying out the change.' }),
      },
      { description: 'A replication factor change in progress.' },
    ),
  },
  { description: 'The observed state of the topic.' },
);

export type KafkaTopicSpec = Infer<typeof kafkaTopicSpecSchema>;
export type KafkaTopicStatus = Infer<typeof kafkaTopicStatusSchema>;
export type KafkaTopic = CustomResource<KafkaTopicSpec, KafkaTopicStatus>;

// The Kafka topic a KafkaTopic manages is spec.topicName, else metadata.name; once it exists, that is fixed,
// whether topicName is changed, added with another name, or removed.
const effectiveTopicName = (object: string) =>
  `(has(${object}.spec.topicName) ? ${object}.spec.topicName : ${object}.metadata.name)`;

export const kafkaTopicDefinition: CustomResourceKind = {
  kind: 'KafkaTopic',
  listKind: 'KafkaTopicList',
  plural: 'kafkatopics',
  singular: 'kafkatopic',
  shortNames: ['kt'],
  categories: ['strimzi'],
  schema: customResourceSchema(kafkaTopicSpecSchema, kafkaTopicStatusSchema, [
    {
      rule: `${effectiveTopicName('self')} == ${effectiveTopicName('oldSelf')}`,
      message:
        'spec.topicName cannot be changed: the topic name (spec.topicName, or metadata.name when unset) is ' +
        'fixed once the KafkaTopic exists; create a new KafkaTopic for a topic with another name',
      fieldPath: '.spec.topicName',
      reason: 'FieldValueForbidden',
    },
  ]),
  printerColumns: [
    clusterColumn('topic'),
    { name: 'Partitions', type: 'integer', jsonPath: '.spec.partitions', description: 'Desired partitions' },
    {
      name: 'Replication factor',
      type: 'integer',
      jsonPath: '.spec.replicas',
      description: 'Desired replicas of each partition',
    },
    readyColumn,
  ],
};
