import { randomInt } from 'node:crypto';

const alphanumerics = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

// Alphanumeric as Strimzi's: 12 characters for PKCS#12 stores; callers ask 32 for SCRAM passwords.
// randomInt draws without modulo bias.
export function generatePassword(length = 12): string {
  let password = '';
  for (let i = 0; i < length; i++) password += alphanumerics[randomInt(alphanumerics.length)];
  return password;
}
