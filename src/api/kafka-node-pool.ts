// KafkaNodePool: a group of Kafka nodes of one Kafka cluster that share roles, storage and resources.
import {
  type CustomResource,
  type CustomResourceKind,
  commonStatusFields,
  customResourceSchema,
  jvmOptionsSchema,
  resourceRequirementsSchema,
  storageSchema,
} from './common.ts';
import { array, enumOf, type Infer, integer, object, string } from './schema.ts';
import { kafkaNodeTemplateFields } from './templates.ts';

const roleSchema = enumOf(['controller', 'broker']);

export const kafkaNodePoolSpecSchema = object(
  {
    replicas: integer({ minimum: 0, description: 'The number of nodes in the pool.' }),
    roles: array(roleSchema, { description: 'What the nodes do: controller, broker, or both.' }),
    storage: storageSchema,
    resources: resourceRequirementsSchema,
    jvmOptions: jvmOptionsSchema,
    template: object(kafkaNodeTemplateFields, {
      description: 'Overrides for the pods and other objects of the pool; they replace the Kafka template.',
    }),
  },
  { required: ['replicas', 'roles', 'storage'], description: 'The desired state of the node pool.' },
);

export const kafkaNodePoolStatusSchema = object(
  {
    ...commonStatusFields,
    nodeIds: array(integer(), { description: 'The Kafka node ids of the pool.' }),
    roles: array(roleSchema, { description: 'The roles the nodes have now.' }),
    replicas: integer({ description: 'The number of nodes the pool has now.' }),
    labelSelector: string({
      description: 'The label selector of the pool pods (for the scale subresource).',
    }),
    clusterId: string({ description: 'The id of the Kafka cluster.' }),
  },
  { description: 'The observed state of the node pool.' },
);

export type KafkaNodeRole = Infer<typeof roleSchema>;
export type KafkaNodePoolSpec = Infer<typeof kafkaNodePoolSpecSchema>;
export type KafkaNodePoolStatus = Infer<typeof kafkaNodePoolStatusSchema>;
export type KafkaNodePool = CustomResource<KafkaNodePoolSpec, KafkaNodePoolStatus>;

export const kafkaNodePoolDefinition: CustomResourceKind = {
  kind: 'KafkaNodePool',
  listKind: 'KafkaNodePoolList',
  plural: 'kafkanodepools',
  singular: 'kafkanodepool',
  shortNames: ['knp'],
  categories: ['strimzi'],
  schema: customResourceSchema(kafkaNodePoolSpecSchema, kafkaNodePoolStatusSchema),
  printerColumns: [
    { name: 'Desired replicas', type: 'integer', jsonPath: '.spec.replicas', description: 'Desired nodes' },
    { name: 'Roles', type: 'string', jsonPath: '.status.roles', description: 'Roles of the nodes' },
    { name: 'NodeIds', type: 'string', jsonPath: '.status.nodeIds', description: 'Kafka node ids in use' },
  ],
  scale: {
    specReplicasPath: '.spec.replicas',
    statusReplicasPath: '.status.replicas',
    labelSelectorPath: '.status.labelSelector',
  },
};
