import { afterAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, OpenApiClient } from '@pounce/core';
import { OrderJournal, replayJournal } from '../src/index.ts';
import { ROOT, startPounce, waitFor } from '../../cli/test/childProcess.ts';

const procs: ChildProcess[] = [];
afterAll(() => procs.forEach((p) => p.kill('SIGKILL')));
const start = (args: string[]) => startPounce(args, procs);

const freePort = () => new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const port = (s.address() as { port: number }).port;
    s.close(() => resolve(port));
  });
});

describe('gateway killed (-9) and restarted under a running strategy (real processes)', () => {
  it('the strategy reconnects and reconciles: no fill lost or doubled, every order accounted for', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'pounce-gwcrash-'));
    const csv = readFileSync(join(ROOT, 'packages/gateway/data/nvda-1999-2014.csv'), 'utf8').split('\n').slice(0, 401).join('\n');
    writeFileSync(join(tmp, 'nvda.csv'), csv);
    const [http, push] = [await freePort(), await freePort()];
    const gwArgs = ['gateway', '--state', join(tmp, 'gw'), '--port', String(http), '--push-port', String(push), '--speed', '50', '--data', `NVDA=${join(tmp, 'nvda.csv')}`, '--participation', '1'];
    let gw = start(gwArgs);
    await waitFor(() => gw.out().includes('ready'), 20_000, 'gateway ready');
    const cfgPath = /client config (\S+)/.exec(gw.out())![1]!;
    const runDir = join(tmp, 'run');
    const fills = () => OrderJournal.read(runDir).filter((e) => e.e === 'fill').length;
    const strat = start(['strategy', 'sma-cross', '--paper', '--config', cfgPath, '--param', 'fast=3', '--param', 'slow=8', '--run-dir', runDir, '--duration', '14s', '--status-every', '500ms']);
    await waitFor(() => fills() >= 3, 30_000, 'three fills before the crash');

    gw.proc.kill('SIGKILL');
    expect(await gw.exited).toBeNull();
    await new Promise((r) => setTimeout(r, 1500)); // the strategy trades into a dead venue meanwhile
    gw = start([...gwArgs, '--resume']);
    await waitFor(() => gw.out().includes('ready'), 20_000, 'gateway restarted');

    expect(await strat.exited).toBe(0);
    const api = OpenApiClient.fromConfig(loadConfig({ path: cfgPath, env: {} }));
    const atGateway = (await api.orderTransactions({ limit: 300 })).map((f) => f.id).sort();
    const journal = replayJournal(OrderJournal.read(runDir));
    const journaled = OrderJournal.read(runDir).flatMap((e) => (e.e === 'fill' ? [e.fill.id] : []));
    const unresolved = [...journal.intents.values()].filter((i) => !i.orderId && !i.rejected);
    gw.proc.kill('SIGTERM');
    await gw.exited;
    expect(new Set(journaled).size).toBe(journaled.length);
    // Fills made by the gateway after the strategy stopped are not the run's to see.
    expect(journaled.every((id) => atGateway.includes(id))).toBe(true);
    expect(atGateway.filter((id) => !journaled.includes(id)).length).toBeLessThanOrEqual(1);
    expect(unresolved).toEqual([]);
    expect(strat.out()).toMatch(/summary/);
  }, 120_000);
});
