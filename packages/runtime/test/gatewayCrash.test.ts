import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, OpenApiClient } from '@pounce/core';
import { OrderJournal, replayJournal } from '../src/index.ts';
import { ROOT, startPounce, TSX_LOADER, waitFor } from '../../cli/test/childProcess.ts';

const procs: ChildProcess[] = [];
const tmp = mkdtempSync(join(tmpdir(), 'pounce-gwcrash-'));
afterAll(() => {
  procs.forEach((p) => p.kill('SIGKILL'));
  rmSync(tmp, { recursive: true, force: true });
});
const start = (args: string[]) => startPounce(args, procs);

const freePort = () => new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const port = (s.address() as { port: number }).port;
    s.close(() => resolve(port));
  });
});

const STEPPED_GATEWAY = fileURLToPath(new URL('./steppedGatewayProcess.ts', import.meta.url));

/** The gateway as a real process whose replay moves one bar per `step()` (steppedGatewayProcess.ts). */
function startSteppedGateway(args: string[]) {
  const proc = spawn(process.execPath, ['--import', TSX_LOADER, STEPPED_GATEWAY, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  procs.push(proc);
  let text = '';
  proc.stdout!.on('data', (d) => (text += d));
  proc.stderr!.on('data', (d) => (text += d));
  return { proc, out: () => text, exited: new Promise<number | null>((r) => proc.on('close', (c) => r(c))), step: () => proc.stdin!.write('step\n') };
}

/**
 * Steps the replay one bar at a time until `cond` holds: the market moves only when the test says,
 * so what it waits for is an event (a journal line, a gateway fill), never an amount of time.
 */
async function pumpBarsUntil(gw: ReturnType<typeof startSteppedGateway>, cond: () => boolean | Promise<boolean>, what: string, maxBars = 200): Promise<void> {
  for (let bars = 0; !(await cond()); bars++) {
    if (bars >= maxBars) throw new Error(`stepped ${maxBars} bars without ${what}`);
    gw.step();
    await new Promise((r) => setTimeout(r, 25));
  }
}

// A plugin loaded by path that buys 1 share on a timer, one order at a time (the next is sent once
// the last submit resolved), so it keeps sending while the gateway is dead and no bar arrives. It
// writes each submit's outcome as a JSON line: what the strategy was told.
const TIMER_BUYER = `
import { appendFileSync } from 'node:fs';
export default {
  name: 'timer-buyer', params: { outcomes: { type: 'string', default: '' }, everyMs: { type: 'integer', default: 150 } }, symbols: ['NVDA'],
  setup(ctx) {
    let stopped = false;
    let timer;
    const send = () => {
      void ctx.submit({ symbol: 'NVDA', side: 'BUY', quantity: 1 }).then((r) => {
        appendFileSync(ctx.params.outcomes, JSON.stringify({ cid: r.clientOrderId, orderId: r.orderId, rejected: r.rejected, pending: r.pending }) + '\\n');
        if (!stopped) timer = setTimeout(send, ctx.params.everyMs);
      });
    };
    timer = setTimeout(send, ctx.params.everyMs);
    return () => { stopped = true; clearTimeout(timer); };
  },
};
`;

interface Outcome { cid: string; orderId?: string; rejected?: string; pending?: string }

describe('gateway killed (-9) and restarted under a running strategy (real processes)', () => {
  it('orders sent into the dead venue are pending, then resolved by the reconnect reconcile; every gateway fill is journaled once', async () => {
    const csvPath = join(tmp, 'nvda.csv');
    writeFileSync(csvPath, readFileSync(join(ROOT, 'packages/gateway/data/nvda-1999-2014.csv'), 'utf8').split('\n').slice(0, 401).join('\n'));
    const plugin = join(tmp, 'timer-buyer.mjs');
    writeFileSync(plugin, TIMER_BUYER);
    const outcomesPath = join(tmp, 'outcomes.jsonl');
    const outcomes = (): Outcome[] => (existsSync(outcomesPath) ? readFileSync(outcomesPath, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Outcome) : []);

    const [http, push] = [await freePort(), await freePort()];
    const gwArgs = [join(tmp, 'gw'), String(http), String(push), `NVDA=${csvPath}`];
    let gw = startSteppedGateway(gwArgs);
    await waitFor(() => gw.out().includes('ready'), 30_000, 'gateway ready');
    const cfgPath = /client config (\S+)/.exec(gw.out())![1]!;
    // One bar before the run starts: a paper venue takes the market's time from its first quote.
    gw.step();
    await waitFor(() => /\bat 1\b/.test(gw.out()), 30_000, 'the first bar');
    const runDir = join(tmp, 'run');
    const journal = () => OrderJournal.read(runDir);
    const journalFills = () => journal().flatMap((e) => (e.e === 'fill' ? [e.fill.id] : []));
    const strat = start(['strategy', plugin, '--paper', '--config', cfgPath, '--param', `outcomes=${outcomesPath}`, '--run-dir', runDir, '--status-every', '500ms']);
    await waitFor(() => journal().some((e) => e.e === 'run'), 60_000, 'the strategy to start');
    await pumpBarsUntil(gw, () => journalFills().length >= 3, 'three fills before the crash');

    gw.proc.kill('SIGKILL');
    expect(await gw.exited).toBeNull();
    // From here until the new process is spawned nothing listens on the gateway's ports.
    const deadFrom = Date.now();
    const sentWhileDead = () => journal().flatMap((e) => (e.e === 'intent' && e.t > deadFrom ? [e.cid] : []));
    const reportedPending = () => new Set(outcomes().filter((o) => o.pending).map((o) => o.cid));
    await waitFor(() => sentWhileDead().some((cid) => reportedPending().has(cid)), 60_000, 'an order sent into the dead venue and reported pending');
    const deadUntil = Date.now();
    const deadOrders = sentWhileDead();
    gw = startSteppedGateway([...gwArgs, 'resume']);
    await waitFor(() => gw.out().includes('ready'), 30_000, 'gateway restarted');

    // Bars again until an order sent after the restart has filled at the gateway; then no more
    // bars, so no more fills. While the strategy still runs, the reconnect's reconcile must bring
    // every fill into the journal and resolve every order: the final reconcile is not needed.
    const api = OpenApiClient.fromConfig(loadConfig({ path: cfgPath, env: {} }));
    const acceptedAfterRestart = () => new Set(journal().flatMap((e) => (e.e === 'accepted' && e.t > deadUntil ? [e.orderId] : [])));
    await pumpBarsUntil(gw, async () => {
      const after = acceptedAfterRestart();
      return (await api.orderTransactions()).some((f) => after.has(f.orderId));
    }, 'a fill of an order sent after the restart');
    const gatewayFillIds = async () => (await api.orderTransactions()).map((f) => f.id).sort();
    const unresolved = () => [...replayJournal(journal()).intents].filter(([, i]) => !i.orderId && !i.rejected).map(([cid]) => cid);
    let caughtUp = false;
    await waitFor(() => {
      void gatewayFillIds().then((ids) => (caughtUp = JSON.stringify(ids) === JSON.stringify([...journalFills()].sort())), () => undefined);
      return caughtUp && unresolved().length === 0;
    }, 60_000, 'the journal to hold every gateway fill and every order resolved while running');
    strat.proc.kill('SIGINT');
    expect(await strat.exited).toBe(0);
    expect(strat.out()).toMatch(/summary/);

    const entries = journal();
    const state = replayJournal(entries);
    const atGateway = await api.orderTransactions();
    const gatewayOrders = await api.orders();
    gw.proc.stdin!.end();
    await gw.exited;

    // Orders sent while the gateway was dead: none reached it. The strategy was told `pending`
    // (outcome unknown: not accepted, not refused), except an order whose lookups straddled the
    // restart and got the restarted gateway's "not there" (told rejected at once). A pending one was
    // resolved after the gateway came back by the reconnect's reconcile: a lookup by client id that
    // found nothing, never by sending it again.
    const told = new Map(outcomes().map((o) => [o.cid, o]));
    const toldPending = deadOrders.filter((cid) => told.get(cid)?.pending !== undefined);
    expect(toldPending.length).toBeGreaterThanOrEqual(1);
    for (const cid of deadOrders) {
      const t = told.get(cid)!;
      expect(t.orderId).toBeUndefined();
      const resolved = entries.find((e) => e.e === 'rejected' && e.cid === cid);
      if (t.pending !== undefined) {
        expect(t.pending).toMatch(/outcome unknown/);
        expect(resolved).toMatchObject({ reason: expect.stringMatching(/not received by the venue \(looked up by client id after the outage/) });
        expect(resolved!.t).toBeGreaterThan(deadUntil);
      } else {
        expect(t.rejected).toMatch(/not received by the venue/);
        expect(resolved).toMatchObject({ reason: t.rejected });
      }
    }
    expect(gatewayOrders.filter((o) => deadOrders.includes(o.userMark))).toEqual([]);
    // Never re-sent: one gateway order per client id, each the one the journal accepted.
    const marks = gatewayOrders.map((o) => o.userMark);
    expect(new Set(marks).size).toBe(marks.length);
    for (const o of gatewayOrders) expect(state.intents.get(o.userMark)?.orderId).toBe(o.id);
    expect([...state.intents.values()].filter((i) => !i.orderId && !i.rejected)).toEqual([]);
    // Every gateway fill journaled exactly once, and nothing else: no tolerance, since no bar (so
    // no fill) came after the journal had caught up.
    const journaled = entries.flatMap((e) => (e.e === 'fill' ? [e.fill.id] : []));
    expect(new Set(journaled).size).toBe(journaled.length);
    expect([...journaled].sort()).toEqual(atGateway.map((f) => f.id).sort());
    expect(atGateway.length).toBeGreaterThan(3);
  }, 300_000);
});
