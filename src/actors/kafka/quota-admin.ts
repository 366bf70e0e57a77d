// The client quotas of the user operator's users: the user actors' reads share one DescribeClientQuotas
// of every user, and their concurrent changes go to Kafka as one AlterClientQuotas request.
import { alterClientQuotasV1, describeClientQuotasV1 } from '@platformatic/kafka';
import { type AdminContext, kafkaFailure } from './admin-connection.ts';
import { eachAloneAfterWholeFailure, inUniqueRounds } from './batch-splitting.ts';
import {
  everyUserQuotaFilter,
  quotaOperations,
  quotasAfter,
  quotaUserOf,
  userQuotaEntity,
  userQuotasFromValues,
} from './client-quotas.ts';
import type { UserQuotaChanges, UserQuotas } from './kafka-admin.ts';
import { RequestBatcher } from './request-batcher.ts';
import { describeCostFactor, SharedSnapshot } from './shared-snapshot.ts';

// A DescribeClientQuotas takes one filter, so users created one after the other each cost Kafka a
// request of their own: one describe of every user's quotas serves every reader for this long instead
// (quotas changed by others are seen within it), or describeCostFactor times as long as it took.
export const quotaSnapshotMaxAgeMs = 1000;

interface QuotaAlteration {
  user: string;
  changes: UserQuotaChanges;
}

export class UserQuotaAdmin {
  readonly #context: AdminContext;
  readonly #snapshot: SharedSnapshot<Map<string, UserQuotas>>;
  readonly #alter: RequestBatcher<QuotaAlteration, undefined>;

  constructor(context: AdminContext, snapshotMaxAgeMs = quotaSnapshotMaxAgeMs) {
    this.#context = context;
    this.#snapshot = new SharedSnapshot(() => this.#describeEveryUser(), {
      maxAgeMs: snapshotMaxAgeMs,
      costFactor: describeCostFactor,
    });
    this.#alter = new RequestBatcher(
      inUniqueRounds(
        eachAloneAfterWholeFailure((items: QuotaAlteration[]) => this.#sendAlterations(items)),
        (item) => item.user,
      ),
      context.batching.writes,
    );
  }

  async describeUserQuotas(user: string): Promise<UserQuotas> {
    return { ...(await this.#snapshot.read()).get(user) };
  }

  async listQuotaUsers(): Promise<string[]> {
    return [...(await this.#describeEveryUser()).keys()];
  }

  // The snapshot follows each change Kafka confirmed, and is dropped after one that failed.
  async alterUserQuotas(user: string, changes: UserQuotaChanges): Promise<void> {
    if (quotaOperations(changes).length === 0) return;
    try {
      await this.#alter.submit({ user, changes });
    } catch (error) {
      this.#snapshot.invalidate();
      throw error;
    }
    this.#snapshot.written((snapshot) => snapshot.set(user, quotasAfter(snapshot.get(user), changes)));
  }

  async #describeEveryUser(): Promise<Map<string, UserQuotas>> {
    this.#context.count('describeClientQuotas');
    const response = await this.#context.connection.request(
      'describing client quotas',
      (connection) => describeClientQuotasV1.api.async(connection, everyUserQuotaFilter, true),
      'entries',
    );
    if (response.errorCode !== 0) {
      throw kafkaFailure('describing the client quotas of every user', response);
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
