import { describe, expect, it } from 'vitest';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConnectionState, Fill, Order } from '@pounce/core';
import { config as rxConfig, merge, Subject } from 'rxjs';
import { defineStrategy, OpenApiVenue, OrderJournal, parseClientOrderId, TradingEngine, type RiskLimits, type StrategyContext } from '../src/index.ts';
import { syntheticBars } from '@pounce/gateway';
import { clientsFor, startTestGateway, tempDirs, until } from '../../gateway/test/testGateway.ts';
import { startedOnGateway } from './startedOnGateway.ts';

const tempDir = tempDirs();
const started = startedOnGateway();

/** One run of a strategy that hands its context to the test, against the shared test gateway. */
async function session(o: { runDir: string; resume?: boolean; risk?: RiskLimits; unknownOutcomeWindowMs?: number; venue?: (v: OpenApiVenue) => void }) {
  if (!started.gw) {
    started.gw = await startTestGateway({ stateDir: tempDir('pounce-gw-') });
    started.gw.advance(5);
  }
  const c = clientsFor(started.gw);
  const venue = new OpenApiVenue('embedded-paper', c.api, c.push, ['AAA'], () => started.gw!.replay.now());
  o.venue?.(venue);
  const seen = { fills: [] as Fill[], orders: [] as Order[], ctx: undefined as StrategyContext | undefined };
  const def = defineStrategy({
    name: 'probe', params: {}, symbols: ['AAA'],
    setup(ctx) {
      seen.ctx = ctx as StrategyContext;
      ctx.fills$.subscribe((f) => seen.fills.push(f));
      ctx.orders$.subscribe((x) => seen.orders.push(x));
    },
  });
  started.engine = await TradingEngine.start({ def, venue, runDir: o.runDir, resume: o.resume, risk: o.risk, unknownOutcomeWindowMs: o.unknownOutcomeWindowMs });
  return { seen, ctx: seen.ctx! };
}

async function stop(): Promise<void> {
  await started.engine!.stop();
  started.engine = undefined;
}

/** A first session that leaves one resting limit order working at the gateway, then stops. */
async function restingOrderThenStop(runDir: string): Promise<string> {
  const s = await session({ runDir });
  const resting = await s.ctx.submit({ symbol: 'AAA', side: 'BUY', quantity: 5, type: 'limit', limitPrice: 0.01 });
  await until(() => s.seen.orders.some((o) => o.id === resting.orderId && o.status === 'Submitted'));
  await stop();
  return resting.orderId!;
}

const journaledIds = (dir: string) => OrderJournal.read(dir).flatMap((e) => (e.e === 'intent' || e.e === 'rejected' ? [e.cid] : []));

