// The SCRAM-SHA-512 credentials of the user operator: concurrent calls of many user actors go to
// Kafka as one DescribeUserScramCredentials and one AlterUserScramCredentials request.
import { describeUserScramCredentialsV0 } from '@platformatic/kafka';
import { type AdminContext, kafkaFailure } from './admin-connection.ts';
import { userEntityBatchers } from './batch-splitting.ts';
import { kafkaErrorCodes } from './kafka-admin.ts';
import type { RequestBatcher } from './request-batcher.ts';
import { alterScramCredentials, buildScramUpsertion, scramMechanisms } from './scram-credentials.ts';

const mechanism = scramMechanisms['SCRAM-SHA-512'];

type DescribedUser = describeUserScramCredentialsV0.DescribeUserScramCredentialsResponseResult;

// A credential to set (password given) or to delete. The password stays in memory only until the
// request is built; messages name the user, never the password.
interface ScramAlteration {
  user: string;
  password?: string;
}

export class ScramCredentialAdmin {
  readonly #context: AdminContext;
  readonly #describe: RequestBatcher<string, boolean>;
  readonly #alter: RequestBatcher<ScramAlteration, undefined>;

  constructor(context: AdminContext) {
    this.#context = context;
    const batchers = userEntityBatchers(
      context.batching,
      (users) => this.#sendDescribe(users),
      (items: ScramAlteration[]) => this.#sendAlterations(items),
    );
    this.#describe = batchers.describe;
    this.#alter = batchers.alter;
  }

  hasScramCredential(user: string): Promise<boolean> {
    return this.#describe.submit(user);
  }

  async listScramUsers(): Promise<string[]> {
    const described = await this.#describeUsers(null);
    return described.filter((result) => result.errorCode === 0 && hasOurMechanism(result)).map((r) => r.user);
  }

  upsertScramCredential(user: string, password: string): Promise<void> {
    return this.#alter.submit({ user, password });
  }

  deleteScramCredential(user: string): Promise<void> {
    return this.#alter.submit({ user });
  }

  async #sendDescribe(users: string[]): Promise<Array<boolean | Error>> {
    const results = new Map((await this.#describeUsers([...new Set(users)])).map((r) => [r.user, r]));
    return users.map((user) => {
      const result = results.get(user);
      if (!result) return new Error(`Kafka did not describe the SCRAM credentials of user ${user}`);
      if (result.errorCode === kafkaErrorCodes.RESOURCE_NOT_FOUND) return false;
      if (result.errorCode !== 0)
        return kafkaFailure(`describing the SCRAM credentials of user ${user}`, result);
      return hasOurMechanism(result);
    });
  }

  // The users asked about, or every user with a credential when `users` is null. Every user is asked
  // for with an empty list: with null, a broker that refuses the login (Kafka 4.2) fails to answer.
  async #describeUsers(users: string[] | null): Promise<DescribedUser[]> {
    this.#context.count('describeUserScramCredentials');
    const response = await this.#context.connection.request(
      'describing SCRAM credentials',
      (connection) =>
        describeUserScramCredentialsV0.api.async(connection, users?.map((name) => ({ name })) ?? []),
      'results',
    );
    if (response.errorCode !== 0) throw kafkaFailure('describing SCRAM credentials', response);
    return response.results;
  }

  // One round: each user at most once.
  async #sendAlterations(items: ScramAlteration[]): Promise<Array<undefined | Error>> {
    const upsertions = await Promise.all(
      items.flatMap((item) =>
        item.password === undefined ? [] : [buildScramUpsertion(item.user, item.password)],
      ),
    );
    const deletions = items
      .filter((item) => item.password === undefined)
      .map((item) => ({ name: item.user, mechanism }));
    this.#context.count('alterUserScramCredentials');
    const response = await this.#context.connection.request(
      'changing SCRAM credentials',
      async (connection) => ({ results: await alterScramCredentials(connection, deletions, upsertions) }),
      'results',
    );
    const results = new Map(response.results.map((r) => [r.user, r]));
    return items.map((item) => alterationOutcome(item, results.get(item.user)));
  }
}

function hasOurMechanism(result: DescribedUser): boolean {
  return result.credentialInfos.some((info) => info.mechanism === mechanism);
}

function alterationOutcome(
  item: ScramAlteration,
  result: { errorCode: number; errorMessage?: string | null } | undefined,
): Error | undefined {
  const deleting = item.password === undefined;
  const action = deleting
    ? 'deleting the SCRAM-SHA-512 credential of user'
    : 'setting the SCRAM-SHA-512 credential of user';
  if (!result) return new Error(`Kafka did not answer ${action} ${item.user}`);
  if (result.errorCode === 0) return undefined;
  // Deleting a credential that is not there leaves the state asked for.
  if (deleting && result.errorCode === kafkaErrorCodes.RESOURCE_NOT_FOUND) return undefined;
  return kafkaFailure(`${action} ${item.user}`, result);
}
