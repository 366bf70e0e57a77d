// TLS material of a listener as PEM, read by Kafka's DirectoryConfigProvider from the mounted Secrets:
// keys stay in Secrets and never enter the ConfigMap.
import { fileReference } from './config-providers.ts';
import type { Entry } from './properties.ts';

/** The listener's own certificate and key (PEM), presented to peers and used as client certificate. */
export function keystoreEntries(
  listener: string,
  directory: string,
  certificate: string,
  key: string,
): Entry[] {
  return [
    [`listener.name.${listener}.ssl.keystore.certificate.chain`, fileReference(directory, certificate)],
    [`listener.name.${listener}.ssl.keystore.key`, fileReference(directory, key)],
    [`listener.name.${listener}.ssl.keystore.type`, 'PEM'],
  ];
}

/** The CA certificate (PEM) the listener trusts for peers' certificates. */
export function truststoreEntries(listener: string, directory: string, certificate: string): Entry[] {
  return [
    [`listener.name.${listener}.ssl.truststore.certificates`, fileReference(directory, certificate)],
    [`listener.name.${listener}.ssl.truststore.type`, 'PEM'],
  ];
}
