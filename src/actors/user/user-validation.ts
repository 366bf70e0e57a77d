// What a KafkaUser's spec must satisfy before any Kafka call. The CRD's schema refuses most bad
// input at apply; these are the checks it cannot make (a rule on a named resource without a name)
// and a second line for resources stored under an older or foreign schema.
import {
  aclOperations,
  aclPatternTypes,
  aclResourceTypes,
  authenticationTypes,
  type KafkaUser,
  type KafkaUserAclRule,
} from '../../api/kafka-user.ts';
import { quotaKeys } from './user-quotas.ts';

const resourceTypes: readonly string[] = aclResourceTypes;
const patternTypes: readonly string[] = aclPatternTypes;
const operations: readonly string[] = aclOperations;

// OpenSSL's limit on a certificate's common name, which is the user's name for tls users.
export const maximumCommonNameLength = 64;

// The longest string Kafka's requests carry (a 16-bit length): a longer ACL resource name or host
// makes the broker drop the connection, and with it the calls of every user in the same request.
export const maximumKafkaStringBytes = 32_767;

function tooLongForKafka(at: string, value: string | undefined): string[] {
  const bytes = Buffer.byteLength(value ?? '', 'utf8');
  return bytes > maximumKafkaStringBytes
    ? [`${at} is ${bytes} bytes long; Kafka takes at most ${maximumKafkaStringBytes}`]
    : [];
}

function aclProblems(rule: KafkaUserAclRule, index: number): string[] {
  const at = `spec.authorization.acls[${index}]`;
  const problems: string[] = [];
  const type = rule.resource?.type;
  if (!resourceTypes.includes(type)) {
    problems.push(`${at}.resource.type ${JSON.stringify(type)} is not one of ${resourceTypes.join(', ')}`);
  } else if (type !== 'cluster' && !rule.resource.name) {
    problems.push(`${at}.resource.name is required for a ${type} rule`);
  }
  problems.push(...tooLongForKafka(`${at}.resource.name`, rule.resource?.name));
  problems.push(...tooLongForKafka(`${at}.host`, rule.host));
  const pattern = rule.resource?.patternType;
  if (pattern !== undefined && !patternTypes.includes(pattern)) {
    problems.push(
      `${at}.resource.patternType ${JSON.stringify(pattern)} is not one of ${patternTypes.join(', ')}`,
    );
  }
  for (const operation of rule.operations ?? []) {
    if (!operations.includes(operation)) {
      problems.push(
        `${at}.operations: ${JSON.stringify(operation)} is not an ACL operation (${operations.join(', ')})`,
      );
    }
  }
  if (rule.type !== undefined && rule.type !== 'allow' && rule.type !== 'deny') {
    problems.push(`${at}.type ${JSON.stringify(rule.type)} is not allow or deny`);
  }
  return problems;
}

function authenticationProblems(user: KafkaUser): string[] {
  const authentication = user.spec?.authentication;
  if (!authentication) return [];
  if (!(authenticationTypes as readonly string[]).includes(authentication.type)) {
    return [
      `spec.authentication.type ${JSON.stringify(authentication.type)} is not one of ${authenticationTypes.join(', ')}`,
    ];
  }
  const problems: string[] = [];
  const name = user.metadata?.name ?? '';
  if (authentication.type === 'tls' && name.length > maximumCommonNameLength) {
    problems.push(
      `a tls user's name is its certificate's common name, at most ${maximumCommonNameLength} characters; ` +
        `${name} has ${name.length}`,
    );
  }
  const reference = authentication.password?.valueFrom?.secretKeyRef;
  if (
    authentication.type === 'scram-sha-512' &&
    authentication.password &&
    (!reference?.name || !reference.key)
  ) {
    problems.push(
      'spec.authentication.password.valueFrom.secretKeyRef must name both the Secret and its key',
    );
  }
  return problems;
}

function quotaProblems(user: KafkaUser): string[] {
  return quotaKeys.flatMap((key) => {
    const value = user.spec?.quotas?.[key];
    if (value === undefined) return [];
    return typeof value !== 'number' || !Number.isFinite(value) || value < 0
      ? [`spec.quotas.${key} must be a number ≥ 0, not ${JSON.stringify(value)}`]
      : [];
  });
}

// Every problem of the spec, in the order of the spec; empty when the user can be reconciled.
export function validateUser(user: KafkaUser): string[] {
  const acls = user.spec?.authorization?.acls ?? [];
  return [...authenticationProblems(user), ...acls.flatMap(aclProblems), ...quotaProblems(user)];
}
