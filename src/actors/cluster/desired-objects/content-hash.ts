// Hashes that say whether what a pod runs with has changed: Strimzi's 8-hex-digit SHA-1 stubs,
// over JSON with sorted keys so that equal objects hash equally however they were built.
import { createHash } from 'node:crypto';

const hashStubLength = 8;

/** The first 8 hex digits of the SHA-1 of a text, as Strimzi's revision and configuration hashes. */
export function hashStub(text: string): string {
  return createHash('sha1').update(text, 'utf8').digest('hex').slice(0, hashStubLength);
}

/** JSON with object keys sorted and undefined members dropped. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, member: unknown) =>
    member !== null && typeof member === 'object' && !Array.isArray(member)
      ? Object.fromEntries(Object.entries(member).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : member,
  );
}

export function objectHash(value: unknown): string {
  return hashStub(canonicalJson(value));
}
