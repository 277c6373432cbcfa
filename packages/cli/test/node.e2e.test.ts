import { afterAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Fill } from '@pounce/core';
import { DEFAULT_DATA } from '@pounce/gateway';
import { TigerIdLock } from '@pounce/runtime';
import { startPounce, waitFor } from './childProcess.ts';

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterAll(() => {
  children.forEach((c) => c.kill('SIGKILL'));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'pounce-node-e2e-'));
  dirs.push(d);
  return d;
};

/** `lines` daily bars of a shipped file from `from` (a date), as a CSV of its own. */
function slice(src: string, from: string, lines: number, to: string): string {
  const [header, ...rows] = readFileSync(src, 'utf8').trim().split('\n');
  const start = rows.findIndex((r) => r.startsWith(from));
  writeFileSync(to, [header, ...rows.slice(start, start + lines)].join('\n') + '\n');
  return to;
}

function nodeConfig(dir: string, extra: Record<string, unknown> = {}): string {
  const nvda = slice(DEFAULT_DATA.NVDA!, '1999-01-22', 400, join(dir, 'nvda.csv'));
  const orcl = slice(DEFAULT_DATA.ORCL!, '1999-01-22', 400, join(dir, 'orcl.csv'));
  const path = join(dir, 'pounce.config.json');
  writeFileSync(path, JSON.stringify({
    venue: { mode: 'paper', embedded: true, data: [`NVDA=${nvda}`, `ORCL=${orcl}`, `ORCX=${orcl}`] },
    account: { maxOrdersPerMinute: 1000 },
    strategies: [
      { tag: 'fast', strategy: 'sma-cross', params: { fast: 3, slow: 8 }, symbols: ['NVDA'] },
      { tag: 'slow', strategy: 'sma-cross', params: { fast: 5, slow: 12 }, symbols: ['ORCL'] },
      { tag: 'boll', strategy: 'bollinger-reversion', params: { period: 10 }, symbols: ['ORCX'] },
    ],
    ...extra,
  }));
  return path;
}

type Entry = { e: string; fill?: Fill; text?: string };
const journal = (nodeDir: string, tag: string): Entry[] => {
  const p = join(nodeDir, 'strategies', tag, 'journal.jsonl');
  return existsSync(p) ? readFileSync(p, 'utf8').split('\n').filter(Boolean).flatMap((l) => { try { return [JSON.parse(l) as Entry]; } catch { return []; } }) : [];
};

describe('pounce node (real processes)', () => {
  it.skipIf(process.platform !== 'linux')('kill -9 mid-run, then --resume: every strategy reconciles, no fill lost or counted twice, each keeps only its own', async () => {
    const dir = tmp();
    const nodeDir = join(dir, 'node');
    const first = startPounce(['node', '--config', nodeConfig(dir), '--run-dir', nodeDir, '--speed', '40'], children, dir);
    await waitFor(() => ['fast', 'slow', 'boll'].every((t) => journal(nodeDir, t).some((e) => e.e === 'fill')), 90_000, 'a fill in every strategy');
    first.proc.kill('SIGKILL');
    await first.exited;
    expect(first.out()).not.toContain('replay finished');
    const before = new Map(['fast', 'slow', 'boll'].map((t) => [t, journal(nodeDir, t).filter((e) => e.e === 'fill').length]));

    const second = startPounce(['node', '--resume', nodeDir, '--speed', 'max'], children, dir);
    expect(await second.exited).toBe(0);
    expect(second.out()).toContain('resumed');
    expect(second.out()).toContain('replay finished');
    for (const [tag, symbol] of [['fast', 'NVDA'], ['slow', 'ORCL'], ['boll', 'ORCX']] as const) {
      const entries = journal(nodeDir, tag);
      expect(entries.some((e) => e.e === 'note' && e.text === 'resumed')).toBe(true);
      const fills = entries.filter((e) => e.e === 'fill').map((e) => e.fill!);
      expect(fills.length).toBeGreaterThanOrEqual(before.get(tag)!);
      expect(new Set(fills.map((f) => f.id)).size).toBe(fills.length);
      expect(new Set(fills.map((f) => f.symbol))).toEqual(new Set([symbol]));
      // The summary's position is the net of the strategy's own journaled fills.
      const net = fills.reduce((q, f) => q + (f.action === 'BUY' ? f.quantity : -f.quantity), 0);
      // The summary's line, not a status line (a resume that runs past --status-every prints those first).
      const lines = second.out().split('\n');
      const line = lines.slice(lines.indexOf('summary')).find((l) => l.trim().startsWith(`${tag} `))!;
      expect(line).toContain(net === 0 ? 'positions flat' : `positions ${symbol} ${net}`);
    }
    expect(existsSync(join(nodeDir, 'LOCK'))).toBe(false);
  }, 180_000);

  it('a second Pounce process (node or strategy) on the same tiger_id is refused before it connects, naming the running one', async () => {
    const dir = tmp();
    const fixture = readFileSync(fileURLToPath(new URL('../../core/test/fixtures/sample_openapi_config.properties', import.meta.url)), 'utf8');
    const props = join(dir, 'tiger_openapi_config.properties');
    writeFileSync(props, fixture.replace(/account=\d+/, 'account=20191106192858300').replace('license=TBHK', 'license=TBUS') + '\nenable_dynamic_domain=false\ngrab_quote_permission=false\n');
    chmodSync(props, 0o600);
    const tigerId = /tiger_id=(\S+)/.exec(fixture)![1]!;
    const locks = join(dir, 'locks');
    const previousLocks = process.env.POUNCE_LOCK_DIR;
    process.env.POUNCE_LOCK_DIR = locks;
    const held = TigerIdLock.acquire(tigerId, { runDir: '/runs/the-running-node', command: 'node', dir: locks });
    try {
      const second = startPounce(['node', '--config', nodeConfig(dir, { venue: { mode: 'paper', config: props } }), '--run-dir', join(dir, 'second')], children, dir);
      expect(await second.exited).not.toBe(0);
      expect(second.out()).toContain(`tiger_id ${tigerId} is in use by Pounce process ${process.pid} (node, run folder /runs/the-running-node)`);
      // Refused before anything: no node folder was made.
      expect(existsSync(join(dir, 'second'))).toBe(false);
      // A one-strategy run on the same tiger_id is refused the same way.
      const solo = startPounce(['strategy', 'sma-cross', '--paper', '--config', props, '--run-dir', join(dir, 'solo')], children, dir);
      expect(await solo.exited).not.toBe(0);
      expect(solo.out()).toContain(`tiger_id ${tigerId} is in use by Pounce process ${process.pid}`);
      expect(existsSync(join(dir, 'solo'))).toBe(false);
    } finally {
      held.release();
      if (previousLocks === undefined) delete process.env.POUNCE_LOCK_DIR;
      else process.env.POUNCE_LOCK_DIR = previousLocks;
    }
    expect(existsSync(join(locks, `tiger-${tigerId}.lock`))).toBe(false);
  }, 60_000);
});
