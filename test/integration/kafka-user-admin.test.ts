// Real services: a Kafka 4.x KRaft broker (SASL/SCRAM-SHA-512 listener, StandardAuthorizer, super
// user admin). The admin logs in as the operator does; kafkajs is the independent client.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { Counter, Registry } from 'prom-client';
import { aclDeletionsPerRequest, aclSnapshotMaxAgeMs } from '../../src/actors/kafka/acl-admin.ts';
import type { AclRule } from '../../src/actors/kafka/kafka-admin.ts';
import { KafkaAdminError, kafkaErrorCodes } from '../../src/actors/kafka/kafka-admin.ts';
import { PlatformaticKafkaAdmin } from '../../src/actors/kafka/platformatic-admin.ts';
import { quotaSnapshotMaxAgeMs } from '../../src/actors/kafka/quota-admin.ts';
import { kafkaEnvironment } from '../support/environment.ts';
import { waitFor } from '../support/wait.ts';

const kafka = kafkaEnvironment();

// An admin with the requests it has sent counted by operation: the shared one of this file, or one of
// a test's own, so that no earlier read of the shared one answers for it.
function countingAdmin(clientId: string) {
  const requests = new Counter({
    name: `test_${clientId.replaceAll('-', '_')}_requests_total`,
    help: 'requests by operation',
    labelNames: ['operation'] as const,
    registers: [new Registry()],
  });
  const admin = new PlatformaticKafkaAdmin(
    {
      bootstrap: [kafka.bootstrapSasl],
      sasl: { username: kafka.adminUser, password: kafka.adminPassword },
      clientId,
    },
    { requests },
  );
  const requestsSent = async (): Promise<Record<string, number>> => {
    const { values } = await requests.get();
    return Object.fromEntries(values.map((v) => [String(v.labels.operation), v.value]));
  };
  return { admin, requestsSent };
}

const { admin, requestsSent } = countingAdmin('test-user-admin');
const suffix = randomUUID().slice(0, 8);
const cleanups: Array<() => Promise<unknown>> = [];
after(async () => {
  await Promise.allSettled(cleanups.map((cleanup) => cleanup()));
  await admin.close();
});

// Kafka applies a write to the broker's metadata a few milliseconds after acknowledging it.
const settles = <T>(what: string, probe: () => Promise<T | undefined>) => waitFor(what, probe, 15_000, 50);

function clientAs(username: string, password: string): Kafka {
  return new Kafka({
    clientId: 'test-user-admin-client',
    brokers: [kafka.bootstrapSasl],
    sasl: { mechanism: 'scram-sha-512', username, password },
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
  });
}