describe('client order ids', () => {
  it('a resume after a risk-refused order never issues an id again', async () => {
    const runDir = tempDir('pounce-run-');
    const risk = { maxOrderQuantity: 10 };
    let s = await session({ runDir, risk });
    const refused = await s.ctx.submit({ symbol: 'AAA', side: 'BUY', quantity: 50 });
    expect(refused.rejected).toMatch(/^risk:/);
    const sent = await s.ctx.submit({ symbol: 'AAA', side: 'BUY', quantity: 5 });
    expect(sent.orderId).toBeDefined();
    await stop();

    s = await session({ runDir, resume: true, risk });
    const next = await s.ctx.submit({ symbol: 'AAA', side: 'BUY', quantity: 5 });
    expect(next.orderId).toBeDefined();
    expect([refused.clientOrderId, sent.clientOrderId]).not.toContain(next.clientOrderId);
    const ids = journaledIds(runDir);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
    // The resumed run continues the same family: same nonce, the counter after the highest taken.
    expect(parseClientOrderId(next.clientOrderId)).toEqual({ ...parseClientOrderId(refused.clientOrderId)!, n: 3 });
    const marks = started.gw!.engine.ordersOf(started.gw!.account).map((o) => o.userMark);
    expect(new Set(marks).size).toBe(marks.length);
  });

  it('a resume on the same day keeps the daily loss limit\'s starting equity from the journal', async () => {
    const runDir = tempDir('pounce-run-');
    const risk = { dailyLossLimit: 1e9 };
    const s = await session({ runDir, risk });
    await s.ctx.submit({ symbol: 'AAA', side: 'BUY', quantity: 100 });
    started.gw!.advance(3);
    await until(() => s.seen.fills.length === 1);
    await stop();
    const riskDays = () => OrderJournal.read(runDir).flatMap((e) => (e.e === 'risk-day' ? [e] : []));
    expect(riskDays()).toHaveLength(1);
    await session({ runDir, resume: true, risk });
    started.gw!.advance(3); // marks of the same session day after the resume
    await until(() => OrderJournal.read(runDir).filter((e) => e.e === 'fill').length === 1);
    await started.engine!.execution.submit({ symbol: 'AAA', side: 'SELL', quantity: 100 }); // a check is a mark too
    // Restored: the same day goes on (a fresh day here would have started it again at the resume).
    expect(riskDays()).toHaveLength(1);
  });

  it('two fresh runs on the same run folder never share an id', async () => {
    const runDir = join(tempDir('pounce-run-'), 'run');
    await session({ runDir });
    const a = await started.engine!.execution.submit({ symbol: 'AAA', side: 'BUY', quantity: 1 });
    await stop();
    await session({ runDir });
    const b = await started.engine!.execution.submit({ symbol: 'AAA', side: 'BUY', quantity: 1 });
    expect(a.orderId).toBeDefined();
    expect(b.orderId).toBeDefined();
    expect(a.clientOrderId).not.toBe(b.clientOrderId);
    expect(parseClientOrderId(a.clientOrderId)!.nonce).not.toBe(parseClientOrderId(b.clientOrderId)!.nonce);
    expect(started.gw!.engine.ordersOf(started.gw!.account).map((o) => o.userMark)).toEqual([a.clientOrderId, b.clientOrderId]);
  });
});

