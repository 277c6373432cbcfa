import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { OrderJournal, type JournalEntry } from '@pounce/runtime';
import { MAIN, TSX_LOADER, waitFor } from './childProcess.ts';

const tmp = mkdtempSync(join(tmpdir(), 'pounce-dashboard-failure-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

// Buys 2 on odd bars and sells 1 on even ones: long and growing, so after a halt its buys add
// exposure (refused) and its sells reduce it (they pass).
const PLUGIN = `
let bars = 0;
export default {
  name: 'buys-and-sells', params: {}, symbols: ['NVDA'],
  setup(ctx) {
    ctx.bars$().subscribe(() => {
      bars++;
      void ctx.submit({ symbol: 'NVDA', side: bars % 2 === 1 ? 'BUY' : 'SELL', quantity: bars % 2 === 1 ? 2 : 1 });
    });
  },
};
`;

/**
 * Preloaded into the run's process: once the test writes the dashboard's port into TRIGGER, the
 * HTTP server listening on it emits 'error', as a server whose socket fails after it started does.
 */
const faultModule = (trigger: string) => `
import { Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
const servers = [];
const listen = Server.prototype.listen;
Server.prototype.listen = function (...args) { servers.push(this); return listen.apply(this, args); };
const poll = setInterval(() => {
  if (!existsSync(${JSON.stringify(trigger)})) return;
  const port = Number(readFileSync(${JSON.stringify(trigger)}, 'utf8'));
  const server = servers.find((s) => s.address()?.port === port);
  if (!server) return;
  clearInterval(poll);
  server.emit('error', Object.assign(new Error('accept EMFILE (injected)'), { code: 'EMFILE' }));
}, 20);
poll.unref();
`;

describe('the dashboard failing while trading (real process)', () => {
  it('halts new orders (cause operator): buys are refused, sells that reduce the position still pass, and the terminal says so', async () => {
    const plugin = join(tmp, 'buys-and-sells.mjs');
    writeFileSync(plugin, PLUGIN);
    const trigger = join(tmp, 'fail-dashboard-port');
    const fault = join(tmp, 'dashboardFault.mjs');
    writeFileSync(fault, faultModule(trigger));
    const runDir = join(tmp, 'run');
    const proc = spawn(process.execPath, ['--import', TSX_LOADER, '--import', pathToFileURL(fault).href, MAIN, 'strategy', plugin, '--paper', '--dashboard', '--speed', '100', '--run-dir', runDir],
      { cwd: tmp, env: { ...process.env, HOME: tmp }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(proc);
    let out = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => proc.on('close', (c) => r(c)));

    const journal = () => OrderJournal.read(runDir);
    const fills = (side: 'BUY' | 'SELL') => journal().filter((e) => e.e === 'fill' && e.fill.action === side);
    await waitFor(() => /dashboard\s+http:\/\/127\.0\.0\.1:\d+\//.test(out), 60_000, 'the dashboard URL');
    await waitFor(() => fills('BUY').length >= 3 && fills('SELL').length >= 2, 60_000, 'buys and sells filling before the failure');
    writeFileSync(trigger, /dashboard\s+http:\/\/127\.0\.0\.1:(\d+)\//.exec(out)![1]!);
    await waitFor(() => journal().some((e) => e.e === 'note' && e.text.startsWith('halted by the operator: dashboard failed')), 30_000, 'the halt in the journal');
    const haltAt = journal().findIndex((e) => e.e === 'note' && e.text.startsWith('halted by the operator'));
    /** Orders the strategy asked for after the halt: their side and what became of them. */
    const afterHalt = () => {
      const j = journal();
      // An order sent journals its intent; one refused by risk only its rejection, with the request.
      const sides = new Map<string, string>();
      const sentAfter = new Set<string>();
      j.forEach((e, i) => {
        if ((e.e !== 'intent' && e.e !== 'rejected') || !e.req || sides.has(e.cid)) return;
        sides.set(e.cid, e.req.action);
        if (i > haltAt) sentAfter.add(e.cid);
      });
      const outcome = (e: JournalEntry) => (e.e === 'accepted' || e.e === 'rejected' ? { cid: e.cid, side: sides.get(e.cid), e } : undefined);
      return j.map(outcome).filter((o) => o !== undefined && sentAfter.has(o.cid)).map((o) => o!);
    };
    const acceptedSells = () => afterHalt().filter((o) => o.e.e === 'accepted' && o.side === 'SELL');
    await waitFor(() => afterHalt().some((o) => o.e.e === 'rejected' && o.side === 'BUY') && acceptedSells().length >= 2, 60_000, 'buys refused and sells accepted after the halt');
    proc.kill('SIGINT');
    expect(await exited).toBe(0);

    expect(journal()[haltAt]).toMatchObject({ e: 'note', text: 'halted by the operator: dashboard failed: accept EMFILE (injected)' });
    // After the halt no buy reaches the venue: each is refused by the halt (so is a sell once the position is flat).
    expect(afterHalt().filter((o) => o.side === 'BUY').every((o) => o.e.e === 'rejected')).toBe(true);
    for (const o of afterHalt()) if (o.e.e === 'rejected') expect(o.e.reason).toBe('risk: trading halted: dashboard failed: accept EMFILE (injected)');
    // Sells that reduce the long position pass the halt and fill.
    const filledOrders = new Set(journal().flatMap((e) => (e.e === 'fill' ? [e.fill.orderId] : [])));
    expect(acceptedSells().filter((o) => o.e.e === 'accepted' && filledOrders.has(o.e.orderId)).length).toBeGreaterThanOrEqual(1);
    expect(out).toContain('dashboard failed: accept EMFILE (injected): new orders halted (orders that reduce a position still pass); Ctrl-C stops the run');
  }, 180_000);
});
