import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';

export interface LocalCloudTls {
  /** PEM of the local cloud's own certificate authority: the only thing the app must trust. */
  caCertPem: string;
  caCertPath: string;
  /** Server certificate for 127.0.0.1 and localhost, signed by the CA, with its key. */
  serverCertPem: string;
  serverKeyPem: string;
  serverCertPath: string;
  serverKeyPath: string;
}

/**
 * Loads the CA and server certificate from `<dataDir>/tls`, creating them at first start.
 * Keys come from Node's crypto (fast, secure random); node-forge only writes the X.509 structures.
 */
export function ensureCertificates(dataDir: string): LocalCloudTls {
  const dir = join(dataDir, 'tls');
  const paths = {
    caCertPath: join(dir, 'ca.pem'),
    caKeyPath: join(dir, 'ca-key.pem'),
    serverCertPath: join(dir, 'server.pem'),
    serverKeyPath: join(dir, 'server-key.pem'),
  };
  if (!Object.values(paths).every((p) => existsSync(p))) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const ca = createCertificateAuthority();
    const server = createServerCertificate(ca);
    writeAtomic(paths.caKeyPath, ca.keyPem, 0o600);
    writeAtomic(paths.serverKeyPath, server.keyPem, 0o600);
    writeAtomic(paths.serverCertPath, server.certPem, 0o644);
    writeAtomic(paths.caCertPath, ca.certPem, 0o644); // written last: its presence means the set is complete
  }
  return {
    caCertPem: readFileSync(paths.caCertPath, 'utf8'),
    caCertPath: paths.caCertPath,
    serverCertPem: readFileSync(paths.serverCertPath, 'utf8'),
    serverKeyPem: readFileSync(paths.serverKeyPath, 'utf8'),
    serverCertPath: paths.serverCertPath,
    serverKeyPath: paths.serverKeyPath,
  };
}

interface Issued {
  certPem: string;
  keyPem: string;
}

function newKeys(): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey; keyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return {
    privateKey: forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey,
    publicKey: forge.pki.publicKeyFromPem(publicKey) as forge.pki.rsa.PublicKey,
    keyPem: privateKey,
  };
}

function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f; // positive
  return bytes.toString('hex');
}

function validity(cert: forge.pki.Certificate, years: number): void {
  const now = new Date();
  cert.validity.notBefore = new Date(now.getTime() - 60 * 60 * 1000);
  cert.validity.notAfter = new Date(now.getTime() + years * 365 * 24 * 60 * 60 * 1000);
}

function createCertificateAuthority(): Issued & { cert: forge.pki.Certificate; privateKey: forge.pki.rsa.PrivateKey } {
  const keys = newKeys();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serialNumber();
  validity(cert, 10);
  const subject = [
    { name: 'commonName', value: `Seedship Local Cloud CA ${randomBytes(4).toString('hex')}` },
    { name: 'organizationName', value: 'Seedship local cloud (rehearsal only)' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true, pathLenConstraint: 0 },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { cert, privateKey: keys.privateKey, certPem: forge.pki.certificateToPem(cert), keyPem: keys.keyPem };
}

function createServerCertificate(ca: { cert: forge.pki.Certificate; privateKey: forge.pki.rsa.PrivateKey }): Issued {
  const keys = newKeys();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serialNumber();
  validity(cert, 2);
  cert.setSubject([{ name: 'commonName', value: '127.0.0.1' }]);
  cert.setIssuer(ca.cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.cert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(ca.privateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.keyPem };
}

function writeAtomic(path: string, text: string, mode: number): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, text, { mode });
  renameSync(temp, path);
}
