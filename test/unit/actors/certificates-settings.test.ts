// How a Kafka's spec.clusterCa and spec.clientsCa become CA settings.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { caSettingsFrom } from '../../../src/actors/certificates/certificate-authority.ts';

test('Strimzi defaults: generated, 365 days valid, renewed 30 days before expiry', () => {
  assert.deepEqual(caSettingsFrom(undefined), {
    generateCertificateAuthority: true,
    validityDays: 365,
    renewalDays: 30,
  });
  assert.deepEqual(caSettingsFrom({ generateCertificateAuthority: false, validityDays: 10 }), {
    generateCertificateAuthority: false,
    validityDays: 10,
    renewalDays: 30,
  });
});
