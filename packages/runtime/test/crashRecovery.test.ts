import { afterAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, OpenApiClient } from '@pounce/core';
import { OrderJournal } from '../src/index.ts';
import { ROOT, startPounce, waitFor } from '../../cli/test/childProcess.ts';

// The tsx loader by absolute URL: these processes may run in a temp folder where 'tsx' does not resolve.

const children: ChildProcess[] = [];
afterAll(() => children.forEach((c) => c.kill('SIGKILL')));
const start = (args: string[]) => startPounce(args, children);

const fillEntries = (dir: string) => OrderJournal.read(dir).flatMap((e) => (e.e === 'fill' ? [e.fill] : []));

describe('journal recovery after kill -9 (real processes)', () => {
  it('loses no fill and doubles none', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'pounce-crash-'));
    const csv = readFileSync(join(ROOT, 'packages/gateway/data/nvda-1999-2014.csv'), 'utf8').split('\n').slice(0, 301).join('\n');
    writeFileSync(join(tmp, 'nvda.csv'), csv);
    // A finite replay (300 bars at 60/s): once it ends no fill can happen, so the books must agree exactly.
    const gw = start(['gateway', '--state', join(tmp, 'gw'), '--speed', '60', '--data', `NVDA=${join(tmp, 'nvda.csv')}`, '--participation', '1']);
    await waitFor(() => gw.out().includes('ready'), 20_000, 'gateway ready');
    const cfgPath = /client config (\S+)/.exec(gw.out())![1]!;
    const runDir = join(tmp, 'run');
    const common = ['strategy', 'sma-cross', '--paper', '--config', cfgPath, '--param', 'fast=3', '--param', 'slow=8', '--status-every', '500ms'];

    const first = start([...common, '--run-dir', runDir]);
    await waitFor(() => fillEntries(runDir).length >= 3, 30_000, 'three fills in the journal');
    first.proc.kill('SIGKILL');
    expect(await first.exited).toBeNull();
    const beforeCrash = fillEntries(runDir).length;

    const second = start([...common, '--resume', runDir, '--duration', '7s']);
    expect(await second.exited).toBe(0);
    expect(second.out()).toMatch(/summary/);

    const api = OpenApiClient.fromConfig(loadConfig({ path: cfgPath, env: {} }));
    const atGateway = (await api.orderTransactions({ limit: 300 })).map((f) => f.id).sort();
    const journaled = fillEntries(runDir).map((f) => f.id);
    expect(new Set(journaled).size).toBe(journaled.length); // none doubled
    expect([...journaled].sort()).toEqual(atGateway); // none lost
    expect(journaled.length).toBeGreaterThan(beforeCrash);
    // The killed process really died: it never saw the resumed one (no kick-out in its journal).
    expect(OrderJournal.read(runDir).some((e) => e.e === 'note' && /kick out/.test(e.text))).toBe(false);
    gw.proc.kill('SIGTERM');
    await gw.exited;
  }, 90_000);
});
