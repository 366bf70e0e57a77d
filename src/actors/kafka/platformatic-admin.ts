// KafkaAdmin on @platformatic/kafka. Calls made by many actors within a few milliseconds go to
// Kafka as one request per operation (as Strimzi's topic and user operators batch), and each
// caller gets its own topic's or user's outcome. The parts (topics, SCRAM credentials, ACLs,
// quotas) share one Admin client, one connection of their own and the request counter.
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { Admin, type ConnectionOptions, type SASLOptions } from '@platformatic/kafka';
import type { Counter } from 'prom-client';
import { AclAdmin } from './acl-admin.ts';
import { type AdminBatching, AdminConnection, type AdminContext } from './admin-connection.ts';
import type {
  AclRule,
  ConfigChanges,
  KafkaAdmin,
  NewTopic,
  TopicDescription,
  UserQuotaChanges,
  UserQuotas,
} from './kafka-admin.ts';
import { UserQuotaAdmin } from './quota-admin.ts';
import { ScramCredentialAdmin } from './scram-admin.ts';
import { TopicAdmin } from './topic-admin.ts';

export interface KafkaConnectionSettings {
  bootstrap: string[];
  sasl?: { username: string; password: string };
  // true: TLS trusting the system's CAs; options: node's tls.connect options (CA, client certificate).
  tls?: boolean | TlsOptions;
  clientId: string;
}

export interface PlatformaticAdminOptions {
  batching?: AdminBatching;
  // Counts the requests sent to Kafka, by operation (one request may carry many calls), for metrics.
  requests?: Counter<'operation'>;
  // How old a shared snapshot of every ACL, or of every user's quotas, may be when read (defaults
  // aclSnapshotMaxAgeMs and quotaSnapshotMaxAgeMs); 0 for an observer that must see Kafka as it is
  // now, such as a test's.
  snapshotMaxAgeMs?: number;
  // Throws when this replica may not write to Kafka any more; checked right before each write request.
  fence?: () => void;
}

// The requests that change Kafka: the ones a fenced replica must not send.
const writeOperations = new Set([
  'createTopics',
  'incrementalAlterConfigs',
  'createPartitions',
  'deleteTopics',
  'alterUserScramCredentials',
  'createAcls',
  'deleteAcls',
  'alterClientQuotas',
]);

const defaultBatching: AdminBatching = {
  reads: { maxDelayMs: 5, maxItems: 500 },
  writes: { maxDelayMs: 100, maxItems: 500 },
};

export class PlatformaticKafkaAdmin implements KafkaAdmin {
  readonly #admin: Admin;
  readonly #connection: AdminConnection;
  readonly #topics: TopicAdmin;
  readonly #scram: ScramCredentialAdmin;
  readonly #acls: AclAdmin;
  readonly #quotas: UserQuotaAdmin;

  constructor(settings: KafkaConnectionSettings, options: PlatformaticAdminOptions = {}) {
    const sasl: SASLOptions | undefined = settings.sasl
      ? { mechanism: 'SCRAM-SHA-512', username: settings.sasl.username, password: settings.sasl.password }
      : undefined;
    const connectionOptions: ConnectionOptions = {
      ...(sasl ? { sasl } : {}),
      ...(settings.tls ? { tls: settings.tls === true ? {} : settings.tls } : {}),
    };
    this.#admin = new Admin({
      clientId: settings.clientId,
      bootstrapBrokers: settings.bootstrap,
      retries: 2,
      ...connectionOptions,
    });
    this.#connection = new AdminConnection(settings.clientId, settings.bootstrap, connectionOptions);
    const context: AdminContext = {
      connection: this.#connection,
      count: (operation) => {
        if (writeOperations.has(operation)) options.fence?.();
        options.requests?.inc({ operation });
      },
      batching: options.batching ?? defaultBatching,
    };
    this.#topics = new TopicAdmin(context, this.#admin);
    this.#scram = new ScramCredentialAdmin(context);
    this.#acls = new AclAdmin(context, options.snapshotMaxAgeMs);
    this.#quotas = new UserQuotaAdmin(context, options.snapshotMaxAgeMs);
  }

  describeTopic(name: string): Promise<TopicDescription | undefined> {
    return this.#topics.describeTopic(name);
  }

  describeTopicConfig(name: string): Promise<Record<string, string>> {
    return this.#topics.describeTopicConfig(name);
  }

  createTopic(topic: NewTopic): Promise<TopicDescription> {
    return this.#topics.createTopic(topic);
  }

  alterTopicConfig(name: string, changes: ConfigChanges): Promise<void> {
    return this.#topics.alterTopicConfig(name, changes);
  }

  createPartitions(name: string, partitions: number, existing: number): Promise<void> {
    return this.#topics.createPartitions(name, partitions, existing);
  }

  deleteTopic(name: string): Promise<void> {
    return this.#topics.deleteTopic(name);
  }

  brokerCount(): Promise<number> {
    return this.#topics.brokerCount();
  }

  hasScramCredential(user: string): Promise<boolean> {
    return this.#scram.hasScramCredential(user);
  }

  listScramUsers(): Promise<string[]> {
    return this.#scram.listScramUsers();
  }

  upsertScramCredential(user: string, password: string): Promise<void> {
    return this.#scram.upsertScramCredential(user, password);
  }

  deleteScramCredential(user: string): Promise<void> {
    return this.#scram.deleteScramCredential(user);
  }

  describeAcls(principal: string): Promise<AclRule[]> {
    return this.#acls.describeAcls(principal);
  }

  listAclPrincipals(): Promise<string[]> {
    return this.#acls.listAclPrincipals();
  }

  createAcls(rules: AclRule[]): Promise<void> {
    return this.#acls.createAcls(rules);
  }

  deleteAcls(rules: AclRule[]): Promise<void> {
    return this.#acls.deleteAcls(rules);
  }

  deleteAclsOf(principal: string): Promise<void> {
    return this.#acls.deleteAclsOf(principal);
  }

  describeUserQuotas(user: string): Promise<UserQuotas> {
    return this.#quotas.describeUserQuotas(user);
  }

  listQuotaUsers(): Promise<string[]> {
    return this.#quotas.listQuotaUsers();
  }

  alterUserQuotas(user: string, changes: UserQuotaChanges): Promise<void> {
    return this.#quotas.alterUserQuotas(user, changes);
  }

  async close(): Promise<void> {
    this.#connection.close();
    await this.#admin.close();
  }
}
