// SCRAM credentials as Kafka stores them (RFC 5802): the broker keeps only a salted password,
// so the operator derives it here and sends it with AlterUserScramCredentials (KIP-554).
import { pbkdf2, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { alterUserScramCredentialsV0, type Connection } from '@platformatic/kafka';

const derive = promisify(pbkdf2);

// Kafka's ScramMechanism ids on the wire.
export const scramMechanisms = { 'SCRAM-SHA-256': 1, 'SCRAM-SHA-512': 2 } as const;
export type ScramMechanism = keyof typeof scramMechanisms;

const digests: Record<ScramMechanism, { name: string; bytes: number }> = {
  'SCRAM-SHA-256': { name: 'sha256', bytes: 32 },
  'SCRAM-SHA-512': { name: 'sha512', bytes: 64 },
};

// Kafka's minimum is 4096; this is the default of its own tools.
export const defaultScramIterations = 4096;

export interface ScramUpsertion {
  name: string;
  mechanism: number;
  iterations: number;
  salt: Buffer;
  saltedPassword: Buffer;
}

export async function buildScramUpsertion(
  username: string,
  password: string,
  mechanism: ScramMechanism = 'SCRAM-SHA-512',
  iterations = defaultScramIterations,
): Promise<ScramUpsertion> {
  const digest = digests[mechanism];
  const salt = randomBytes(32);
  const saltedPassword = await derive(password, salt, iterations, digest.bytes, digest.name);
  return { name: username, mechanism: scramMechanisms[mechanism], iterations, salt, saltedPassword };
}

export interface ScramDeletion {
  name: string;
  mechanism: number;
}

export interface ScramAlterationResult {
  user: string;
  errorCode: number;
  errorMessage: string | null | undefined;
}

// Sends one AlterUserScramCredentials request on an open connection. When a user failed, platformatic
// throws with the whole response attached (AdminConnection.request reads each user's outcome from it).
export async function alterScramCredentials(
  connection: Connection,
  deletions: ScramDeletion[],
  upsertions: ScramUpsertion[],
): Promise<ScramAlterationResult[]> {
  const response = await alterUserScramCredentialsV0.api.async(connection, deletions, upsertions);
  return response.results;
}
