import { connect as tlsConnect, type PeerCertificate } from 'node:tls';

/** How the push socket trusts the server (config: push_ca_file, push_cert_sha256, push_tls_insecure). */
export interface PushTlsTrust {
  /** PEM of a CA or self-signed certificate to trust besides the system store. */
  caPem?: string;
  /** SHA-256 fingerprint of the one certificate to accept (pinned), checked instead of CA and name. */
  certSha256?: string;
  /** Accept any certificate (what the Python/Java/TS SDKs do); warned on every connect. */
  insecure?: boolean;
}

/** The names and fingerprint of a server certificate, for an error message or `pounce doctor`. */
export interface CertificateNames {
  subject: string;
  altNames: string[];
  issuer: string;
  validTo: string;
  sha256: string;
}

/** The push server's certificate was refused: the message names host, certificate and the fix. */
export class PushTlsError extends Error {
  override readonly name = 'PushTlsError';
  constructor(message: string, readonly host: string, readonly port: number, readonly reason: string, readonly certificate: CertificateNames | undefined) {
    super(message);
  }
}

/**
 * `AB:CD:...` upper-case with colons, from any of the usual spellings (openssl's `sha256
 * Fingerprint=`, colon-less hex, lower case). Undefined when it is not 32 bytes of hex.
 *
 * @example
 * ```ts
 * normalizeFingerprint('ab'.repeat(32)); // 'AB:AB:...'
 * ```
 */
export function normalizeFingerprint(text: string): string | undefined {
  const hex = text.replace(/^sha256\s*fingerprint\s*=\s*/i, '').replace(/[:\s]/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) return undefined;
  return hex.match(/../g)!.join(':');
}

export function certificateNames(c: PeerCertificate): CertificateNames {
  const name = (x: PeerCertificate['subject'] | undefined) => (x ? Object.entries(x).map(([k, v]) => `${k}=${String(v)}`).join(', ') : '');
  const altNames = (c.subjectaltname ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  return { subject: name(c.subject), altNames, issuer: name(c.issuer), validTo: c.valid_to ?? '', sha256: c.fingerprint256 ?? '' };
}

/**
 * Reads the certificate a TLS server presents without trusting it (no data is sent), to explain a
 * verification failure. Undefined when the server cannot be reached.
 */
export function readServerCertificate(host: string, port: number, timeoutMs = 5000): Promise<CertificateNames | undefined> {
  return new Promise((resolve) => {
    const s = tlsConnect({ host, port, servername: /^[\d.]+$/.test(host) ? undefined : host, rejectUnauthorized: false });
    const done = (v: CertificateNames | undefined) => {
      clearTimeout(timer);
      s.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    s.once('secureConnect', () => {
      const c = s.getPeerCertificate();
      done(c && Object.keys(c).length > 0 ? certificateNames(c) : undefined);
    });
    s.once('error', () => done(undefined));
  });
}

/** True for the errors Node raises when a certificate does not verify (not for a refused connection). */
export function isCertificateError(err: unknown): boolean {
  const code = String((err as { code?: unknown }).code ?? '');
  return /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ALTNAME|SIGNATURE|PUSH_CERT_PIN/.test(code);
}

/** The message for a refused certificate: what was refused, the certificate's names, the fixes. */
export function tlsFailureMessage(host: string, port: number, reason: string, cert: CertificateNames | undefined): string {
  const names = cert
    ? `the server presented subject "${cert.subject}", names [${cert.altNames.join(', ') || 'none'}], issuer "${cert.issuer}", valid to ${cert.validTo}, sha256 ${cert.sha256}`
    : 'its certificate could not be read';
  return `push TLS to ${host}:${port} refused (${reason}); ${names}. Fix: if the host name is wrong, correct socket_host_port; ` +
    'if this certificate is the one you expect, pin it with push_cert_sha256=<its sha256> (or trust its CA with push_ca_file=FILE); ' +
    'push_tls_insecure=true accepts any certificate, as the official SDKs do, and is warned on every connect';
}
