// Certificates for the cluster and clients CAs and what they sign: keys and signatures by node:crypto
// (native, off the event loop), the X.509 structure by node-forge (Node has no certificate builder).
import {
  constants,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  type KeyObject,
  privateEncrypt,
  randomBytes,
  X509Certificate,
} from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';

export {
  type CertificateFacts,
  isSignedBy,
  needsRenewal,
  pemCertificates,
  readCertificate,
} from './certificate-facts.ts';
export { generatePassword } from './passwords.ts';
export { buildPkcs12 } from './pkcs12.ts';

export interface KeyAndCertificate {
  certificatePem: string;
  privateKeyPem: string;
}

export interface CertificateRequest {
  commonName: string;
  organization?: string;
  dnsNames?: string[];
  ipAddresses?: string[];
  validityDays: number;
}

// RSA 2048: what Kafka's Java TLS and every client handle, and fast enough to issue one per node and user.
const rsaKeyBits = 2048;
const dayMs = 24 * 60 * 60 * 1000;
// Certificates start a little in the past so that a peer whose clock lags still accepts them.
const clockSkewMs = 5 * 60 * 1000;
// RFC 8017 §9.2 note 1: the DER prefix of a SHA-256 DigestInfo, which PKCS#1 v1.5 signs.
const sha256DigestInfoPrefix = Buffer.from('3031300d060960864801650304020105000420', 'hex');

const generateRsaKeyPair = promisify(generateKeyPair);

export async function generateCertificateAuthority(req: CertificateRequest): Promise<KeyAndCertificate> {
  const { privateKey, publicKey } = await generateRsaKeyPair('rsa', { modulusLength: rsaKeyBits });
  return selfSigned(privateKey, publicKey, req);
}

// A new certificate for the CA's existing key: what it signed before still verifies against it.
export async function renewCertificateAuthority(
  privateKeyPem: string,
  req: CertificateRequest,
): Promise<KeyAndCertificate> {
  const privateKey = createPrivateKey(privateKeyPem);
  return selfSigned(privateKey, createPublicKey(privateKey), req);
}

function selfSigned(privateKey: KeyObject, publicKey: KeyObject, req: CertificateRequest): KeyAndCertificate {
  const cert = newCertificate(publicKey, req);
  cert.setIssuer(cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', critical: true, cA: true },
    { name: 'keyUsage', critical: true, keyCertSign: true, cRLSign: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  return { certificatePem: sign(cert, privateKey), privateKeyPem: exportPrivateKey(privateKey) };
}

export async function issueCertificate(
  ca: KeyAndCertificate,
  req: CertificateRequest,
): Promise<KeyAndCertificate> {
  const caCert = forge.pki.certificateFromPem(ca.certificatePem);
  const caKey = createPrivateKey(ca.privateKeyPem);
  const { privateKey, publicKey } = await generateRsaKeyPair('rsa', { modulusLength: rsaKeyBits });
  const cert = newCertificate(publicKey, req);
  cert.setIssuer(caCert.subject.attributes);
  const altNames = [
    ...(req.dnsNames ?? []).map((value) => ({ type: 2, value })),
    ...(req.ipAddresses ?? []).map((ip) => ({ type: 7, ip })),
  ];
  cert.setExtensions([
    { name: 'basicConstraints', critical: true, cA: false },
    { name: 'keyUsage', critical: true, digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
    ...(altNames.length > 0 ? [{ name: 'subjectAltName', altNames }] : []),
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: keyIdentifierOf(caCert) },
  ]);
  return { certificatePem: sign(cert, caKey), privateKeyPem: exportPrivateKey(privateKey) };
}

function newCertificate(publicKey: KeyObject, req: CertificateRequest): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = serialNumber();
  const now = Date.now();
  cert.validity.notBefore = new Date(now - clockSkewMs);
  cert.validity.notAfter = new Date(now + req.validityDays * dayMs);
  cert.setSubject([
    ...(req.organization ? [{ shortName: 'O', value: req.organization }] : []),
    { shortName: 'CN', value: req.commonName },
  ]);
  return cert;
}

// A positive 128-bit serial (RFC 5280 allows up to 20 octets; the top bit clear keeps it positive).
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}

// The CA's own key identifier when it states one (a user's CA may compute it differently).
function keyIdentifierOf(caCert: forge.pki.Certificate): string {
  const stated = caCert.getExtension('subjectKeyIdentifier') as { subjectKeyIdentifier?: string } | undefined;
  return stated?.subjectKeyIdentifier
    ? forge.util.hexToBytes(stated.subjectKeyIdentifier)
    : caCert.generateSubjectKeyIdentifier().getBytes();
}

// forge builds the to-be-signed bytes and digests them; node:crypto signs natively (forge's
// JavaScript RSA takes ~40 ms per signature, the native one well under a millisecond).
function sign(cert: forge.pki.Certificate, signerKey: KeyObject): string {
  if (signerKey.asymmetricKeyType !== 'rsa') {
    throw new Error(`the CA key is ${signerKey.asymmetricKeyType}; only RSA CA keys can sign certificates`);
  }
  const nativeSigner = {
    sign: (md: forge.md.MessageDigest) =>
      privateEncrypt(
        { key: signerKey, padding: constants.RSA_PKCS1_PADDING },
        Buffer.concat([sha256DigestInfoPrefix, Buffer.from(md.digest().getBytes(), 'binary')]),
      ).toString('binary'),
  };
  cert.sign(nativeSigner as unknown as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary');
  try {
    return new X509Certificate(der).toString();
  } catch (error) {
    // node:crypto names no certificate in its parse errors.
    const subject = cert.subject.attributes.map((field) => `${field.shortName}=${field.value}`).join(',');
    throw new Error(
      `the certificate signed for ${subject} does not parse: ${(error as Error).message} (${der.length} bytes of DER)`,
      { cause: error },
    );
  }
}

function exportPrivateKey(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}
