// The ACLs a KafkaUser's spec asks for, as Kafka bindings of its principal, and what to change so
// that Kafka holds exactly those: create what is missing, delete what is extra.
import type { KafkaUser } from '../../api/kafka-user.ts';
import type { AclRule } from '../kafka/kafka-admin.ts';

// Kafka's name of the one cluster resource; Strimzi's cluster rules carry no name.
export const clusterResourceName = 'kafka-cluster';

// One binding per operation, with Strimzi's defaults: literal pattern, any host, allow.
export function desiredAcls(user: KafkaUser, principal: string): AclRule[] {
  const rules = user.spec?.authorization?.type === 'simple' ? (user.spec.authorization.acls ?? []) : [];
  const bindings = rules.flatMap((rule) =>
    (rule.operations ?? []).map(
      (operation): AclRule => ({
        principal,
        resourceType: rule.resource.type,
        resourceName: rule.resource.type === 'cluster' ? clusterResourceName : (rule.resource.name ?? ''),
        patternType: rule.resource.type === 'cluster' ? 'literal' : (rule.resource.patternType ?? 'literal'),
        host: rule.host ?? '*',
        operation,
        permission: rule.type ?? 'allow',
      }),
    ),
  );
  return uniqueAcls(bindings);
}

export function aclKey(rule: AclRule): string {
  return [
    rule.principal,
    rule.resourceType,
    rule.patternType,
    rule.resourceName,
    rule.host,
    rule.operation,
    rule.permission,
  ].join('\u0000');
}

function uniqueAcls(rules: AclRule[]): AclRule[] {
  return [...new Map(rules.map((rule) => [aclKey(rule), rule])).values()];
}

export interface AclChanges {
  create: AclRule[];
  remove: AclRule[];
}

export function aclChanges(desired: readonly AclRule[], actual: readonly AclRule[]): AclChanges {
  const actualKeys = new Set(actual.map(aclKey));
  const desiredKeys = new Set(desired.map(aclKey));
  return {
    create: uniqueAcls(desired.filter((rule) => !actualKeys.has(aclKey(rule)))),
    remove: uniqueAcls(actual.filter((rule) => !desiredKeys.has(aclKey(rule)))),
  };
}
