import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../../src/config.ts';

test("the user operator's settings default to Strimzi's certificate validity and renewal, and to leaving orphans alone", () => {
  assert.deepEqual(loadConfig({}).users, {
    certificateValidityDays: 365,
    certificateRenewalDays: 30,
    deleteOrphans: false,
    ignoredUsers: undefined,
  });
});

test('orphan deletion is turned on with an ignore pattern', () => {
  const { users } = loadConfig({
    USER_OPERATOR_DELETE_ORPHANS: 'true',
    USER_OPERATOR_IGNORE_USERS: '^admin$',
  });
  assert.equal(users.deleteOrphans, true);
  assert.equal(users.ignoredUsers?.test('admin'), true);
  assert.equal(users.ignoredUsers?.test('alice'), false);
});

test('a bad pattern, a bad switch or a renewal not shorter than the validity stop the operator with the variable named', () => {
  assert.throws(() => loadConfig({ USER_OPERATOR_IGNORE_USERS: '(' }), {
    name: 'ConfigError',
    message: /USER_OPERATOR_IGNORE_USERS="\(" is not a valid regular expression/,
  });
  assert.throws(() => loadConfig({ USER_OPERATOR_DELETE_ORPHANS: 'yes' }), ConfigError);
  assert.throws(
    () => loadConfig({ USER_CERTIFICATE_VALIDITY_DAYS: '30', USER_CERTIFICATE_RENEWAL_DAYS: '30' }),
    /USER_CERTIFICATE_RENEWAL_DAYS must be less than USER_CERTIFICATE_VALIDITY_DAYS/,
  );
});
