import { afterAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childEnv, MAIN, ROOT, runPounce, startPounce, TSX_LOADER, waitFor } from './childProcess.ts';


const FIXTURE = join(ROOT, 'packages/core/test/fixtures/sample_institutional_openapi_config.properties');
const procs: ChildProcess[] = [];
afterAll(() => procs.forEach((p) => p.kill('SIGKILL')));

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe('secrets never reach output or files (full paper session, debug logging)', () => {
  it('scans stdout, stderr and every file the run wrote for keys, secret_key and token', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'pounce-secrets-'));
    const gw = startPounce(['gateway', '--state', join(tmp, 'gw'), '--speed', '100', '--data', `NVDA=${join(ROOT, 'packages/gateway/data/nvda-1999-2014.csv')}`, '--client-config', FIXTURE], procs);
    await waitFor(() => gw.out().includes('ready'), 20_000, 'the gateway to start');
    const gwOut = gw.out();
    const gwCfg = readFileSync(/client config (\S+)/.exec(gwOut)![1]!, 'utf8');
    const pick = (k: string, text: string) => new RegExp(`^${k}=(.*)$`, 'm').exec(text)![1]!;
    const fixture = readFileSync(FIXTURE, 'utf8');
    const secrets = {
      pk1: pick('private_key_pk1', fixture), pk8: pick('private_key_pk8', fixture), secret: pick('secret_key', fixture),
      token: Buffer.from(`${Date.now()},${Date.now() + 30 * 86_400_000},pounce-test-token-material`).toString('base64'),
    };
    const cfg = join(tmp, 'tiger_openapi_config.properties');
    writeFileSync(cfg, [
      'tiger_id=20150001', 'account=20150001000000001', 'license=TBUS', 'env=PROD', `private_key_pk1=${secrets.pk1}`, `private_key_pk8=${secrets.pk8}`,
      `secret_key=${secrets.secret}`, `token=${secrets.token}`,
      `server_url=${pick('server_url', gwCfg)}`, `socket_host_port=${pick('socket_host_port', gwCfg)}`, `server_public_key=${pick('server_public_key', gwCfg)}`,
      `push_ca_file=${join(tmp, 'gw', 'tls-cert.pem')}`,
    ].join('\n'));
    chmodSync(cfg, 0o600);
    const runDir = join(tmp, 'run');
    const r = await runPounce(['strategy', 'sma-cross', '--paper', '--config', cfg, '--duration', '5s', '--log-level', 'debug', '--run-dir', runDir, '--param', 'fast=3', '--param', 'slow=6'], { env: childEnv() });
    const check = await runPounce(['config', 'check', '--config', cfg]);
    gw.proc.kill('SIGTERM');
    expect(r.status).toBe(0);
    const output = r.stdout + r.stderr + check.stdout + check.stderr;
    // The scan is only meaningful if the session logged requests carrying the secret.
    expect(output).toMatch(/DEBUG \[sma-cross\] request \{"method":"place_order"/);
    expect(output).toMatch(/\\"secret_key\\":\\"\[REDACTED\]\\"/);
    expect(Number(/fills\s+(\d+)/.exec(r.stdout.split('summary')[1] ?? '')?.[1])).toBeGreaterThan(0);
    const written = filesUnder(runDir).map((f) => readFileSync(f, 'utf8')).join('\n');
    const haystacks = { output, written };
    for (const [where, text] of Object.entries(haystacks)) {
      for (const [name, value] of Object.entries(secrets)) {
        const compact = value.replace(/\s+/g, '');
        // Any 24-character window of a key or token counts as a leak.
        for (let i = 0; i + 24 <= compact.length; i += 12) expect(text.includes(compact.slice(i, i + 24)), `${name} leaked into ${where}`).toBe(false);
        expect(text.includes(value), `${name} leaked into ${where}`).toBe(false);
      }
      expect(text).not.toMatch(/MII[A-Za-z0-9+/]{40}/);
    }
  }, 90_000);
});
