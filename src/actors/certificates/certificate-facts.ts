// What the operator needs to know about a certificate, read with node:crypto's X509Certificate.
import { X509Certificate } from 'node:crypto';

export interface CertificateFacts {
  commonName: string;
  dnsNames: string[];
  ipAddresses: string[];
  notBefore: Date;
  notAfter: Date;
  isCertificateAuthority: boolean;
}

const dayMs = 24 * 60 * 60 * 1000;
const pemCertificatePattern = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

// A user's CA may come as a chain in one ca.crt (the CA, its intermediates, the root); the functions
// here read the first certificate of such a bundle, this one splits it.
export function pemCertificates(pem: string): string[] {
  return pem.match(pemCertificatePattern) ?? [];
}

export function readCertificate(pem: string): CertificateFacts {
  const x509 = new X509Certificate(pem);
  const altNames = (x509.subjectAltName ?? '').split(', ').filter((name) => name !== '');
  return {
    commonName: distinguishedNameField(x509.subject, 'CN') ?? '',
    dnsNames: altNames.filter((name) => name.startsWith('DNS:')).map((name) => name.slice('DNS:'.length)),
    ipAddresses: altNames
      .filter((name) => name.startsWith('IP Address:'))
      .map((name) => canonicalIp(name.slice('IP Address:'.length))),
    notBefore: x509.validFromDate,
    notAfter: x509.validToDate,
    isCertificateAuthority: x509.ca,
  };
}

export function isSignedBy(certificatePem: string, caCertificatePem: string): boolean {
  const cert = new X509Certificate(certificatePem);
  const ca = new X509Certificate(caCertificatePem);
  return cert.checkIssued(ca) && cert.verify(ca.publicKey);
}

export function needsRenewal(certificatePem: string, renewalDays: number, now: Date): boolean {
  const { notAfter } = readCertificate(certificatePem);
  return now.getTime() >= notAfter.getTime() - renewalDays * dayMs;
}

function distinguishedNameField(name: string, field: string): string | undefined {
  const prefix = `${field}=`;
  return name
    .split('\n')
    .find((part) => part.startsWith(prefix))
    ?.slice(prefix.length);
}

// node:crypto writes IPv6 addresses in full (0:0:0:0:0:0:0:1); the URL parser gives the short form
// (::1) that callers write, so a comparison of wanted and actual names holds.
function canonicalIp(ip: string): string {
  return ip.includes(':') ? new URL(`http://[${ip}]/`).hostname.slice(1, -1) : ip;
}