describe('resume after the process was down', () => {
  it('orders left working when the process stopped and ended while it was down get their final status journaled on resume, and leave the open list', async () => {
    const runDir = tempDir('pounce-run-');
    const s = await session({ runDir });
    const gw = started.gw!;
    const restingId = (await s.ctx.submit({ symbol: 'AAA', side: 'BUY', quantity: 5, type: 'limit', limitPrice: 0.01 })).orderId!;
    const stillWorking = await s.ctx.submit({ symbol: 'AAA', side: 'BUY', quantity: 3, type: 'limit', limitPrice: 0.02 });
    await until(() => s.seen.orders.filter((o) => o.status === 'Submitted').length === 2);
    await stop();
    // While the process is down, the order is cancelled elsewhere (the broker's app).
    await clientsFor(gw).api.cancelOrder(restingId);
    await until(() => gw.engine.ordersOf(gw.account).some((o) => o.id === restingId && o.status === 'Cancelled'));

    await session({ runDir, resume: true });
    const journaledStatuses = (id: string) => OrderJournal.read(runDir).flatMap((e) => (e.e === 'order' && e.order.id === id ? [e.order.status] : []));
    // Before: the resumed run started with an empty open list, so nothing ever asked about it.
    expect(journaledStatuses(restingId).at(-1)).toBe('Cancelled');
    expect(journaledStatuses(restingId).filter((st) => st === 'Cancelled')).toHaveLength(1);
    expect(journaledStatuses(stillWorking.orderId!).at(-1)).toBe('Submitted');
    expect(started.engine!.execution.openOrders.map((o) => o.id)).toEqual([stillWorking.orderId]);
    await stop();
  });

  it('a lookup that fails on resume is asked again a second later: the final status is journaled once, then the order leaves the open list', async () => {
    const runDir = tempDir('pounce-run-');
    const restingId = await restingOrderThenStop(runDir);
    const gw = started.gw!;
    await clientsFor(gw).api.cancelOrder(restingId);
    await until(() => gw.engine.ordersOf(gw.account).some((o) => o.id === restingId && o.status === 'Cancelled'));
    let lookups = 0;
    // The retry's lookup waits for the test's checks of the state before it (a slow start must not race them).
    let checked!: () => void;
    const afterChecks = new Promise<void>((r) => (checked = r));
    await session({ runDir, resume: true, venue: (v) => {
      const real = v.orderById.bind(v);
      v.orderById = async (id) => {
        if (++lookups === 1) throw new Error('venue busy');
        await afterChecks;
        return real(id);
      };
    } });
    const cancelled = () => OrderJournal.read(runDir).filter((e) => e.e === 'order' && e.order.id === restingId && e.order.status === 'Cancelled');
    try {
      // The first reconcile could not tell: the order is still counted as working.
      expect(cancelled()).toHaveLength(0);
      expect(started.engine!.execution.openOrders.map((o) => o.id)).toEqual([restingId]);
    } finally {
      // Also when a check failed: the gated lookup must not hold the run's stop.
      checked();
    }
    await until(() => cancelled().length > 0, 5000);
    expect(cancelled()).toHaveLength(1);
    expect(started.engine!.execution.openOrders).toEqual([]);
    expect(lookups).toBe(2);
    await stop();
  });

  it('a start that fails after its first reconcile could not look an order up makes no reconcile later', async () => {
    const runDir = tempDir('pounce-run-');
    await restingOrderThenStop(runDir);
    // A folder where the resumed start reads start-equity: the start fails after the first reconcile.
    rmSync(join(runDir, 'start-equity'));
    mkdirSync(join(runDir, 'start-equity'));
    let lookups = 0;
    const c = clientsFor(started.gw!);
    const venue = new OpenApiVenue('embedded-paper', c.api, c.push, ['AAA'], () => started.gw!.replay.now());
    venue.openOrders = async () => [];
    venue.orderById = async () => {
      lookups++;
      throw new Error('venue busy');
    };
    const def = defineStrategy({ name: 'probe', params: {}, symbols: ['AAA'], setup() {} });
    await expect(TradingEngine.start({ def, venue, runDir, resume: true })).rejects.toThrow(/EISDIR/);
    expect(lookups).toBe(1);
    // The retry the failed lookup scheduled (a second later) must not run for a run that never started.
    await new Promise((r) => setTimeout(r, 1500));
    expect(lookups).toBe(1);
    await venue.stop();
  });

  it('a reconnect during the start\'s reconcile makes no pass of its own when the start then fails', async () => {
    const runDir = tempDir('pounce-run-');
    await restingOrderThenStop(runDir);
    // A folder where the resumed start reads start-equity: the start fails after the first reconcile.
    rmSync(join(runDir, 'start-equity'));
    mkdirSync(join(runDir, 'start-equity'));
    const c = clientsFor(started.gw!);
    const venue = new OpenApiVenue('embedded-paper', c.api, c.push, ['AAA'], () => started.gw!.replay.now());
    const reconnects = new Subject<ConnectionState>();
    Object.defineProperty(venue, 'connection$', { value: merge(venue.connection$, reconnects) });
    let lists = 0;
    const realOpenOrders = venue.openOrders.bind(venue);
    let timerFired!: () => void;
    const fired = new Promise<void>((r) => (timerFired = r));
    venue.openOrders = async () => {
      if (++lists === 1) {
        reconnects.next({ state: 'connected', sessions: 2 });
        // The reconnect's reconcile timer (0 ms) fires while the start's pass waits here.
        setTimeout(timerFired, 20);
        await fired;
      }
      return realOpenOrders();
    };
    const def = defineStrategy({ name: 'probe', params: {}, symbols: ['AAA'], setup() {} });
    await expect(TradingEngine.start({ def, venue, runDir, resume: true })).rejects.toThrow(/EISDIR/);
    // Before: the reconnect's pass ran after the start's, for a run that never started.
    await new Promise((r) => setTimeout(r, 1500));
    expect(lists).toBe(1);
    await venue.stop();
  });

  it('a DAY order that expires while the process is down: its expiry is journaled once on resume', async () => {
    // Two session days of bars: the gateway expires DAY orders when the next session day begins.
    const day = (start: number, seed: number) => syntheticBars({ symbols: ['AAA'], bars: 20, seed, start });
    started.gw = await startTestGateway({ stateDir: tempDir('pounce-gw-'), bars: [...day(Date.UTC(2024, 0, 2, 14, 30), 11), ...day(Date.UTC(2024, 0, 3, 14, 30), 12)] });
    started.gw.advance(5);
    const runDir = tempDir('pounce-run-');
    const restingId = await restingOrderThenStop(runDir);
    const gw = started.gw;
    gw.advance(20); // into the next session day
    await until(() => gw.engine.ordersOf(gw.account).some((o) => o.id === restingId && o.status === 'Cancelled'));

    await session({ runDir, resume: true });
    const finals = OrderJournal.read(runDir).flatMap((e) => (e.e === 'order' && e.order.id === restingId && e.order.status === 'Cancelled' ? [e.order.remark] : []));
    expect(finals).toEqual([expect.stringMatching(/expired/)]);
    expect(started.engine!.execution.openOrders).toEqual([]);
    await stop();
  });

  it('an order that fills while the process is down: its fill and its Filled status are journaled once on resume', async () => {
    const runDir = tempDir('pounce-run-');
    const s = await session({ runDir });
    const gw = started.gw!;
    const r = await s.ctx.submit({ symbol: 'AAA', side: 'BUY', quantity: 6 });
    await until(() => s.seen.orders.some((o) => o.id === r.orderId && o.status === 'Submitted'));
    await stop();
    gw.advance(1); // the market order fills at the next bar, while no process runs
    await until(() => gw.engine.ordersOf(gw.account).some((o) => o.id === r.orderId && o.status === 'Filled'));

    await session({ runDir, resume: true });
    const journal = OrderJournal.read(runDir);
    expect(journal.filter((e) => e.e === 'order' && e.order.id === r.orderId && e.order.status === 'Filled')).toHaveLength(1);
    expect(journal.flatMap((e) => (e.e === 'fill' && e.fill.orderId === r.orderId ? [e.fill.quantity] : []))).toEqual([6]);
    expect(started.engine!.execution.openOrders).toEqual([]);
    // The counters continue from the journal: the first session's order, and the fill found on resume, once each.
    expect(started.engine!.journaled).toEqual({ orders: 1, fills: 0, rejected: 0 });
    expect(started.engine!.status()).toMatchObject({ orders: 1, fills: 1, rejected: 0 });
    await stop();
    // A second resume starts from all of it.
    await session({ runDir, resume: true });
    expect(started.engine!.journaled).toEqual({ orders: 1, fills: 1, rejected: 0 });
    expect(started.engine!.status()).toMatchObject({ orders: 1, fills: 1, rejected: 0 });
    await stop();
  });

  it('an accepted order the journal has no status of (its pushes lost, or the process ended first) is looked up on resume too', async () => {
    const runDir = tempDir('pounce-run-');
    const restingId = await restingOrderThenStop(runDir);
    const gw = started.gw!;
    // The journal holds the intent and the accepted reply but none of the order's pushes.
    const journal = join(runDir, 'journal.jsonl');
    writeFileSync(journal, readFileSync(journal, 'utf8').split('\n').filter((l) => !l.includes('"e":"order"')).join('\n'));
    await clientsFor(gw).api.cancelOrder(restingId);
    await until(() => gw.engine.ordersOf(gw.account).some((o) => o.id === restingId && o.status === 'Cancelled'));

    await session({ runDir, resume: true });
    const statuses = OrderJournal.read(runDir).flatMap((e) => (e.e === 'order' && e.order.id === restingId ? [e.order.status] : []));
    expect(statuses).toEqual(['Cancelled']);
    expect(started.engine!.execution.openOrders).toEqual([]);
    await stop();
  });

  it('an order journaled working whose venue reply was lost is counted once by the risk limits after resume (its lookup settles the intent)', async () => {
    const runDir = tempDir('pounce-run-');
    const restingId = await restingOrderThenStop(runDir);
    // The process died after the order's push was journaled, before its place_order reply was.
    const journal = join(runDir, 'journal.jsonl');
    const lines = readFileSync(journal, 'utf8').split('\n');
    writeFileSync(journal, lines.filter((l) => !l.includes('"e":"accepted"')).join('\n'));

    await session({ runDir, resume: true });
    // Before: the lookup brought back the status the journal held, so the intent stayed unconfirmed and the order counted twice.
    expect(started.engine!.execution.workingOrders().map((w) => w.remaining)).toEqual([5]);
    expect(started.engine!.execution.pendingCount).toBe(0);
    await stop();
  });

  it('an order the venue\'s open list leaves out but its own lookup finds working stays open and counted on resume', async () => {
    const runDir = tempDir('pounce-run-');
    const restingId = await restingOrderThenStop(runDir);
    // The first open-order list lags behind the order (a broker's list is not always current).
    await session({ runDir, resume: true, venue: (v) => {
      const real = v.openOrders.bind(v);
      let calls = 0;
      v.openOrders = async () => (++calls === 1 ? [] : real());
    } });
    // Before: the order was taken for ended, its lookup's "Submitted" ignored, and it was counted nowhere.
    expect(started.engine!.execution.openOrders.map((o) => o.id)).toEqual([restingId]);
    expect(started.engine!.execution.workingOrders().map((w) => w.remaining)).toEqual([5]);
    await stop();
  });

  it('a filled order whose accepted line was lost is not delivered again on resume (its journaled status is known)', async () => {
    const runDir = tempDir('pounce-run-');
    const s = await session({ runDir });
    const r = await s.ctx.submit({ symbol: 'AAA', side: 'BUY', quantity: 4 });
    started.gw!.advance(1);
    await until(() => s.seen.orders.some((o) => o.id === r.orderId && o.status === 'Filled'));
    await stop();
    const journal = join(runDir, 'journal.jsonl');
    writeFileSync(journal, readFileSync(journal, 'utf8').split('\n').filter((l) => !l.includes('"e":"accepted"')).join('\n'));

    await session({ runDir, resume: true });
    const filled = OrderJournal.read(runDir).filter((e) => e.e === 'order' && e.order.id === r.orderId && e.order.status === 'Filled');
    // Before: the lookup by client id brought the order back and its Filled status was journaled (and delivered) a second time.
    expect(filled).toHaveLength(1);
    await stop();
  });

  it('refuses to resume a run on another account than its journal\'s, naming both', async () => {
    const runDir = tempDir('pounce-run-');
    const s = await session({ runDir });
    await s.ctx.submit({ symbol: 'AAA', side: 'BUY', quantity: 5, type: 'limit', limitPrice: 0.01 });
    const account = started.gw!.account;
    await stop();
    const other = session({ runDir, resume: true, venue: (v) => Object.defineProperty(v, 'account', { get: () => 'U999999' }) });
    await expect(other).rejects.toThrow(`this run's journal is for account ${account}, the venue's account is U999999`);
    expect(OrderJournal.read(runDir).some((e) => e.e === 'note' && e.text === 'resumed')).toBe(false);
  });

  it('a reconnect during the resumed start\'s reconcile: its pass waits for the start, and an intent the venue never got is reported rejected once', async () => {
    const runDir = tempDir('pounce-run-');
    await restingOrderThenStop(runDir);
    // The process died right after journaling a second intent, before place_order went out.
    const journal = join(runDir, 'journal.jsonl');
    const intent = OrderJournal.read(runDir).find((e) => e.e === 'intent')!;
    const lost = intent.e === 'intent' ? { ...intent, cid: intent.cid.replace(/\d+$/, (n) => String(Number(n) + 1)) } : intent;
    appendFileSync(journal, `${JSON.stringify(lost)}\n`);
    const cid = (lost as { cid: string }).cid;
    // The resumed start's reconcile is held in its first lookup of that intent while a reconnect
    // asks for another. Before: the second pass looked the intent up too, both found it missing,
    // and it was journaled rejected twice (the start's pass then failed on the deleted intent, and
    // with it the start).
    const reconnects = new Subject<ConnectionState>();
    let lookups = 0;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let passesEnded = 0;
    await session({ runDir, resume: true, unknownOutcomeWindowMs: 100, venue: (v) => {
      const real = v.findOrderByUserMark.bind(v);
      // A pass ends by reading the account (the resumed start reads its equity from the journal).
      const assets = v.assets.bind(v);
      v.assets = async () => {
        const a = await assets();
        passesEnded++;
        return a;
      };
      Object.defineProperty(v, 'connection$', { value: merge(v.connection$, reconnects) });
      v.findOrderByUserMark = async (mark, since) => {
        if (mark === cid && ++lookups === 1) {
          reconnects.next({ state: 'connected', sessions: 2 });
          // A second pass that does not wait would ask here at once; one that waits never can.
          await Promise.race([held, new Promise((r) => setTimeout(r, 500))]);
        } else if (mark === cid) release();
        return real(mark, since);
      };
    } });
    // The start's pass and the reconnect's own pass (after it) have both ended.
    await until(() => passesEnded === 2);
    await new Promise((r) => setImmediate(r));
    expect(OrderJournal.read(runDir).filter((e) => e.e === 'rejected' && e.cid === cid)).toHaveLength(1);
    expect(started.engine!.execution.rejectedCount).toBe(1);
    expect(started.engine!.execution.pendingCount).toBe(0);
    await stop();
  });

  it('an order the venue no longer knows (by id or by client id) leaves the open list on resume instead of being looked up for ever', async () => {
    const runDir = tempDir('pounce-run-');
    const restingId = await restingOrderThenStop(runDir);
    // A venue that never saw the order (a fresh gateway): its order lookup answers "not found" (code 1300).
    await started.gw!.stop();
    started.gw = undefined;

    await session({ runDir, resume: true });
    // Before: the "not found" answer was taken for a failure that may pass: the order stayed working and was asked about every second.
    expect(started.engine!.execution.openOrders).toEqual([]);
    expect(started.engine!.execution.workingOrders()).toEqual([]);
    await stop();
  });
});

