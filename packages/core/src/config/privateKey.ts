import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type forge from 'node-forge';
import { nodeForge } from '../signing/nodeForge.ts';
import { ConfigError } from './ConfigError.ts';

export type KeyEncoding = 'PKCS#1' | 'PKCS#8';

export interface ParsedPrivateKey {
  readonly key: KeyObject;
  readonly encoding: KeyEncoding;
  /** `pem` when the text carried armor, `base64` for a bare one-line DER body. */
  readonly armor: 'pem' | 'base64';
  readonly bits: number;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Strips PEM armor and whitespace; returns the base64 body and whether armor was present. */
function stripArmor(text: string): { body: string; armor: 'pem' | 'base64' } {
  const hasArmor = /-----BEGIN [A-Z ]+-----/.test(text);
  const body = text
    .replace(/-----(BEGIN|END) [A-Z ]+-----/g, '')
    .replace(/\\n/g, '')
    .replace(/\s+/g, '');
  return { body, armor: hasArmor ? 'pem' : 'base64' };
}

/**
 * Reads the ASN.1 structure with node-forge to tell PKCS#1 from PKCS#8 (and from a public key
 * pasted by mistake) before handing DER to node:crypto, which then does the signing.
 */
function detectEncoding(der: Buffer, field: string): KeyEncoding {
  const forge = nodeForge();
  let root: forge.asn1.Asn1;
  try {
    root = forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary')), true);
  } catch {
    throw new ConfigError(field, 'is not a readable RSA key (the DER structure is broken or truncated)',
      'Copy the key again from the developer portal as one line, without line breaks or extra characters');
  }
  const parts = Array.isArray(root.value) ? root.value : [];
  const first = parts[0];
  const second = parts[1];
  if (parts.length === 2 && second && second.type === forge.asn1.Type.BITSTRING) {
    throw new ConfigError(field, 'holds a public key, not a private key',
      'Put the private key from the developer portal here; the public key stays registered with the broker');
  }
  if (first?.type === forge.asn1.Type.INTEGER && second?.type === forge.asn1.Type.SEQUENCE) return 'PKCS#8';
  if (first?.type === forge.asn1.Type.INTEGER && second?.type === forge.asn1.Type.INTEGER && parts.length >= 9) return 'PKCS#1';
  throw new ConfigError(field, 'is not an RSA private key in PKCS#1 or PKCS#8 form',
    'Export the key again from the developer portal (private_key_pk1 or private_key_pk8)');
}

/**
 * Parses an RSA private key given as PEM or bare base64 DER, PKCS#1 or PKCS#8, whatever slot it
 * came from. Errors name `field`; they never echo the key.
 *
 * @example
 * ```ts
 * const k = parsePrivateKey(props.get('private_key_pk1')!, 'private_key_pk1');
 * k.encoding; // 'PKCS#1'
 * ```
 */
export function parsePrivateKey(text: string, field: string): ParsedPrivateKey {
  const { body, armor } = stripArmor(text);
  if (body === '') throw new ConfigError(field, 'is empty', 'Paste the private key from the developer portal');
  if (!BASE64.test(body) || body.length % 4 !== 0) {
    throw new ConfigError(field, 'is not valid base64 (found characters or a length base64 cannot have)',
      'Copy the key again as one line, without quotes, spaces or line breaks');
  }
  const der = Buffer.from(body, 'base64');
  const encoding = detectEncoding(der, field);
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: der, format: 'der', type: encoding === 'PKCS#1' ? 'pkcs1' : 'pkcs8' });
  } catch {
    throw new ConfigError(field, `looks like ${encoding} but could not be loaded as an RSA key`,
      'Export the key again from the developer portal');
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new ConfigError(field, `holds a ${key.asymmetricKeyType ?? 'non-RSA'} key, not RSA`, 'The OpenAPI signs with RSA keys only');
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  return { key, encoding, armor, bits };
}

/**
 * Parses an RSA public key (X.509 SubjectPublicKeyInfo) given as PEM or bare base64 DER.
 *
 * @example
 * ```ts
 * const pub = parsePublicKey(PROD_SERVER_PUBLIC_KEY, 'server_public_key');
 * ```
 */
export function parsePublicKey(text: string, field: string): KeyObject {
  const { body } = stripArmor(text);
  if (!BASE64.test(body) || body.length % 4 !== 0) {
    throw new ConfigError(field, 'is not valid base64', 'Give the public key as PEM or a one-line base64 DER body');
  }
  try {
    return createPublicKey({ key: Buffer.from(body, 'base64'), format: 'der', type: 'spki' });
  } catch {
    throw new ConfigError(field, 'is not an RSA public key in X.509 (SubjectPublicKeyInfo) form',
      'Give the public key as PEM or a one-line base64 DER body');
  }
}

/** The public half of a private key, as bare base64 SPKI DER (the form the gateway registers). */
export function publicKeyBase64(key: KeyObject): string {
  return createPublicKey(key).export({ format: 'der', type: 'spki' }).toString('base64');
}
