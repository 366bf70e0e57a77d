// The ACLs of the user operator: concurrent calls of many user actors go to Kafka as one
// DescribeAcls, one CreateAcls and one DeleteAcls request.
import { type Acl, createAclsV3, deleteAclsV3, describeAclsV3 } from '@platformatic/kafka';
import { describeAclRule, fromKafkaAcl, principalFilter, toKafkaAcl } from './acl-bindings.ts';
import { type AdminContext, kafkaFailure } from './admin-connection.ts';
import { describeEachOrAll, inRequestsOfAtMost } from './batch-splitting.ts';
import { type AclRule, KafkaAdminError } from './kafka-admin.ts';
import { RequestBatcher } from './request-batcher.ts';

// Kafka refuses more than 10,000 ACL changes in one request.
export const aclCreationsPerRequest = 1000;
// Kafka's controller matches every DeleteAcls filter against every ACL in one event that holds up
// the others (broker heartbeats too): with 30,000 ACLs, 300 filters took it ~3 s on a busy machine.
export const aclDeletionsPerRequest = 100;

interface ItemResult {
  errorCode: number;
  errorMessage?: string | null;
}

export class AclAdmin {
  readonly #context: AdminContext;
  readonly #describe: RequestBatcher<string, AclRule[]>;
  readonly #create: RequestBatcher<AclRule[], undefined>;
  readonly #delete: RequestBatcher<AclRule[], undefined>;

  constructor(context: AdminContext) {
    this.#context = context;
    this.#describe = new RequestBatcher((principals) => this.#sendDescribe(principals), context.batching);
    this.#create = new RequestBatcher(
      inRequestsOfAtMost(
        (calls) => this.#sendCreate(calls),
        (rules) => rules.length,
        aclCreationsPerRequest,
      ),
      context.batching,
    );
    this.#delete = new RequestBatcher(
      inRequestsOfAtMost(
        (calls) => this.#sendDelete(calls),
        (rules) => rules.length,
        aclDeletionsPerRequest,
      ),
      context.batching,
    );
  }

  describeAcls(principal: string): Promise<AclRule[]> {
    return this.#describe.submit(principal);
  }

  async listAclPrincipals(): Promise<string[]> {
    return [...new Set((await this.#describeBindings(null)).map((acl) => acl.principal))];
  }

  async createAcls(rules: AclRule[]): Promise<void> {
    if (rules.length > 0) await this.#create.submit(rules);
  }

  async deleteAcls(rules: AclRule[]): Promise<void> {
    if (rules.length > 0) await this.#delete.submit(rules);
  }

  async #sendDescribe(principals: string[]): Promise<AclRule[][]> {
    const rules = await describeEachOrAll(principals, (principal) => this.#rulesByPrincipal(principal));
    return principals.map((principal) => rules.get(principal) ?? []);
  }

  // The rules of one principal, or of every principal when none is given.
  async #rulesByPrincipal(principal: string | null): Promise<Map<string, AclRule[]>> {
    const byPrincipal = new Map<string, AclRule[]>();
    for (const acl of await this.#describeBindings(principal)) {
      const rule = fromKafkaAcl(acl);
      if (!rule) continue;
      const rules = byPrincipal.get(acl.principal);
      if (rules) rules.push(rule);
      else byPrincipal.set(acl.principal, [rule]);
    }
    return byPrincipal;
  }

  async #describeBindings(principal: string | null): Promise<Acl[]> {
    this.#context.count('describeAcls');
    const response = await this.#context.connection.request(
      'describing ACLs',
      (connection) => describeAclsV3.api.async(connection, principalFilter(principal)),
      'resources',
    );
    if (response.errorCode !== 0)
      throw kafkaFailure(`describing the ACLs of ${principal ?? 'every principal'}`, response);
    return response.resources.flatMap(({ acls, ...resource }) =>
      acls.map((acl) => ({ ...resource, ...acl })),
    );
  }

  async #sendCreate(calls: AclRule[][]): Promise<Array<undefined | Error>> {
    this.#context.count('createAcls');
    const response = await this.#context.connection.request(
      'creating ACLs',
      (connection) => createAclsV3.api.async(connection, calls.flat().map(toKafkaAcl)),
      'results',
    );
    return perCall(calls, 'creating ACL', response.results);
  }

  // Exact-match filters: each deletes its own binding, and a binding already gone matches nothing.
  async #sendDelete(calls: AclRule[][]): Promise<Array<undefined | Error>> {
    this.#context.count('deleteAcls');
    const response = await this.#context.connection.request(
      'deleting ACLs',
      (connection) => deleteAclsV3.api.async(connection, calls.flat().map(toKafkaAcl)),
      'filterResults',
    );
    const results = response.filterResults.map(
      (result) =>
        (result.errorCode === 0 && result.matchingAcls.find((acl) => acl.errorCode !== 0)) || result,
    );
    return perCall(calls, 'deleting ACL', results);
  }
}

// Kafka answers a request's rules in order: each call gets the failures of its own rules.
function perCall(calls: AclRule[][], action: string, results: ItemResult[]): Array<undefined | Error> {
  let index = 0;
  return calls.map((rules) => {
    const failures = rules.flatMap((rule) => {
      const result = results[index++];
      const what = `${action} ${describeAclRule(rule)}`;
      if (!result) return [new Error(`Kafka did not answer ${what}`)];
      return result.errorCode === 0 ? [] : [kafkaFailure(what, result)];
    });
    const [first] = failures;
    if (!first || failures.length === 1) return first;
    const message = failures.map((failure) => failure.message).join('; ');
    return first instanceof KafkaAdminError
      ? new KafkaAdminError(message, first.errorCode)
      : new Error(message);
  });
}