describe('journal tail', () => {
  it('torn last line, resume, resume: every fill of every session is read back, none twice', async () => {
    const runDir = tempDir('pounce-run-');
    const buyAndFill = async (s: Awaited<ReturnType<typeof session>>, quantity: number) => {
      await s.ctx.submit({ symbol: 'AAA', side: 'BUY', quantity });
      started.gw!.advance(1);
      await until(() => s.seen.fills.length === 1);
    };
    await buyAndFill(await session({ runDir }), 10);
    await stop();
    // A kill -9 in the middle of a write.
    const fragment = '{"t":1,"e":"fill","fill":{"id":"12';
    appendFileSync(join(runDir, 'journal.jsonl'), fragment);

    await buyAndFill(await session({ runDir, resume: true }), 7);
    await stop();
    const torn = readdirSync(runDir).filter((f) => f.startsWith('journal.torn-'));
    expect(torn).toHaveLength(1);
    expect(readFileSync(join(runDir, torn[0]!), 'utf8')).toBe(fragment);

    await session({ runDir, resume: true });
    // The second session's fills were in the dedupe set: reconciliation found nothing missed (none
    // booked in this session); the run's count goes on from the journal's two.
    expect(started.engine!.execution.fillCount).toBe(0);
    expect(started.engine!.status().fills).toBe(2);
    await stop();
    const journaled = OrderJournal.read(runDir).flatMap((e) => (e.e === 'fill' ? [e.fill.id] : []));
    expect(journaled).toHaveLength(2);
    expect([...journaled].sort()).toEqual(started.gw!.engine.fillsOf(started.gw!.account).map((f) => f.id).sort());
    expect(OrderJournal.read(runDir).some((e) => e.e === 'note' && e.text.includes('torn last line'))).toBe(true);
  });

  it('a last line that lost only its newline is kept, not cut off', async () => {
    const runDir = tempDir('pounce-run-');
    await session({ runDir });
    await stop();
    appendFileSync(join(runDir, 'journal.jsonl'), JSON.stringify({ t: 1, e: 'note', text: 'complete but unterminated' }));
    await session({ runDir, resume: true });
    await stop();
    expect(readdirSync(runDir).some((f) => f.startsWith('journal.torn-'))).toBe(false);
    const notes = OrderJournal.read(runDir).flatMap((e) => (e.e === 'note' ? [e.text] : []));
    expect(notes).toContain('complete but unterminated');
    expect(notes).toContain('resumed');
  });
});

