// The ACL snapshot of the user operator: every binding KafkaUser can express, by principal, as a
// describe-all returns it and as this admin's own writes change it.
import type { Acl } from '@platformatic/kafka';
import { describeAclRule, fromKafkaAcl, toKafkaAcl } from './acl-bindings.ts';
import type { AclRule } from './kafka-admin.ts';

export type AclsByPrincipal = Map<string, AclRule[]>;

export function aclsByPrincipal(acls: Acl[]): AclsByPrincipal {
  const byPrincipal: AclsByPrincipal = new Map();
  for (const rule of acls.flatMap((acl) => fromKafkaAcl(acl) ?? [])) {
    const rules = byPrincipal.get(rule.principal);
    if (rules) rules.push(rule);
    else byPrincipal.set(rule.principal, [rule]);
  }
  return byPrincipal;
}

// Rules as Kafka stores and describes them (host '*' when none, cluster ACLs on 'kafka-cluster').
function asStored(rules: AclRule[]): AclRule[] {
  return rules.flatMap((rule) => fromKafkaAcl(toKafkaAcl(rule)) ?? []);
}

// Each principal's list is replaced, never changed, so a list a reader holds stays as it was given.
export function addAcls(snapshot: AclsByPrincipal, rules: AclRule[]): void {
  for (const rule of asStored(rules)) {
    const known = snapshot.get(rule.principal) ?? [];
    const key = describeAclRule(rule);
    if (!known.some((other) => describeAclRule(other) === key))
      snapshot.set(rule.principal, [...known, rule]);
  }
}

export function removeAcls(snapshot: AclsByPrincipal, rules: AclRule[]): void {
  for (const rule of asStored(rules)) {
    const key = describeAclRule(rule);
    const kept = (snapshot.get(rule.principal) ?? []).filter((other) => describeAclRule(other) !== key);
    if (kept.length > 0) snapshot.set(rule.principal, kept);
    else snapshot.delete(rule.principal);
  }
}