async function logsIn(username: string, password: string): Promise<boolean> {
  const producer = clientAs(username, password).producer({ retry: { retries: 0 } });
  try {
    await producer.connect();
    return true;
  } catch (error) {
    if (/authentication failed/i.test((error as Error).message)) return false;
    throw error;
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
}

function sorted(rules: AclRule[]): AclRule[] {
  const key = (r: AclRule) =>
    [r.principal, r.resourceType, r.resourceName, r.patternType, r.host, r.operation, r.permission].join('|');
  return [...rules].sort((a, b) => key(a).localeCompare(key(b)));
}

function aclsOf(principal: string, ...rules: Array<Omit<AclRule, 'principal' | 'host'> & { host?: string }>) {
  return rules.map((rule) => ({ principal, host: '*', ...rule }));
}

test('a SCRAM-SHA-512 credential set through the admin lets kafkajs log in; a new password locks the old one out; deleting it locks every password out', async () => {
  const user = `scram-${suffix}`;
  cleanups.push(() => admin.deleteScramCredential(user));
  const first = randomUUID();
  const second = randomUUID();

  assert.equal(await admin.hasScramCredential(user), false);
  await admin.upsertScramCredential(user, first);
  await settles(
    'the credential to be visible',
    async () => (await admin.hasScramCredential(user)) || undefined,
  );
  assert.ok((await admin.listScramUsers()).includes(user));
  await settles(
    'the user to log in with the first password',
    async () => (await logsIn(user, first)) || undefined,
  );

  await admin.upsertScramCredential(user, second);
  await settles('the first password to be refused', async () =>
    (await logsIn(user, first)) ? undefined : true,
  );
  assert.equal(await logsIn(user, second), true);

  await admin.deleteScramCredential(user);
  await settles('the second password to be refused', async () =>
    (await logsIn(user, second)) ? undefined : true,
  );
  assert.equal(await admin.hasScramCredential(user), false);
  assert.ok(!(await admin.listScramUsers()).includes(user));
  await admin.deleteScramCredential(user);
});

test('a deletion and a change of the same credential at the same moment both succeed, in the order they were made', async () => {
  const user = `twice-${suffix}`;
  const password = randomUUID();
  cleanups.push(() => admin.deleteScramCredential(user));
  const before = (await requestsSent()).alterUserScramCredentials ?? 0;
  await Promise.all([admin.deleteScramCredential(user), admin.upsertScramCredential(user, password)]);
  assert.equal(
    (await requestsSent()).alterUserScramCredentials,
    before + 2,
    'one request per change of the user',
  );
  await settles(
    'the user to log in with the password set last',
    async () => (await logsIn(user, password)) || undefined,
  );
});

test('ACLs of every resource type, literal and prefix, allow and deny, are created, described exactly and deleted one by one', async () => {
  const principal = `User:acl-${suffix}`;
  const rules = aclsOf(
    principal,
    {
      resourceType: 'topic',
      resourceName: 'orders',
      patternType: 'literal',
      operation: 'Read',
      permission: 'allow',
    },
    {
      resourceType: 'topic',
      resourceName: 'orders-',
      patternType: 'prefix',
      operation: 'Write',
      permission: 'allow',
    },
    {
      resourceType: 'topic',
      resourceName: 'orders-secret',
      patternType: 'literal',
      operation: 'All',
      permission: 'deny',
      host: '10.1.2.3',
    },
    {
      resourceType: 'group',
      resourceName: 'billing-',
      patternType: 'prefix',
      operation: 'Read',
      permission: 'allow',
    },
    {
      resourceType: 'cluster',
      resourceName: 'kafka-cluster',
      patternType: 'literal',
      operation: 'IdempotentWrite',
      permission: 'allow',
    },
    {
      resourceType: 'transactionalId',
      resourceName: 'tx-',
      patternType: 'prefix',
      operation: 'Describe',
      permission: 'allow',
    },
    {
      resourceType: 'topic',
      resourceName: 'audit',
      patternType: 'literal',
      operation: 'DescribeConfigs',
      permission: 'allow',
    },
  );
  cleanups.push(() => admin.deleteAcls(rules));

  assert.deepEqual(await admin.describeAcls(principal), []);
  await admin.createAcls(rules);
  const described = await settles('the ACLs to be visible', async () => {
    const found = await admin.describeAcls(principal);
    return found.length === rules.length ? found : undefined;
  });
  assert.deepEqual(sorted(described), sorted(rules));
  // listAclPrincipals describes anew: the broker applies confirmed ACL changes a little later.
  await settles('the principal to be listed', async () =>
    (await admin.listAclPrincipals()).includes(principal) ? true : undefined,
  );

  const [kept, ...removed] = rules;
  await admin.deleteAcls(removed);
  await settles('only the kept ACL to remain', async () => {
    const found = await admin.describeAcls(principal);
    return found.length === 1 ? found : undefined;
  }).then((found) => assert.deepEqual(found, [kept]));

  // Deleting bindings that are already gone is not an error.
  await admin.deleteAcls(rules);
  await settles('no ACL to remain', async () =>
    (await admin.describeAcls(principal)).length === 0 ? true : undefined,
  );
  await settles('the principal to be listed no more', async () =>
    (await admin.listAclPrincipals()).includes(principal) ? undefined : true,
  );
});

test("deleting a principal's ACLs takes every one of them in one filter and leaves other principals' ACLs", async () => {
  const leaving = `User:leaving-${suffix}`;
  const staying = `User:staying-${suffix}`;
  const rule = (principal: string, resourceName: string, operation: AclRule['operation']): AclRule => ({
    principal,
    host: '*',
    resourceType: 'topic',
    resourceName,
    patternType: 'literal',
    operation,
    permission: 'allow',
  });
  const leavingRules = [
    rule(leaving, `orders-${suffix}`, 'Read'),
    rule(leaving, `orders-${suffix}`, 'Write'),
    {
      ...rule(leaving, `group-${suffix}`, 'Read'),
      resourceType: 'group' as const,
      patternType: 'prefix' as const,
    },
  ];
  const stayingRules = [rule(staying, `orders-${suffix}`, 'Read')];
  cleanups.push(() => admin.deleteAcls([...leavingRules, ...stayingRules]));
  await admin.createAcls([...leavingRules, ...stayingRules]);
  await settles('both principals to be listed', async () => {
    const listed = await admin.listAclPrincipals();
    return listed.includes(leaving) && listed.includes(staying) ? true : undefined;
  });

  const deletionsBefore = (await requestsSent()).deleteAcls ?? 0;
  await admin.deleteAclsOf(leaving);
  assert.equal((await requestsSent()).deleteAcls, deletionsBefore + 1);
  // The admin's own reads see its write at once; a new describe of Kafka sees it once applied.
  assert.deepEqual(await admin.describeAcls(leaving), []);
  await settles('the principal to be listed no more', async () =>
    (await admin.listAclPrincipals()).includes(leaving) ? undefined : true,
  );
  assert.ok((await admin.listAclPrincipals()).includes(staying));
  assert.deepEqual(await admin.describeAcls(staying), stayingRules);
  // A principal with no ACL left: nothing to delete, and no error.
  await admin.deleteAclsOf(leaving);
});

test("the admin's reads share one describe of every ACL for a bounded time, see its own writes at once, and see an ACL another client deleted after that time", async () => {
  const principal = `User:snapshot-${suffix}`;
  const [kept, deletedElsewhere] = aclsOf(
    principal,
    {
      resourceType: 'topic',
      resourceName: 'kept',
      patternType: 'literal',
      operation: 'Read',
      permission: 'allow',
    },
    {
      resourceType: 'group',
      resourceName: 'gone',
      patternType: 'prefix',
      operation: 'Read',
      permission: 'allow',
    },
  ) as [AclRule, AclRule];
  const { admin: own, requestsSent: ownRequests } = countingAdmin('test-user-admin-own');
  cleanups.push(() => admin.deleteAcls([kept, deletedElsewhere]));
  try {
    const started = performance.now();
    await own.createAcls([kept, deletedElsewhere]);
    for (let read = 0; read < 50; read++)
      assert.deepEqual(sorted(await own.describeAcls(principal)), sorted([kept, deletedElsewhere]));
    const describes = (await ownRequests()).describeAcls ?? 0;
    const snapshotsPossible = 1 + Math.floor((performance.now() - started) / aclSnapshotMaxAgeMs);
    assert.ok(describes >= 1 && describes <= snapshotsPossible, `${describes} DescribeAcls for 50 reads`);

    // Seen once the snapshot and the replay of the admin's own create (both 1 s) have aged.
    await admin.deleteAcls([deletedElsewhere]);
    const seen = await settles('the ACL deleted by the other client to be gone', async () => {
      const found = await own.describeAcls(principal);
      return found.length === 1 ? found : undefined;
    });
    assert.deepEqual(seen, [kept]);
  } finally {
    await own.close();
  }
});

test("the admin's quota reads share one describe of every user's quotas for a bounded time, see its own changes at once, and see a change another client made after that time", async () => {
  const user = `quota-snapshot-${suffix}`;
  const { admin: own, requestsSent: ownRequests } = countingAdmin('test-user-admin-own-quotas');
  cleanups.push(() =>
    admin.alterUserQuotas(user, { set: {}, remove: ['producerByteRate', 'consumerByteRate'] }),
  );
  try {
    const started = performance.now();
    await own.alterUserQuotas(user, { set: { producerByteRate: 1024 }, remove: [] });
    for (let read = 0; read < 50; read++)
      assert.deepEqual(await own.describeUserQuotas(user), { producerByteRate: 1024 });
    const describes = (await ownRequests()).describeClientQuotas ?? 0;
    const snapshotsPossible = 1 + Math.floor((performance.now() - started) / quotaSnapshotMaxAgeMs);
    assert.ok(
      describes >= 1 && describes <= snapshotsPossible,
      `${describes} DescribeClientQuotas for 50 reads`,
    );

    // Seen once the snapshot and the replay of the admin's own change (both 1 s) have aged.
    await admin.alterUserQuotas(user, { set: { consumerByteRate: 2048 }, remove: [] });
    const seen = await settles('the quota set by the other client to be seen', async () => {
      const found = await own.describeUserQuotas(user);
      return found.consumerByteRate === 2048 ? found : undefined;
    });
    assert.deepEqual(seen, { producerByteRate: 1024, consumerByteRate: 2048 });
  } finally {
    await own.close();
  }
});

test('the ACLs made through the admin are what Kafka enforces: a prefix allow lets the user write, a literal deny overrides it', async () => {
  const user = `enforced-${suffix}`;
  const password = randomUUID();
  const open = `shop-${suffix}-open`;
  const secret = `shop-${suffix}-secret`;
  const rules = aclsOf(
    `User:${user}`,
    {
      resourceType: 'topic',
      resourceName: `shop-${suffix}-`,
      patternType: 'prefix',
      operation: 'Write',
      permission: 'allow',
    },
    {
      resourceType: 'topic',
      resourceName: secret,
      patternType: 'literal',
      operation: 'Write',
      permission: 'deny',
    },
  );
  cleanups.push(
    () => admin.deleteScramCredential(user),
    () => admin.deleteAcls(rules),
    () => admin.deleteTopic(open),
    () => admin.deleteTopic(secret),
  );
  await Promise.all([
    admin.createTopic({ name: open, partitions: 1, replicas: 1, config: {} }),
    admin.createTopic({ name: secret, partitions: 1, replicas: 1, config: {} }),
    admin.upsertScramCredential(user, password),
    admin.createAcls(rules),
  ]);
  await settles('the user to log in', async () => (await logsIn(user, password)) || undefined);

  const producer = clientAs(user, password).producer({ retry: { retries: 0 } });
  await producer.connect();
  try {
    const [written] = await settles('the allow ACL to apply', () =>
      producer.send({ topic: open, messages: [{ value: 'allowed' }] }),
    );
    assert.equal(written?.errorCode, 0);
    await assert.rejects(producer.send({ topic: secret, messages: [{ value: 'denied' }] }), (error: Error) =>
      /not authorized|TOPIC_AUTHORIZATION_FAILED/i.test(
        `${error.message} ${(error as { type?: string }).type}`,
      ),
    );
  } finally {
    await producer.disconnect();
  }
});

test("a user's quotas are set, described, changed and removed; only users with quotas of their own are listed", async () => {
  const user = `quota-${suffix}`;
  cleanups.push(() =>
    admin.alterUserQuotas(user, {
      set: {},
      remove: ['producerByteRate', 'consumerByteRate', 'requestPercentage', 'controllerMutationRate'],
    }),
  );
  assert.deepEqual(await admin.describeUserQuotas(user), {});

  const quotas = {
    producerByteRate: 1_048_576,
    consumerByteRate: 2_097_152,
    requestPercentage: 55.5,
    controllerMutationRate: 10,
  };
  await admin.alterUserQuotas(user, { set: quotas, remove: [] });
  await settles('the quotas to be visible', async () => {
    const found = await admin.describeUserQuotas(user);
    return Object.keys(found).length === 4 ? found : undefined;
  }).then((found) => assert.deepEqual(found, quotas));
  // The listing describes Kafka itself, whose metadata takes the change a moment after confirming it.
  await settles('the user to be listed', async () =>
    (await admin.listQuotaUsers()).includes(user) ? true : undefined,
  );

  await admin.alterUserQuotas(user, { set: { producerByteRate: 4096 }, remove: ['requestPercentage'] });
  await settles('the changed quotas', async () => {
    const found = await admin.describeUserQuotas(user);
    return found.producerByteRate === 4096 && found.requestPercentage === undefined ? found : undefined;
  }).then((found) =>
    assert.deepEqual(found, {
      producerByteRate: 4096,
      consumerByteRate: 2_097_152,
      controllerMutationRate: 10,
    }),
  );

  await admin.alterUserQuotas(user, {
    set: {},
    remove: ['producerByteRate', 'consumerByteRate', 'controllerMutationRate'],
  });
  await settles('no quota to remain', async () =>
    Object.keys(await admin.describeUserQuotas(user)).length === 0 ? true : undefined,
  );
  await settles('the user to leave the listing', async () =>
    (await admin.listQuotaUsers()).includes(user) ? undefined : true,
  );
});

test('a call Kafka refuses fails alone, with the Kafka error code and what it was about, never the password', async () => {
  const good = `good-${suffix}`;
  const password = `never-shown-${randomUUID()}`;
  const goodRule = aclsOf(`User:${good}`, {
    resourceType: 'topic',
    resourceName: 'fine',
    patternType: 'literal',
    operation: 'Read',
    permission: 'allow',
  });
  cleanups.push(
    () => admin.deleteScramCredential(good),
    () => admin.deleteAcls(goodRule),
    () => admin.alterUserQuotas(good, { set: {}, remove: ['producerByteRate'] }),
  );
  const [scramOk, scramBad, aclOk, aclBad, quotaOk, quotaBad] = await Promise.allSettled([
    admin.upsertScramCredential(good, password),
    admin.upsertScramCredential('', password),
    admin.createAcls(goodRule),
    admin.createAcls([{ ...(goodRule[0] as AclRule), principal: 'no-colon', resourceName: 'bad' }]),
    admin.alterUserQuotas(good, { set: { producerByteRate: 1024 }, remove: [] }),
    admin.alterUserQuotas(`bad-${suffix}`, { set: { consumerByteRate: -5 }, remove: [] }),
  ]);
  assert.equal(scramOk.status, 'fulfilled');
  assert.equal(aclOk.status, 'fulfilled');
  assert.equal(quotaOk.status, 'fulfilled');

  const reasons = [scramBad, aclBad, quotaBad].map((outcome) => {
    assert.equal(outcome.status, 'rejected');
    assert.ok(outcome.reason instanceof KafkaAdminError, String(outcome.reason));
    assert.ok(!outcome.reason.message.includes(password), 'the password is not in the message');
    return outcome.reason;
  });
  assert.match(
    reasons[0]?.message ?? '',
    /setting the SCRAM-SHA-512 credential of user .*Username must not be empty/,
  );
  assert.equal(reasons[0]?.errorCode, 93);
  assert.match(
    reasons[1]?.message ?? '',
    /creating ACL allow no-colon Read on topic bad \(literal\) from \*.*principal/,
  );
  assert.equal(reasons[1]?.errorCode, 42);
  assert.match(
    reasons[2]?.message ?? '',
    new RegExp(`client quotas of user bad-${suffix} failed: .*greater than 0`),
  );
  assert.equal(reasons[2]?.errorCode, 42);
});

test('a request Kafka drops as a whole is sent again call by call: the calls that shared it with a bad one succeed, the bad one fails alone', async () => {
  const users = [1, 2, 3].map((n) => `shared-${n}-${suffix}`);
  const rulesOf = (user: string, resourceName: string) =>
    aclsOf(`User:${user}`, {
      resourceType: 'topic',
      resourceName,
      patternType: 'literal',
      operation: 'Read',
      permission: 'allow',
    });
  cleanups.push(
    ...users.flatMap((user) => [
      () => admin.deleteScramCredential(user),
      () => admin.deleteAcls(rulesOf(user, 'fine')),
    ]),
  );
  // Longer than a Kafka string may be: the broker closes the connection on the request that carries it.
  const unreadable = 'x'.repeat(32_768);
  const acls = await Promise.allSettled([
    ...users.map((user) => admin.createAcls(rulesOf(user, 'fine'))),
    admin.createAcls(rulesOf(`unreadable-${suffix}`, unreadable)),
  ]);
  const scram = await Promise.allSettled([
    ...users.map((user) => admin.upsertScramCredential(user, 'shared-password-1')),
    admin.upsertScramCredential(unreadable, 'shared-password-1'),
  ]);
  for (const outcomes of [acls, scram]) {
    assert.deepEqual(
      outcomes.map((outcome) => outcome.status),
      ['fulfilled', 'fulfilled', 'fulfilled', 'rejected'],
    );
  }
  for (const user of users) {
    assert.equal((await admin.describeAcls(`User:${user}`)).length, 1);
    assert.ok(await logsIn(user, 'shared-password-1'));
  }
});

test('a login without rights on the cluster gets every call refused with CLUSTER_AUTHORIZATION_FAILED, none swallowed', async () => {
  const weak = `weak-${suffix}`;
  const password = randomUUID();
  cleanups.push(() => admin.deleteScramCredential(weak));
  await admin.upsertScramCredential(weak, password);
  await settles('the weak user to log in', async () => (await logsIn(weak, password)) || undefined);
  const refused = new PlatformaticKafkaAdmin({
    bootstrap: [kafka.bootstrapSasl],
    sasl: { username: weak, password },
    clientId: 'test-user-admin-weak',
  });
  const rule = aclsOf(`User:${weak}`, {
    resourceType: 'topic',
    resourceName: 'any',
    patternType: 'literal',
    operation: 'Read',
    permission: 'allow',
  });
  try {
    const calls: Record<string, () => Promise<unknown>> = {
      hasScramCredential: () => refused.hasScramCredential(weak),
      listScramUsers: () => refused.listScramUsers(),
      upsertScramCredential: () => refused.upsertScramCredential(`other-${suffix}`, randomUUID()),
      describeAcls: () => refused.describeAcls(`User:${weak}`),
      listAclPrincipals: () => refused.listAclPrincipals(),
      createAcls: () => refused.createAcls(rule),
      deleteAcls: () => refused.deleteAcls(rule),
      describeUserQuotas: () => refused.describeUserQuotas(weak),
      listQuotaUsers: () => refused.listQuotaUsers(),
      alterUserQuotas: () => refused.alterUserQuotas(weak, { set: { producerByteRate: 1024 }, remove: [] }),
    };
    for (const [name, call] of Object.entries(calls)) {
      await assert.rejects(
        call(),
        (error: unknown) =>
          error instanceof KafkaAdminError &&
          error.errorCode === kafkaErrorCodes.CLUSTER_AUTHORIZATION_FAILED,
        name,
      );
    }
  } finally {
    await refused.close();
  }
});

test('two hundred concurrent calls per operation go to Kafka as one request (ACL deletions as a few bounded ones), and every caller gets its own user', async (t) => {
  const users = Array.from({ length: 200 }, (_, i) => `batch-${suffix}-${i}`);
  const rulesOf = (user: string) =>
    aclsOf(
      `User:${user}`,
      {
        resourceType: 'topic',
        resourceName: user,
        patternType: 'literal',
        operation: 'Read',
        permission: 'allow',
      },
      {
        resourceType: 'topic',
        resourceName: `${user}-`,
        patternType: 'prefix',
        operation: 'Write',
        permission: 'allow',
      },
      {
        resourceType: 'group',
        resourceName: user,
        patternType: 'literal',
        operation: 'Read',
        permission: 'allow',
      },
    );
  cleanups.push(
    () => Promise.all(users.map((user) => admin.deleteScramCredential(user))),
    () => Promise.all(users.map((user) => admin.deleteAcls(rulesOf(user)))),
    () =>
      Promise.all(
        users.map((user) => admin.alterUserQuotas(user, { set: {}, remove: ['producerByteRate'] })),
      ),
  );
  const measured: Record<string, number> = {};
  async function requestsFor<T>(operation: string, calls: () => Promise<T>, what = operation): Promise<T> {
    const before = (await requestsSent())[operation] ?? 0;
    const result = await calls();
    measured[what] = ((await requestsSent())[operation] ?? 0) - before;
    return result;
  }
  const everyone = async (list: () => Promise<string[]>, present: boolean) => {
    const listed = new Set(await list());
    return users.every((user) => listed.has(user) === present) ? true : undefined;
  };

  await requestsFor('alterUserScramCredentials', () =>
    Promise.all(users.map((user) => admin.upsertScramCredential(user, `pw-${user}`))),
  );
  await settles('every credential to be visible', () => everyone(() => admin.listScramUsers(), true));
  const has = await requestsFor('describeUserScramCredentials', () =>
    Promise.all([...users, `absent-${suffix}`].map((user) => admin.hasScramCredential(user))),
  );
  assert.deepEqual(has, [...users.map(() => true), false]);

  await requestsFor('createAcls', () => Promise.all(users.map((user) => admin.createAcls(rulesOf(user)))));
  await settles('every ACL to be visible', () =>
    everyone(() => admin.listAclPrincipals().then((p) => p.map((n) => n.slice('User:'.length))), true),
  );
  const acls = await requestsFor('describeAcls', () =>
    Promise.all(users.map((user) => admin.describeAcls(`User:${user}`))),
  );
  for (const [i, user] of users.entries()) assert.deepEqual(sorted(acls[i] ?? []), sorted(rulesOf(user)));

  await requestsFor('alterClientQuotas', () =>
    Promise.all(
      users.map((user, i) =>
        admin.alterUserQuotas(user, { set: { producerByteRate: 1000 + i }, remove: [] }),
      ),
    ),
  );
  await settles('every quota to be visible', () => everyone(() => admin.listQuotaUsers(), true));
  const quotas = await requestsFor('describeClientQuotas', () =>
    Promise.all(users.map((user) => admin.describeUserQuotas(user))),
  );
  assert.deepEqual(
    quotas,
    users.map((_, i) => ({ producerByteRate: 1000 + i })),
  );

  await requestsFor('deleteAcls', () => Promise.all(users.map((user) => admin.deleteAcls(rulesOf(user)))));
  await requestsFor(
    'alterUserScramCredentials',
    () => Promise.all(users.map((user) => admin.deleteScramCredential(user))),
    'alterUserScramCredentials (deletions)',
  );
  await settles(
    'every credential and ACL to be gone',
    async () =>
      (await everyone(() => admin.listScramUsers(), false)) &&
      (await everyone(
        () => admin.listAclPrincipals().then((p) => p.map((n) => n.slice('User:'.length))),
        false,
      )),
  );

  t.diagnostic(`requests for 200 calls each: ${JSON.stringify(measured)}`);
  // DeleteAcls goes in smaller requests on purpose (Kafka's controller scans every ACL per filter).
  const bounds: Record<string, number> = {
    deleteAcls: Math.ceil(users.length / Math.floor(aclDeletionsPerRequest / 3)),
  };
  // ACL and quota reads may find the shared snapshot of an earlier read still fresh (younger than its
  // bound).
  const least: Record<string, number> = { describeAcls: 0, describeClientQuotas: 0 };
  for (const [operation, count] of Object.entries(measured)) {
    assert.ok(
      count >= (least[operation] ?? 1) && count <= (bounds[operation] ?? 1),
      `${operation}: ${count} requests for 200 calls`,
    );
  }
});
