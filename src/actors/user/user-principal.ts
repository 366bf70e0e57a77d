// Who a KafkaUser is in Kafka. The authentication decides the name: SCRAM users log in with the
// resource's name, TLS users are known by their certificate's subject, CN=<name> (as Strimzi).
import type { KafkaUser } from '../../api/kafka-user.ts';

export type AuthenticationType = NonNullable<KafkaUser['spec']['authentication']>['type'];

export function authenticationOf(user: KafkaUser): AuthenticationType | undefined {
  return user.spec?.authentication?.type;
}

export function userNameOf(user: KafkaUser): string {
  return user.metadata?.name ?? '';
}

function isCertificateUser(user: KafkaUser): boolean {
  const type = authenticationOf(user);
  return type === 'tls' || type === 'tls-external';
}

// The name Kafka knows the user by: status.username, the quota entity and the ACL principal's name.
export function usernameOf(user: KafkaUser): string {
  return isCertificateUser(user) ? `CN=${userNameOf(user)}` : userNameOf(user);
}

// The other spelling of the same user: what to clean up after the authentication type changed.
export function otherUsernameOf(user: KafkaUser): string {
  return isCertificateUser(user) ? userNameOf(user) : `CN=${userNameOf(user)}`;
}

export function principalOf(username: string): string {
  return `User:${username}`;
}

export function identityOf(user: KafkaUser): string {
  return `KafkaUser ${user.metadata?.namespace}/${user.metadata?.name}`;
}