describe('an order whose place_order reply was lost', () => {
  it('created by the venue only after the first lookup: found, journaled accepted, never re-sent or reported rejected', async () => {
    const runDir = tempDir('pounce-run-');
    const s = await session({ runDir, unknownOutcomeWindowMs: 2000 });
    started.gw!.faults.placeAfterLookups = 1;
    const r = await s.ctx.submit({ symbol: 'AAA', side: 'BUY', quantity: 4 });
    expect(r.rejected).toBeUndefined();
    expect(r.orderId).toBeDefined();
    const atGateway = started.gw!.engine.ordersOf(started.gw!.account);
    expect(atGateway).toHaveLength(1);
    expect(atGateway[0]!.id).toBe(r.orderId);
    expect(atGateway[0]!.userMark).toBe(r.clientOrderId);
    const journal = OrderJournal.read(runDir);
    expect(journal.filter((e) => e.e === 'intent')).toHaveLength(1);
    expect(journal.filter((e) => e.e === 'rejected')).toHaveLength(0);
    expect(journal.filter((e) => e.e === 'accepted')).toEqual([expect.objectContaining({ cid: r.clientOrderId, orderId: r.orderId })]);
    expect(s.seen.orders.filter((o) => o.status === 'Inactive')).toHaveLength(0);
    started.gw!.advance(1);
    await until(() => s.seen.fills.length === 1);
    expect(started.gw!.engine.ordersOf(started.gw!.account)).toHaveLength(1);
  });

  it('found by its lookup, whose delivery then throws: journaled accepted once, the throw reported as on the push path, not looked up again', async () => {
    const runDir = tempDir('pounce-run-');
    let lookups = 0;
    const s = await session({ runDir, unknownOutcomeWindowMs: 2000, venue: (v) => {
      const find = v.findOrderByUserMark.bind(v);
      v.findOrderByUserMark = (mark, since) => {
        lookups++;
        return find(mark, since);
      };
    } });
    // The first step of delivering an order (its push may have been delivered already, which
    // makes the rest a no-op): throws once, inside the lookup's delivery, not on the push path.
    const execution = started.engine!.execution as unknown as { confirm: (cid: string, orderId: string) => void };
    const confirm = execution.confirm.bind(execution);
    let thrown = 0;
    execution.confirm = (cid, orderId) => {
      if (thrown === 0 && new Error().stack!.includes('lookupOnce')) {
        thrown++;
        throw new Error('delivery failed');
      }
      confirm(cid, orderId);
    };
    started.gw!.faults.placeAfterLookups = 1;
    // Reported as a throw on the push path is (a strategy error where the run captures them).
    const reported: unknown[] = [];
    const previous = rxConfig.onUnhandledError;
    rxConfig.onUnhandledError = (e) => reported.push(e);
    let r;
    try {
      r = await s.ctx.submit({ symbol: 'AAA', side: 'BUY', quantity: 4 });
      // RxJS reports it from a timer.
      await until(() => reported.length > 0);
    } finally {
      rxConfig.onUnhandledError = previous;
    }
    expect(thrown).toBe(1);
    expect(reported).toEqual([new Error('delivery failed')]);
    expect(r.orderId).toBeDefined();
    expect(lookups).toBe(2);
    const journal = OrderJournal.read(runDir);
    expect(journal.filter((e) => e.e === 'accepted')).toEqual([expect.objectContaining({ cid: r.clientOrderId, orderId: r.orderId })]);
    expect(started.gw!.engine.ordersOf(started.gw!.account)).toHaveLength(1);
  });

  it('still absent after the window: reported not received only then, and not re-sent', async () => {
    const runDir = tempDir('pounce-run-');
    const s = await session({ runDir, unknownOutcomeWindowMs: 400 });
    started.gw!.faults.placeAfterLookups = 1000;
    const sentAt = Date.now();
    const r = await s.ctx.submit({ symbol: 'AAA', side: 'BUY', quantity: 4 });
    expect(r.rejected).toMatch(/not received by the venue.*not re-sent/);
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(400);
    expect(started.gw!.engine.ordersOf(started.gw!.account)).toHaveLength(0);
    expect(OrderJournal.read(runDir).filter((e) => e.e === 'intent')).toHaveLength(1);
  });
});

