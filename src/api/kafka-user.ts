// KafkaUser: one Kafka principal with its credentials, ACLs and quotas.
import {
  type CustomResource,
  type CustomResourceKind,
  clusterColumn,
  commonStatusFields,
  customResourceSchema,
  readyColumn,
} from './common.ts';
import { array, boolean, enumOf, type Infer, integer, number, object, record, string } from './schema.ts';

// Strimzi's spellings; the operator checks stored resources against them too (user-validation.ts).
export const authenticationTypes = ['scram-sha-512', 'tls', 'tls-external'] as const;
export const aclResourceTypes = ['topic', 'group', 'cluster', 'transactionalId'] as const;
export const aclPatternTypes = ['literal', 'prefix'] as const;
export const aclOperations = [
  'Read',
  'Write',
  'Create',
  'Delete',
  'Alter',
  'Describe',
  'ClusterAction',
  'AlterConfigs',
  'DescribeConfigs',
  'IdempotentWrite',
  'All',
] as const;

const passwordSchema = object(
  {
    valueFrom: object(
      {
        secretKeyRef: object(
          { name: string(), key: string(), optional: boolean() },
          { description: 'The Secret key, in the resource namespace.' },
        ),
      },
      { description: 'Where the password is read from.' },
    ),
  },
  {
    required: ['valueFrom'],
    description: 'A password the user provides; without it the operator generates one.',
  },
);

const authenticationSchema = object(
  {
    type: enumOf(authenticationTypes, {
      description:
        'scram-sha-512 makes SCRAM credentials, tls a client certificate; tls-external prepares the user ' +
        'for a certificate issued elsewhere (ACLs and quotas then name CN=<username>).',
    }),
    password: passwordSchema,
    validityDays: integer({ minimum: 1, description: 'How long the user certificate is valid (tls only).' }),
    renewalDays: integer({ minimum: 1, description: 'How long before expiry it is renewed (tls only).' }),
  },
  {
    required: ['type'],
    description: 'How the user authenticates; without it no credentials are made.',
    validations: [
      {
        rule: "self.type == 'tls' || (!has(self.validityDays) && !has(self.renewalDays))",
        message: "'validityDays' and 'renewalDays' can be set only with 'type: tls'",
      },
      {
        rule: "self.type != 'tls' || has(self.validityDays) == has(self.renewalDays)",
        message: "'validityDays' and 'renewalDays' must be set together, or both left unset",
      },
      {
        rule: '!has(self.renewalDays) || !has(self.validityDays) || self.renewalDays < self.validityDays',
        message: "'renewalDays' must be less than 'validityDays'",
      },
    ],
  },
);

const aclRuleSchema = object(
  {
    resource: object(
      {
        type: enumOf(aclResourceTypes, {
          description: 'The kind of resource.',
        }),
        name: string({ description: 'The resource name, or its prefix with patternType prefix.' }),
        patternType: enumOf(aclPatternTypes, { description: 'How name is matched. Default literal.' }),
      },
      { required: ['type'], description: 'The resource the rule applies to.' },
    ),
    operations: array(enumOf(aclOperations), { description: 'The operations allowed or denied.' }),
    host: string({ description: 'The client host the rule applies to. Default *, any host.' }),
    type: enumOf(['allow', 'deny'], { description: 'Whether the rule allows or denies. Default allow.' }),
  },
  { required: ['resource', 'operations'] },
);

export const kafkaUserSpecSchema = object(
  {
    authentication: authenticationSchema,
    authorization: object(
      {
        type: enumOf(['simple'], { description: 'simple: ACLs managed through the Kafka Admin API.' }),
        acls: array(aclRuleSchema, { description: 'The ACL rules of the user.' }),
      },
      { required: ['type', 'acls'], description: 'What the user may do.' },
    ),
    quotas: object(
      {
        producerByteRate: integer({ minimum: 0, description: 'Bytes per second a client may produce.' }),
        consumerByteRate: integer({ minimum: 0, description: 'Bytes per second a client may fetch.' }),
        requestPercentage: integer({ minimum: 0, description: 'Share of broker threads, in percent.' }),
        controllerMutationRate: number({
          minimum: 0,
          description: 'Partitions per second a client may create or delete.',
        }),
      },
      { description: 'Per-broker quotas on the user clients.' },
    ),
    template: object(
      {
        secret: object(
          {
            metadata: object(
              {
                labels: record(string(), { description: 'Labels added to the Secret.' }),
                annotations: record(string(), { description: 'Annotations added to the Secret.' }),
              },
              { description: 'Metadata applied to the Secret.' },
            ),
          },
          { description: 'How the Secret with the password or the TLS certificates is generated.' },
        ),
      },
      { description: 'Templates of what the operator generates for the user.' },
    ),
  },
  { description: 'The desired state of the user.' },
);

export const kafkaUserStatusSchema = object(
  {
    ...commonStatusFields,
    username: string({ description: 'The principal name Kafka knows the user by.' }),
    secret: string({ description: 'The Secret holding the user credentials.' }),
  },
  { description: 'The observed state of the user.' },
);

export type KafkaUserSpec = Infer<typeof kafkaUserSpecSchema>;
export type KafkaUserStatus = Infer<typeof kafkaUserStatusSchema>;
export type KafkaUserAuthentication = Infer<typeof authenticationSchema>;
export type KafkaUserAclRule = Infer<typeof aclRuleSchema>;
export type KafkaUserQuotas = NonNullable<KafkaUserSpec['quotas']>;
export type KafkaUser = CustomResource<KafkaUserSpec, KafkaUserStatus>;

export const kafkaUserDefinition: CustomResourceKind = {
  kind: 'KafkaUser',
  listKind: 'KafkaUserList',
  plural: 'kafkausers',
  singular: 'kafkauser',
  shortNames: ['ku'],
  categories: ['strimzi'],
  schema: customResourceSchema(kafkaUserSpecSchema, kafkaUserStatusSchema),
  printerColumns: [
    clusterColumn('user'),
    {
      name: 'Authentication',
      type: 'string',
      jsonPath: '.spec.authentication.type',
      description: 'How the user authenticates',
    },
    {
      name: 'Authorization',
      type: 'string',
      jsonPath: '.spec.authorization.type',
      description: 'How the user is authorized',
    },
    readyColumn,
  ],
};
