// The authorizer and its super users. Besides the user's super users, the principals of the cluster's own
// parts are super users, as in Strimzi: the brokers (replication), the entity operators, Kafka Exporter,
// Cruise Control and the operator itself, each by its certificate from the cluster CA.
import type { ClusterModel } from '../../../machines/cluster-model.ts';
import type { Section } from './properties.ts';

const standardAuthorizer = 'org.apache.kafka.metadata.authorizer.StandardAuthorizer';

/** The certificate subjects of the cluster's own parts, as Kafka names mutual-TLS principals. */
export function internalPrincipals(cluster: string): string[] {
  return [
    `${cluster}-kafka`,
    `${cluster}-entity-topic-operator`,
    `${cluster}-entity-user-operator`,
    `${cluster}-kafka-exporter`,
    `${cluster}-cruise-control`,
    'cluster-operator',
  ].map((commonName) => `CN=${commonName},O=io.strimzi`);
}

/** super.users of a cluster's brokers: its own parts' principals and spec.kafka.authorization.superUsers. */
export function superUserPrincipals(cluster: string, superUsers: readonly string[]): string[] {
  return [...internalPrincipals(cluster), ...superUsers].map((user) => `User:${user}`);
}

export function authorizationSection(model: ClusterModel): Section {
  const authorization = model.authorization;
  if (!authorization) return { title: 'Authorization (off)', entries: [] };
  const superUsers = superUserPrincipals(model.name, authorization.superUsers);
  return {
    title: 'Authorization',
    entries: [
      [
        'authorizer.class.name',
        authorization.type === 'simple' ? standardAuthorizer : authorization.authorizerClass,
      ],
      ['super.users', superUsers.join(';')],
    ],
  };
}
