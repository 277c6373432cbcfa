import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Gateway } from '@pounce/gateway';
import { doctorTable, runDoctor, type DoctorCheck } from '../src/commands/doctor.ts';
import { startTestGateway } from '../../gateway/test/testGateway.ts';

// `pounce doctor` against the test gateway and its fault modes: every check OK on a healthy
// gateway, and the right FAIL/WARN with its fix in each mode. Never an order.
let gw: Gateway;
let tmp: string;
beforeEach(async () => {
  gw = await startTestGateway();
  gw.advance(40);
  tmp = mkdtempSync(join(tmpdir(), 'pounce-doctor-'));
});
afterEach(async () => {
  await gw.stop();
  rmSync(tmp, { recursive: true, force: true });
});

/** The gateway's client config, rewritten: `drop` keys removed, `add` appended. */
function config(drop: string[] = [], add: Record<string, string> = {}): string {
  const lines = readFileSync(gw.clientConfigPath, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('push_ca_file=') && !drop.some((k) => l.startsWith(`${k}=`)));
  if (!drop.includes('push_ca_file')) lines.push(`push_ca_file=${join(dirname(gw.clientConfigPath), 'tls-cert.pem')}`);
  for (const [k, v] of Object.entries(add)) lines.push(`${k}=${v}`);
  const path = join(tmp, 'tiger_openapi_config.properties');
  writeFileSync(path, lines.join('\n') + '\n', { mode: 0o600 });
  return path;
}
const doctor = (path: string, extra: Partial<Parameters<typeof runDoctor>[0]> = {}) =>
  runDoctor({ config: path, symbol: 'AAA', pushSeconds: 0.3, runsDir: join(tmp, 'runs'), routeCacheDir: tmp, env: {}, ...extra });
const named = (checks: DoctorCheck[], name: string) => checks.filter((c) => c.name === name);

function noOrders(): void {
  expect(gw.requests.filter((r) => /order/.test(r.method) && r.method !== 'orders')).toEqual([]);
  expect(gw.engine.ordersOf(gw.account)).toHaveLength(0);
}

describe('pounce doctor', () => {
  it('passes on a healthy gateway: no FAIL, every area checked, nothing secret printed, no order', async () => {
    const checks = await doctor(config());
    expect(checks.filter((c) => c.status === 'FAIL')).toEqual([]);
    for (const n of ['config', 'license and routing', 'DNS (HTTP)', 'DNS (push)', 'TLS (HTTP)', 'TLS (push)', 'signed call', 'clock skew', 'license (server)', 'account', 'assets', 'quote permission', 'quote', 'kline', 'rate limits', 'push']) {
      expect(named(checks, n).length, n).toBeGreaterThan(0);
    }
    expect(named(checks, 'push')[0]!.detail).toMatch(/connected to 127\.0\.0\.1/);
    const text = doctorTable(checks).join('\n');
    const pk = /private_key_pk1=(.*)/.exec(readFileSync(gw.clientConfigPath, 'utf8'))![1]!;
    expect(text).not.toContain(pk.slice(0, 40));
    noOrders();
  });

  it('quote permission held by another device: reported with the fix, never taken without --grab; --grab takes it', async () => {
    const path = config([], { device_id: 'aa:bb:cc:dd:ee:02' });
    gw.permissions.giveTo(gw.tigerId, 'tiger-app');
    const checks = await doctor(path);
    expect(named(checks, 'quote permission')[0]).toMatchObject({ status: 'WARN', fix: expect.stringMatching(/--grab/) });
    expect(named(checks, 'quote')[0]).toMatchObject({ status: 'FAIL', fix: expect.stringMatching(/pounce doctor --grab/) });
    expect(gw.permissions.holder(gw.tigerId)).toBe('tiger-app');
    const grabbed = await doctor(path, { grab: true });
    expect(named(grabbed, 'quote permission')[0]!.status).toBe('OK');
    expect(named(grabbed, 'quote')[0]!.status).toBe('OK');
    expect(gw.permissions.holder(gw.tigerId)).toBe('aa:bb:cc:dd:ee:02');
    noOrders();
  });

  it('an expired TBHK token: FAIL naming the new token file', async () => {
    const path = config();
    writeFileSync(join(tmp, 'tiger_openapi_token.properties'), `token=${gw.tokens.issue(Date.now() - 40 * 86_400_000, Date.now() - 1000)}\n`);
    gw.tokens.required = true;
    const checks = await doctor(path);
    expect(named(checks, 'TBHK token')[0]).toMatchObject({ status: 'FAIL', fix: expect.stringMatching(/new tiger_openapi_token.properties/) });
    expect(named(checks, 'signed call')[0]).toMatchObject({ status: 'FAIL' });
  });

  it('push certificate not trusted: FAIL with its names and the pin to set', async () => {
    const checks = await doctor(config(['push_ca_file']));
    const tls = named(checks, 'TLS (push)')[0]!;
    expect(tls.status).toBe('FAIL');
    expect(tls.detail).toMatch(/names \[.*127\.0\.0\.1.*\], sha256 [0-9A-F:]{95}/);
    expect(tls.fix).toMatch(/push_cert_sha256=[0-9A-F:]{95}/);
    expect(named(checks, 'push')[0]!.status).toBe('FAIL');
  });

  it('an account of another tiger_id: FAIL on the account check with the fix', async () => {
    const checks = await doctor(config(['account'], { account: '99999999' }));
    expect(named(checks, 'account')[0]).toMatchObject({ status: 'FAIL', fix: expect.stringMatching(/account of this tiger_id/) });
    expect(named(checks, 'account')[0]!.detail).toMatch(/does not belong to tiger_id/);
  });

  it('a live Pounce run: the push check is skipped, naming the run', async () => {
    mkdirSync(join(tmp, 'runs', 'r1'), { recursive: true });
    writeFileSync(join(tmp, 'runs', 'r1', 'LOCK'), String(process.ppid));
    const checks = await doctor(config());
    expect(named(checks, 'push')[0]).toMatchObject({ status: 'WARN' });
    expect(named(checks, 'push')[0]!.detail).toMatch(/a Pounce run is live .*r1/);
    expect(gw.pushConnections).toBe(0);
  });

  it('a live Pounce node or run on the tiger_id (its lock under ~/.pounce/locks): the push check is skipped, naming it', async () => {
    const lockDir = join(tmp, 'locks');
    const previous = process.env.POUNCE_LOCK_DIR;
    process.env.POUNCE_LOCK_DIR = lockDir;
    try {
      const path = config();
      const tigerId = /^tiger_id=(.*)$/m.exec(readFileSync(path, 'utf8'))![1]!.trim();
      mkdirSync(lockDir, { recursive: true });
      writeFileSync(join(lockDir, `tiger-${tigerId}.lock`), JSON.stringify({ pid: process.ppid, runDir: '/somewhere/nodes/n1', command: 'node' }));
      const checks = await doctor(path);
      expect(named(checks, 'push')[0]).toMatchObject({ status: 'WARN' });
      expect(named(checks, 'push')[0]!.detail).toMatch(/process \d+ \(node, \/somewhere\/nodes\/n1\)/);
      expect(gw.pushConnections).toBe(0);
    } finally {
      if (previous === undefined) delete process.env.POUNCE_LOCK_DIR;
      else process.env.POUNCE_LOCK_DIR = previous;
    }
  });
});
