import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import forge from 'node-forge';
import { loadConfig, signContent, signWithKey } from '@pounce/core';
import { median } from './benchData.ts';
import type { BenchResult } from './types.ts';

const FIXTURE = fileURLToPath(new URL('../packages/core/test/fixtures/sample_openapi_config.properties', import.meta.url));

/** Microseconds per request signature: node:crypto (used) and node-forge (for comparison). */
export function signing(runs = 5, n = 2000): BenchResult[] {
  const cfg = loadConfig({ path: FIXTURE, env: {} });
  const pem = cfg.privateKey.export({ format: 'pem', type: 'pkcs1' }).toString();
  const content = signContent({ tiger_id: '20150001', method: 'place_order', charset: 'UTF-8', sign_type: 'RSA', timestamp: '2026-11-24 10:00:00', version: '2.0', biz_content: '{"account":"20191106192858300","symbol":"NVDA","action":"BUY","order_type":"LMT","total_quantity":100,"limit_price":101.5}' });
  const time = (f: () => void, count: number) => {
    for (let i = 0; i < Math.min(200, count); i++) f(); // warm-up: JIT and OpenSSL contexts
    const xs: number[] = [];
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      for (let i = 0; i < count; i++) f();
      xs.push(((performance.now() - t0) * 1000) / count);
    }
    return median(xs);
  };
  const crypto = time(() => signWithKey(content, cfg.privateKey), n);
  // Key parsed once, as a fair comparison (forgeSign in core parses per call).
  const fkey = forge.pki.privateKeyFromPem(pem);
  const forgeUs = time(() => {
    const md = forge.md.sha1.create();
    md.update(content, 'utf8');
    forge.util.encode64(fkey.sign(md));
  }, Math.max(50, n / 20));
  return [
    { name: 'request signing, node:crypto', value: crypto, unit: 'µs/signature', target: 100, better: 'lower', detail: `median of ${runs} x ${n}; RSA-1024 SHA-1; ${opensslFloor()}` },
    { name: 'request signing, node-forge (reference)', value: forgeUs, unit: 'µs/signature', target: Infinity, better: 'lower', detail: `${(forgeUs / crypto).toFixed(0)}x slower than node:crypto; not used on the request path` },
  ];
}

/** OpenSSL's raw RSA-1024 sign time, measured now (the floor for any RSA-1024 signer on this machine). */
function opensslFloor(): string {
  try {
    const out = execFileSync('openssl', ['speed', '-seconds', '2', 'rsa1024'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const m = /rsa\s+1024 bits?\s+([\d.]+)s/.exec(out);
    if (m) return `openssl speed rsa1024 in this run: ${(Number(m[1]) * 1e6).toFixed(0)} µs per sign (the floor)`;
  } catch {
    /* no openssl: say so below */
  }
  return 'openssl not available here to measure the floor';
}
