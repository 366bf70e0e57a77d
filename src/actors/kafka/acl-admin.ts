// The ACLs of the user operator: the user actors' reads share one DescribeAcls of every ACL, and
// their concurrent writes go to Kafka as one CreateAcls and a few DeleteAcls requests.
import { type Acl, createAclsV3, deleteAclsV3, describeAclsV3 } from '@platformatic/kafka';
import { describeAclRule, principalFilter, toKafkaAcl } from './acl-bindings.ts';
import { type AclsByPrincipal, aclsByPrincipal, addAcls, removeAcls } from './acls-by-principal.ts';
import { type AdminContext, kafkaFailure } from './admin-connection.ts';
import { eachAloneAfterWholeFailure, inRequestsOfAtMost } from './batch-splitting.ts';
import { type AclRule, KafkaAdminError } from './kafka-admin.ts';
import { RequestBatcher } from './request-batcher.ts';
import { describeCostFactor, SharedSnapshot } from './shared-snapshot.ts';

// Kafka refuses more than 10,000 ACL changes in one request.
export const aclCreationsPerRequest = 1000;
// Kafka's controller matches every DeleteAcls filter against every ACL in one event that holds up
// the others (broker heartbeats too): with 30,000 ACLs, 300 filters took it ~3 s on a busy machine.
export const aclDeletionsPerRequest = 100;
// The broker scans every ACL for any DescribeAcls (30,000 ACLs: ~30 ms for one principal, ~290 ms
// for all), so one describe-all serves every reader for this long: ACLs changed by others are seen
// within it, and at most one describe-all a second leaves the broker most of its time; one that took
// long serves for describeCostFactor times its duration.
export const aclSnapshotMaxAgeMs = 1000;

interface ItemResult {
  errorCode: number;
  errorMessage?: string | null;
}

export class AclAdmin {
  readonly #context: AdminContext;
  readonly #snapshot: SharedSnapshot<AclsByPrincipal>;
  readonly #create: RequestBatcher<AclRule[], undefined>;
  readonly #delete: RequestBatcher<AclRule[], undefined>;
  readonly #deletePrincipals: RequestBatcher<string, undefined>;

  constructor(context: AdminContext, snapshotMaxAgeMs = aclSnapshotMaxAgeMs) {
    this.#context = context;
    this.#snapshot = new SharedSnapshot(async () => aclsByPrincipal(await this.#describeEveryBinding()), {
      maxAgeMs: snapshotMaxAgeMs,
      costFactor: describeCostFactor,
    });
    this.#create = new RequestBatcher(
      inRequestsOfAtMost(
        eachAloneAfterWholeFailure((calls) => this.#sendCreate(calls)),
        (rules) => rules.length,
        aclCreationsPerRequest,
      ),
      context.batching.writes,
    );
    this.#delete = new RequestBatcher(
      inRequestsOfAtMost(
        eachAloneAfterWholeFailure((calls) => this.#sendDelete(calls)),
        (rules) => rules.length,
        aclDeletionsPerRequest,
      ),
      context.batching.writes,
    );
    this.#deletePrincipals = new RequestBatcher(
      inRequestsOfAtMost(
        eachAloneAfterWholeFailure((principals) => this.#sendDeletePrincipals(principals)),
        () => 1,
        aclDeletionsPerRequest,
      ),
      context.batching.writes,
    );
  }

  async describeAcls(principal: string): Promise<AclRule[]> {
    return [...((await this.#snapshot.read()).get(principal) ?? [])];
  }

  async listAclPrincipals(): Promise<string[]> {
    return [...new Set((await this.#describeEveryBinding()).map((acl) => acl.principal))];
  }

  async createAcls(rules: AclRule[]): Promise<void> {
    if (rules.length > 0) await this.#write(this.#create, rules, addAcls);
  }

  async deleteAcls(rules: AclRule[]): Promise<void> {
    if (rules.length > 0) await this.#write(this.#delete, rules, removeAcls);
  }

  // One filter for all of a principal's ACLs: the controller matches each filter against every ACL,
  // so this costs Kafka one scan of them instead of one per binding.
  async deleteAclsOf(principal: string): Promise<void> {
    try {
      await this.#deletePrincipals.submit(principal);
    } catch (error) {
      this.#snapshot.invalidate();
      throw error;
    }
    this.#snapshot.written((snapshot) => snapshot.delete(principal));
  }

  // The snapshot follows each write Kafka confirmed, and is dropped after one that failed.
  async #write(
    requests: RequestBatcher<AclRule[], undefined>,
    rules: AclRule[],
    apply: (snapshot: AclsByPrincipal, rules: AclRule[]) => void,
  ): Promise<void> {
    try {
      await requests.submit(rules);
    } catch (error) {
      this.#snapshot.invalidate();
      throw error;
    }
    this.#snapshot.written((snapshot) => apply(snapshot, rules));
  }

  async #describeEveryBinding(): Promise<Acl[]> {
    this.#context.count('describeAcls');
    const response = await this.#context.connection.request(
      'describing ACLs',
      (connection) => describeAclsV3.api.async(connection, principalFilter(null)),
      'resources',
    );
    if (response.errorCode !== 0) throw kafkaFailure('describing the ACLs of every principal', response);
    return response.resources.flatMap(({ acls, ...resource }) =>
      acls.map((acl) => ({ ...resource, ...acl })),
    );
  }

  async #sendDeletePrincipals(principals: string[]): Promise<Array<undefined | Error>> {
    this.#context.count('deleteAcls');
    const response = await this.#context.connection.request(
      'deleting ACLs',
      (connection) => deleteAclsV3.api.async(connection, principals.map(principalFilter)),
      'filterResults',
    );
    return principals.map((principal, index) => {
      const result = response.filterResults[index];
      const what = `deleting the ACLs of ${principal}`;
      if (!result) return new Error(`Kafka did not answer ${what}`);
      const failed = result.errorCode === 0 ? result.matchingAcls.find((acl) => acl.errorCode !== 0) : result;
      return failed ? kafkaFailure(what, failed) : undefined;
    });
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
