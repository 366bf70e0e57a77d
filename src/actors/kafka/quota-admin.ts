// The client quotas of the user operator's users: concurrent calls of many user actors go to Kafka
// as one DescribeClientQuotas and one AlterClientQuotas request.
import { alterClientQuotasV1, describeClientQuotasV1 } from '@platformatic/kafka';
import { type AdminContext, kafkaFailure } from './admin-connection.ts';
import { describeEachOrAll, userEntityBatchers } from './batch-splitting.ts';
import {
  quotaOperations,
  quotaUserOf,
  userQuotaEntity,
  userQuotaFilter,
  userQuotasFromValues,
} from './client-quotas.ts';
import type { UserQuotaChanges, UserQuotas } from './kafka-admin.ts';
import type { RequestBatcher } from './request-batcher.ts';

interface QuotaAlteration {
  user: string;
  changes: UserQuotaChanges;
}

export class UserQuotaAdmin {
  readonly #context: AdminContext;
  readonly #describe: RequestBatcher<string, UserQuotas>;
  readonly #alter: RequestBatcher<QuotaAlteration, undefined>;

  constructor(context: AdminContext) {
    this.#context = context;
    const batchers = userEntityBatchers(
      context.batching,
      (users) => this.#sendDescribe(users),
      (items: QuotaAlteration[]) => this.#sendAlterations(items),
    );
    this.#describe = batchers.describe;
    this.#alter = batchers.alter;
  }

  describeUserQuotas(user: string): Promise<UserQuotas> {
    return this.#describe.submit(user);
  }

  async listQuotaUsers(): Promise<string[]> {
    return [...(await this.#describeUsers(null)).keys()];
  }

  async alterUserQuotas(user: string, changes: UserQuotaChanges): Promise<void> {
    if (quotaOperations(changes).length > 0) await this.#alter.submit({ user, changes });
  }

  async #sendDescribe(users: string[]): Promise<UserQuotas[]> {
    const quotas = await describeEachOrAll(users, (user) => this.#describeUsers(user));
    return users.map((user) => quotas.get(user) ?? {});
  }

  async #describeUsers(user: string | null): Promise<Map<string, UserQuotas>> {
    this.#context.count('describeClientQuotas');
    const response = await this.#context.connection.request(
      'describing client quotas',
      (connection) => describeClientQuotasV1.api.async(connection, userQuotaFilter(user), true),
      'entries',
    );
    if (response.errorCode !== 0) {
      throw kafkaFailure(
        `describing the client quotas of ${user === null ? 'every user' : `user ${user}`}`,
        response,
      );
    }
    const quotas = new Map<string, UserQuotas>();
    for (const entry of response.entries ?? []) {
      const name = quotaUserOf(entry.entity);
      if (name !== undefined) quotas.set(name, userQuotasFromValues(entry.values));
    }
    return quotas;
  }

  // One round: each user at most once.
  async #sendAlterations(items: QuotaAlteration[]): Promise<Array<undefined | Error>> {
    this.#context.count('alterClientQuotas');
    const response = await this.#context.connection.request(
      'changing client quotas',
      (connection) =>
        alterClientQuotasV1.api.async(
          connection,
          items.map((item) => ({ entities: userQuotaEntity(item.user), ops: quotaOperations(item.changes) })),
          false,
        ),
      'entries',
    );
    const results = new Map(response.entries.map((entry) => [quotaUserOf(entry.entity), entry]));
    return items.map((item) => {
      const result = results.get(item.user);
      if (!result) return new Error(`Kafka did not answer changing the client quotas of user ${item.user}`);
      return result.errorCode === 0
        ? undefined
        : kafkaFailure(`changing the client quotas of user ${item.user}`, result);
    });
  }
}
