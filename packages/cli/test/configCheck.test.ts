import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPounce } from './childProcess.ts';


const FIXTURE = fileURLToPath(new URL('../../core/test/fixtures/sample_institutional_openapi_config.properties', import.meta.url));

describe('pounce config check (real process)', () => {
  it('prints the fields and key format, never key material or secret_key', async () => {
    const r = await runPounce(['config', 'check', '--config', FIXTURE], { env: { ...process.env, TIGEROPEN_ACCOUNT: '' } });
    expect(r.status, r.stderr).toBe(0);
    const out = r.stdout;
    expect(out).toMatch(/tiger_id\s+20150001/);
    expect(out).toMatch(/account\s+12345678 \(prime\)/);
    expect(out).toMatch(/license\s+TBHK/);
    expect(out).toMatch(/env\s+PROD/);
    expect(out).toMatch(/private_key_pk1: RSA 1024-bit, PKCS#1, bare base64/);
    expect(out).toMatch(/secret_key\s+present/);
    const file = readFileSync(FIXTURE, 'utf8');
    const key = /private_key_pk1=(.*)/.exec(file)![1]!;
    for (let i = 0; i + 32 <= key.length; i += 32) expect(out).not.toContain(key.slice(i, i + 32));
    expect(out).not.toContain('fcfca571-71db-35c1-9352-9a557cc8258d');
  });

  it('exits non-zero with the field named on a bad file', async () => {
    const r = await runPounce(['config', 'check', '--config', '/nonexistent.properties']);
    expect(r.status).toBe(2);
    expect(r.stdout).toMatch(/config error: config path: .* does not exist/);
  });

  it('with no config anywhere, says "no config found" and lists where it looked', async () => {
    // Before: `config error: tiger_id: is missing. Add tiger_id=...`, as if a file had been read.
    const home = mkdtempSync(join(tmpdir(), 'pounce-home-'));
    try {
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TIGEROPEN_')));
      const r = await runPounce(['config', 'check'], { cwd: home, env: { ...env, HOME: home } });
      expect(r.status).toBe(2);
      expect(r.stdout).toContain(`config error: config: no config found; looked in: --config (not given), TIGEROPEN_PROPS_PATH (not set), ${join(home, 'tiger_openapi_config.properties')}, ${join(home, '.tigeropen', 'tiger_openapi_config.properties')}`);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
