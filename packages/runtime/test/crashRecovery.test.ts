import { afterAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tieredFees } from '@pounce/matching';
import { Gateway, loadBarFiles } from '@pounce/gateway';
import { OrderJournal } from '../src/index.ts';
import { ROOT, startPounce, waitFor } from '../../cli/test/childProcess.ts';

const children: ChildProcess[] = [];
const tmp = mkdtempSync(join(tmpdir(), 'pounce-crash-'));
let gw: Gateway | undefined;
afterAll(async () => {
  children.forEach((c) => c.kill('SIGKILL'));
  await gw?.stop();
  rmSync(tmp, { recursive: true, force: true });
});
const start = (args: string[]) => startPounce(args, children);

const journal = (dir: string) => OrderJournal.read(dir);
const fillEntries = (dir: string) => journal(dir).flatMap((e) => (e.e === 'fill' ? [e.fill] : []));

/**
 * Steps the replay one bar at a time until `cond` holds. The test drives the market, so what it
 * waits for is an event (a journal line), never an amount of time: a slow machine only takes longer.
 */
async function pumpBarsUntil(cond: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out stepping the replay until ${what}`);
    if (gw!.advance(1) === 0) throw new Error(`the replay ended before ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('journal recovery after kill -9 (real processes)', () => {
  it('loses no fill and doubles none', async () => {
    // The gateway runs here, stepped by hand: no bar (so no fill) happens unless the test steps it.
    gw = await Gateway.start({
      stateDir: join(tmp, 'gw'), bars: loadBarFiles([`NVDA=${join(ROOT, 'packages/gateway/data/nvda-1999-2014.csv')}`]), speed: 'manual',
      matching: { fees: tieredFees(), participation: 1, initialCash: 1_000_000 },
    });
    // One bar before the run starts: a paper venue takes the market's time from its first quote.
    gw.advance(1);
    const runDir = join(tmp, 'run');
    const common = ['strategy', 'sma-cross', '--paper', '--config', gw.clientConfigPath, '--param', 'fast=3', '--param', 'slow=8', '--status-every', '500ms'];

    const first = start([...common, '--run-dir', runDir]);
    await waitFor(() => journal(runDir).some((e) => e.e === 'run'), 60_000, 'the first run to start');
    await pumpBarsUntil(() => fillEntries(runDir).length >= 3, 'three fills in the journal');
    first.proc.kill('SIGKILL');
    expect(await first.exited).toBeNull();
    const beforeCrash = fillEntries(runDir).length;

    const second = start([...common, '--resume', runDir]);
    await waitFor(() => journal(runDir).some((e) => e.e === 'note' && e.text === 'resumed'), 60_000, 'the resumed run to start');
    await pumpBarsUntil(() => fillEntries(runDir).length > beforeCrash, 'a fill in the resumed run');
    // No more bars: nothing can fill now. Ctrl-C: the run reconciles and closes its journal.
    second.proc.kill('SIGINT');
    expect(await second.exited).toBe(0);
    expect(second.out()).toMatch(/summary/);

    const atGateway = gw.engine.fillsOf(gw.account);
    const journaled = fillEntries(runDir);
    expect(new Set(journaled.map((f) => f.id)).size).toBe(journaled.length); // none doubled
    expect(journaled.map((f) => f.id).sort()).toEqual(atGateway.map((f) => f.id).sort()); // none lost
    const qty = new Map(atGateway.map((f) => [f.id, `${f.action} ${f.quantity} @ ${f.price}`]));
    for (const f of journaled) expect(`${f.action} ${f.quantity} @ ${f.price}`).toBe(qty.get(f.id));
    expect(journaled.length).toBeGreaterThan(beforeCrash);
    // The killed process really died: it never saw the resumed one (no kick-out in its journal).
    expect(journal(runDir).some((e) => e.e === 'note' && /kick out/.test(e.text))).toBe(false);
  }, 180_000);
});