describe('an order whose place_order reply was lost, looked up by its send and by a reconcile at once', () => {
  it('one lookup settles it: reported not received once, to the strategy and in the journal', async () => {
    const runDir = tempDir('pounce-run-');
    let held = false;
    let letGo!: () => void;
    const goOn = new Promise<void>((r) => (letGo = r));
    let reach!: () => void;
    const reached = new Promise<void>((r) => (reach = r));
    let inFlight = 0;
    let mostInFlight = 0;
    const s = await session({ runDir, unknownOutcomeWindowMs: 300, venue: (v) => {
      const real = v.findOrderByUserMark.bind(v);
      // The send's first lookup is held until a reconcile has been asked for beside it.
      v.findOrderByUserMark = async (mark, since) => {
        mostInFlight = Math.max(mostInFlight, ++inFlight);
        try {
          if (!held) {
            held = true;
            reach();
            await goOn;
          }
          return await real(mark, since);
        } finally {
          inFlight--;
        }
      };
    } });
    started.gw!.faults.placeAfterLookups = 1000;
    const submitted = s.ctx.submit({ symbol: 'AAA', side: 'BUY', quantity: 4 });
    await reached;
    const reconciled = started.engine!.execution.reconcile();
    letGo();
    const [r] = await Promise.all([submitted, reconciled]);
    // Before: the send and the reconcile each looked it up and each rejected it (or one failed on the deleted intent).
    expect(r.rejected).toMatch(/not received by the venue/);
    const rejected = OrderJournal.read(runDir).filter((e) => e.e === 'rejected');
    expect(rejected.map((e) => e.e === 'rejected' && e.cid)).toEqual([r.clientOrderId]);
    expect(started.engine!.execution.rejectedCount).toBe(1);
    expect(s.seen.orders.filter((o) => o.status === 'Inactive')).toHaveLength(1);
    expect(started.engine!.execution.pendingCount).toBe(0);
    // One lookup at a time: the reconcile waited for the send's instead of asking beside it.
    expect(mostInFlight).toBe(1);
  });
});

