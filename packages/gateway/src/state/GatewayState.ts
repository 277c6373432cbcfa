import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type forgeTypes from 'node-forge';
import { onFirstUse, publicKeyBase64 } from '@pounce/core';

/** The gateway's persistent identity: its reply-signing key, TLS certificate, and a client key. */
export interface GatewayIdentity {
  readonly dir: string;
  readonly signingKey: KeyObject;
  readonly signingPublicKeyBase64: string;
  readonly tlsKeyPem: string;
  readonly tlsCertPem: string;
  readonly certPath: string;
  /** The key pair of the default local client (written into the client config). */
  readonly clientKey: KeyObject;
}

function pemOrCreate(path: string, make: () => string): string {
  if (existsSync(path)) return readFileSync(path, 'utf8');
  const pem = make();
  writeFileSync(path, pem, { mode: 0o600 });
  return pem;
}

const rsaPem = (bits: number) => generateKeyPairSync('rsa', { modulusLength: bits }).privateKey.export({ format: 'pem', type: 'pkcs1' }).toString();

/** node-forge, loaded when a certificate is first made: most commands never start a gateway. */
const nodeForge = onFirstUse<typeof forgeTypes>(import.meta.url, 'node-forge');

/** A self-signed certificate for 127.0.0.1 / localhost, made with node-forge (node:crypto cannot issue certs). */
function selfSignedCert(keyPem: string): string {
  const forge = nodeForge();
  const key = forge.pki.privateKeyFromPem(keyPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = '01' + forge.util.bytesToHex(forge.random.getBytesSync(8));
  cert.validity.notBefore = new Date(Date.now() - 86_400_000);
  cert.validity.notAfter = new Date(Date.now() + 5 * 365 * 86_400_000);
  const attrs = [{ name: 'commonName', value: 'pounce-local-gateway' }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
    { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] },
  ]);
  cert.sign(key, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

/**
 * Loads the gateway's keys and certificate from `dir`, generating what is missing on first start.
 * Private keys are written with mode 600.
 */
export function ensureGatewayIdentity(dir: string): GatewayIdentity {
  mkdirSync(dir, { recursive: true });
  const signingPem = pemOrCreate(join(dir, 'gateway-signing-key.pem'), () => rsaPem(1024));
  const tlsKeyPem = pemOrCreate(join(dir, 'tls-key.pem'), () => rsaPem(2048));
  const certPath = join(dir, 'tls-cert.pem');
  const tlsCertPem = existsSync(certPath) ? readFileSync(certPath, 'utf8') : selfSignedCert(tlsKeyPem);
  if (!existsSync(certPath)) writeFileSync(certPath, tlsCertPem);
  const clientPem = pemOrCreate(join(dir, 'client-key.pem'), () => rsaPem(1024));
  const signingKey = createPrivateKey(signingPem);
  return { dir, signingKey, signingPublicKeyBase64: publicKeyBase64(signingKey), tlsKeyPem, tlsCertPem, certPath, clientKey: createPrivateKey(clientPem) };
}

export interface ClientConfigFields {
  tigerId: string;
  account: string;
  httpPort: number;
  pushPort: number;
}

/**
 * Writes `tiger_openapi_config.properties` for the default local client, pointing at this gateway,
 * so that using core against it is one path. Mode 600: it holds a (local, generated) private key.
 */
export function writeClientConfig(id: GatewayIdentity, f: ClientConfigFields): string {
  const path = join(id.dir, 'tiger_openapi_config.properties');
  const pk1 = id.clientKey.export({ format: 'der', type: 'pkcs1' }).toString('base64');
  const text = [
    '# Written by the Pounce local gateway on each start. Paper trading on loopback only.',
    `tiger_id=${f.tigerId}`,
    `account=${f.account}`,
    'license=TBUS',
    'env=PROD',
    `private_key_pk1=${pk1}`,
    `server_url=http://127.0.0.1:${f.httpPort}/gateway`,
    `socket_host_port=ssl,127.0.0.1,${f.pushPort}`,
    `server_public_key=${id.signingPublicKeyBase64}`,
    'push_ca_file=tls-cert.pem',
    '',
  ].join('\n');
  writeFileSync(path, text, { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}
