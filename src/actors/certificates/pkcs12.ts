// PKCS#12 stores as Strimzi's Secrets carry them: user.p12 (a key, its certificate and CA chain) and
// ca.p12 (CA certificates only, a truststore). Assembled here rather than with forge's toPkcs12Asn1
// because Java only treats a certificate as trusted when its bag carries Oracle's trusted-key-usage
// attribute, and because the key and MAC should use AES-256 and SHA-256 rather than SHA-1.
import { createHash, createHmac, createPrivateKey, randomBytes, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { pemCertificates, readCertificate } from './certificate-facts.ts';

const { asn1 } = forge;
type Asn1 = forge.asn1.Asn1;

const oids = {
  data: '1.2.840.113549.1.7.1',
  certBag: '1.2.840.113549.1.12.10.1.3',
  pkcs8ShroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
  sha256: '2.16.840.1.101.3.4.2.1',
  // The attribute Java's PKCS12KeyStore reads to load a bag as a TrustedCertificateEntry.
  javaTrustedKeyUsage: '2.16.840.1.113894.746875.1.1',
  anyExtendedKeyUsage: '2.5.29.37.0',
};

// As Strimzi's keystores (PBEWithHmacSHA256AndAES, 2048 rounds) and OpenSSL 3's default.
const iterations = 2048;

export interface Pkcs12Entry {
  certificatePem?: string;
  privateKeyPem?: string;
  caCertificatePems: string[];
}

export function buildPkcs12(entry: Pkcs12Entry, password: string): Buffer {
  const { certificatePem, privateKeyPem } = entry;
  if (!certificatePem !== !privateKeyPem) {
    throw new Error('a PKCS#12 keystore needs both the certificate and its private key');
  }
  const caCertificates = entry.caCertificatePems.flatMap(pemCertificates);
  const safeContents: Asn1[] = [];
  if (certificatePem && privateKeyPem) {
    const alias = readCertificate(certificatePem).commonName || 'certificate';
    const localKeyId = createHash('sha1').update(derOf(certificatePem)).digest().toString('binary');
    const keyAttributes = [friendlyName(alias), attribute(oids.localKeyId, octets(localKeyId))];
    safeContents.push(
      sequence([
        certificateBag(certificatePem, keyAttributes),
        ...caCertificates.map((pem) => certificateBag(pem, [])),
      ]),
      sequence([shroudedKeyBag(privateKeyPem, password, keyAttributes)]),
    );
  } else {
    const trusted = attribute(oids.javaTrustedKeyUsage, oid(oids.anyExtendedKeyUsage));
    safeContents.push(
      sequence(
        caCertificates.map((pem, i) =>
          certificateBag(pem, [friendlyName(i === 0 ? 'ca.crt' : `ca-${i}.crt`), trusted]),
        ),
      ),
    );
  }
  const authenticatedSafe = toDer(sequence(safeContents.map((contents) => dataContentInfo(toDer(contents)))));
  const pfx = sequence([
    integer(3),
    dataContentInfo(authenticatedSafe),
    macData(authenticatedSafe, password),
  ]);
  return Buffer.from(toDer(pfx), 'binary');
}

function certificateBag(pem: string, attributes: Asn1[]): Asn1 {
  const bag = sequence([oid(oids.x509Certificate), explicit(octets(derOf(pem).toString('binary')))]);
  return safeBag(oids.certBag, bag, attributes);
}

// OpenSSL (through node:crypto) encrypts the key natively: PBES2 with PBKDF2-HMAC-SHA256 (2048
// rounds) and AES-256-CBC; forge's JavaScript PBKDF2 took ~50 ms a key.
function shroudedKeyBag(privateKeyPem: string, password: string, attributes: Asn1[]): Asn1 {
  const encrypted = createPrivateKey(privateKeyPem).export({
    type: 'pkcs8',
    format: 'der',
    cipher: 'aes-256-cbc',
    passphrase: password,
  });
  return safeBag(oids.pkcs8ShroudedKeyBag, asn1.fromDer(encrypted.toString('binary')), attributes);
}

function safeBag(bagId: string, value: Asn1, attributes: Asn1[]): Asn1 {
  return sequence([oid(bagId), explicit(value), ...(attributes.length > 0 ? [set(attributes)] : [])]);
}

// RFC 7292 appendix B: the MAC key comes from the password through the PKCS#12 KDF (id 3).
function macData(authenticatedSafe: string, password: string): Asn1 {
  const salt = randomBytes(16).toString('binary');
  const key = forge.pkcs12.generateKey(
    password,
    forge.util.createBuffer(salt),
    3,
    iterations,
    32,
    forge.md.sha256.create(),
  );
  const mac = createHmac('sha256', Buffer.from(key.getBytes(), 'binary'))
    .update(Buffer.from(authenticatedSafe, 'binary'))
    .digest();
  return sequence([
    sequence([
      sequence([oid(oids.sha256), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, '')]),
      octets(mac.toString('binary')),
    ]),
    octets(salt),
    integer(iterations),
  ]);
}

function dataContentInfo(content: string): Asn1 {
  return sequence([oid(oids.data), explicit(octets(content))]);
}

// forge writes a BMPSTRING's characters as UTF-16 itself.
function friendlyName(name: string): Asn1 {
  return attribute(oids.friendlyName, asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BMPSTRING, false, name));
}

function attribute(type: string, value: Asn1): Asn1 {
  return sequence([oid(type), set([value])]);
}

function derOf(pem: string): Buffer {
  return new X509Certificate(pem).raw;
}

const sequence = (items: Asn1[]) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, items);
const set = (items: Asn1[]) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, items);
const explicit = (inner: Asn1) => asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [inner]);
const oid = (dotted: string) =>
  asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(dotted).getBytes());
const octets = (bytes: string) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, bytes);
const integer = (n: number) =>
  asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(n).getBytes());
const toDer = (node: Asn1) => asn1.toDer(node).getBytes();