describe('finding an order by userMark', () => {
  it('reads page after page of the run\'s time range, and only that range', async () => {
    started.gw = await startTestGateway({ stateDir: tempDir('pounce-gw-') });
    started.gw.advance(5);
    const { api } = clientsFor(started.gw);
    await api.placeOrder({ symbol: 'AAA', action: 'BUY', orderType: 'LMT', limitPrice: 1, quantity: 1, userMark: 'before-the-run' });
    started.gw.advance(1);
    const runStart = started.gw.replay.now();
    for (let i = 1; i <= 5; i++) await api.placeOrder({ symbol: 'AAA', action: 'BUY', orderType: 'LMT', limitPrice: 1, quantity: 1, userMark: `mark-${i}` });
    // Newest first, two per page: the run's oldest order is on the third page.
    expect((await api.findOrder({ startDate: runStart, limit: 2 }, (o) => o.userMark === 'mark-1'))?.userMark).toBe('mark-1');
    expect(await api.findOrder({ startDate: runStart, limit: 2 }, (o) => o.userMark === 'before-the-run')).toBeUndefined();
    const venue = new OpenApiVenue('embedded-paper', api, clientsFor(started.gw).push, ['AAA'], () => started.gw!.replay.now());
    expect((await venue.findOrderByUserMark('mark-3', runStart))?.userMark).toBe('mark-3');
    expect(await venue.findOrderByUserMark('before-the-run', runStart)).toBeUndefined();
    expect(await venue.findOrderByUserMark('before-the-run', 0)).toBeDefined();
  });
});
