import { afterAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIRST_BAR_PLUGIN, startPounce, waitFor } from './childProcess.ts';

const procs: ChildProcess[] = [];
const dirs: string[] = [];
const servers: Server[] = [];
afterAll(() => {
  procs.forEach((p) => p.kill('SIGKILL'));
  servers.forEach((s) => s.close());
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'pounce-start-'));
  dirs.push(d);
  return d;
}

/** Runs `pounce <args>` in `cwd` to its end: exit code and everything it printed. */
async function pounce(args: string[], cwd: string): Promise<{ code: number | null; out: string }> {
  const p = startPounce(args, procs, cwd);
  const code = await p.exited;
  return { code, out: p.out() };
}

const journal = (runDir: string) => !existsSync(join(runDir, 'journal.jsonl')) ? [] : readFileSync(join(runDir, 'journal.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { e: string; text?: string });
const summaryNumber = (out: string, label: string) => Number(new RegExp(`${label}\\s+(\\d+)`).exec(out.split('summary')[1] ?? '')?.[1]);
const FAST = ['--param', 'fast=3', '--param', 'slow=8'];

describe('strategy start-up: validate first, create nothing on failure (real processes)', () => {
  it('a busy dashboard port stops the start before the venue is touched: non-zero exit, no run folder, no LOCK', async () => {
    // Before: `listen EADDRINUSE` was printed, then the run traded silently for ever.
    const dir = tempDir();
    const busy = createServer();
    servers.push(busy);
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    const port = (busy.address() as { port: number }).port;
    const r = await pounce(['strategy', 'sma-cross', '--paper', '--dashboard', '--dashboard-port', String(port), '--duration', '3s'], dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`--dashboard-port ${port}: 127.0.0.1:${port} is already in use (EADDRINUSE)`);
    expect(r.out).not.toMatch(/venue\s+embedded/);
    expect(existsSync(join(dir, '.pounce'))).toBe(false);
  }, 60_000);

  it('bad --param, risk flag, duration, speed or port: refused with the flag named, and no folder is left behind', async () => {
    const dir = tempDir();
    const cases: Array<[string[], RegExp]> = [
      [['--param', 'fast=abc'], /parameter fast: expected a number, got "abc"/],
      [['--param', 'nope=1'], /unknown parameter "nope"/],
      [['--max-order-qty', '0'], /--max-order-qty: expected a positive number, got "0"/],
      [['--daily-loss', '-5'], /--daily-loss: expected a positive amount/],
      [['--duration', 'soon'], /--duration: expected a duration/],
      [['--speed', 'fast'], /--speed: expected a number, got "fast"/],
      [['--dashboard', '--dashboard-port', '70000'], /--dashboard-port: expected a number, got "70000"/],
      [['--status-every', 'x'], /--status-every: expected a duration/],
    ];
    for (const [flags, message] of cases) {
      const r = await pounce(['strategy', 'sma-cross', '--paper', ...flags], dir);
      expect(r.code, flags.join(' ')).toBe(1);
      expect(r.out).toMatch(message);
    }
    expect(existsSync(join(dir, '.pounce'))).toBe(false);
  }, 120_000);

  it('--resume latest picks the last run that started, not a newer folder that never did', async () => {
    const dir = tempDir();
    const first = await pounce(['strategy', 'sma-cross', '--paper', ...FAST, '--speed', '400', '--duration', '3s'], dir);
    expect(first.code).toBe(0);
    const runs = join(dir, '.pounce', 'runs');
    const [real] = readdirSync(runs);
    // A folder an older version's failed start left behind: newer name, no journal `run` line.
    mkdirSync(join(runs, 'zzzz-failed-start'));
    writeFileSync(join(runs, 'zzzz-failed-start', 'journal.jsonl'), '');
    const resumed = await pounce(['strategy', 'sma-cross', '--paper', ...FAST, '--speed', '400', '--duration', '2s', '--resume', 'latest'], dir);
    expect(resumed.code).toBe(0);
    expect(resumed.out).toContain(`run        ${join(runs, real!)} (resumed)`);
    // Counters continue from the journal: the first run's fills are counted, and said so.
    const firstFills = summaryNumber(first.out, 'fills');
    expect(firstFills).toBeGreaterThan(0);
    const m = /resumed\s+journal: (\d+) orders, (\d+) fills, (\d+) rejected/.exec(resumed.out);
    expect(Number(m?.[2])).toBe(firstFills);
    const journaledFills = journal(join(runs, real!)).filter((e) => e.e === 'fill').length;
    expect(summaryNumber(resumed.out, 'fills')).toBe(journaledFills);
    expect(summaryNumber(resumed.out, 'fills')).toBeGreaterThanOrEqual(firstFills);
    // The same folder as a new run is refused: before, a second `run` record was appended to its journal.
    const again = await pounce(['strategy', 'sma-cross', '--paper', '--run-dir', join(runs, real!), '--duration', '1s'], dir);
    expect(again.code).toBe(1);
    expect(again.out).toContain(`run folder ${join(runs, real!)} already holds a run; continue it with --resume`);
    expect(journal(join(runs, real!)).filter((e) => e.e === 'run')).toHaveLength(1);
    expect(existsSync(join(runs, real!, 'LOCK'))).toBe(false);
  }, 90_000);

  it('prints what is active: venue, new run, cash, risk, params with their source; every rejection with its reason; the orders left working', async () => {
    const dir = tempDir();
    const r = await pounce(['strategy', 'sma-cross', '--paper', '--param', 'fast=3', '--speed', '400', '--duration', '2s', '--max-order-qty', '50'], dir);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/run\s+\S+ \(new\)/);
    expect(r.out).toMatch(/cash\s+100,000\.00/);
    expect(r.out).toMatch(/risk\s+max-order-qty=50/);
    expect(r.out).toMatch(/params\s+fast=3 \(command line\) slow=30 \(default\) size=100 \(default\)/);
    const refusals = r.out.split('\n').filter((l) => l.startsWith('rejected'));
    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals[0]).toBe('rejected   BUY 100 NVDA MKT: risk: order quantity 100 exceeds max 50');
    expect(refusals.length).toBe(summaryNumber(r.out, 'rejected'));
    expect(r.out).toMatch(/working\s+none: no order left at the venue/);
  }, 60_000);
});

describe('kill switch (real processes)', () => {
  it('a KILL file stops the run at once and is journaled; --resume refuses until --clear-kill', async () => {
    const dir = tempDir();
    const runDir = join(dir, 'run');
    // Speed 5: about 5 bars a second, so the run is still trading when the file appears.
    const p = startPounce(['strategy', 'sma-cross', '--paper', ...FAST, '--speed', '5', '--run-dir', runDir, '--status-every', '60s'], procs, dir);
    await waitFor(() => p.out().includes('cash '), 30_000, 'the run to start');
    writeFileSync(join(runDir, 'KILL'), '');
    expect(await p.exited).toBe(0);
    expect(p.out()).toContain('KILL file found: cancelling open orders and stopping');
    expect(journal(runDir).some((e) => e.e === 'note' && e.text === 'kill switch: KILL file')).toBe(true);
    // The status line every 60 s never ran: the watcher, not the status tick, noticed the file.
    expect(p.out()).not.toMatch(/\[\s*\d+s\]/);

    const refused = await pounce(['strategy', 'sma-cross', '--paper', ...FAST, '--resume', runDir, '--duration', '1s'], dir);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('was stopped by its kill switch (the KILL file is there); check why, then resume with --clear-kill');
    expect(refused.out).not.toMatch(/venue\s+embedded/);

    const cleared = await pounce(['strategy', 'sma-cross', '--paper', ...FAST, '--resume', runDir, '--clear-kill', '--speed', '200', '--duration', '2s'], dir);
    expect(cleared.code).toBe(0);
    expect(cleared.out).toContain('KILL file removed (--clear-kill)');
    expect(existsSync(join(runDir, 'KILL'))).toBe(false);
    expect(journal(runDir).some((e) => e.e === 'note' && e.text === 'kill switch cleared by --clear-kill')).toBe(true);
  }, 90_000);

  it('a KILL file present before the start stops it before any order', async () => {
    const dir = tempDir();
    const runDir = join(dir, 'run');
    mkdirSync(runDir);
    writeFileSync(join(runDir, 'KILL'), '');
    const r = await pounce(['strategy', 'sma-cross', '--paper', '--run-dir', runDir, '--duration', '2s'], dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain('KILL exists: the kill switch is set for this run folder');
    expect(existsSync(join(runDir, 'journal.jsonl'))).toBe(false);
  }, 30_000);

  it.skipIf(process.platform !== 'linux')('Ctrl-C twice during the stop trips the kill switch, says so and journals it', async () => {
    // Before: the second Ctrl-C printed nothing and journaled nothing. The run trades against a
    // standalone gateway that the test freezes, so the first stop (its final reconcile) is still
    // under way when the second Ctrl-C arrives: no timing luck.
    const dir = tempDir();
    const runDir = join(dir, 'run');
    const gw = startPounce(['gateway', '--synthetic', 'NVDA', '--bars', '5000', '--speed', '50', '--state', join(dir, 'gw')], procs, dir);
    await waitFor(() => gw.out().includes('ready'), 30_000, 'the gateway');
    const cfg = /client config (\S+)/.exec(gw.out())![1]!;
    const plugin = join(dir, 'first-bar.mjs');
    writeFileSync(plugin, FIRST_BAR_PLUGIN); // buys on its first minute bar (sma-cross decides on daily bars)
    const p = startPounce(['strategy', plugin, '--paper', '--config', cfg, '--run-dir', runDir, '--status-every', '60s'], procs, dir);
    await waitFor(() => journal(runDir).some((e) => e.e === 'accepted'), 60_000, 'an order accepted by the gateway');
    gw.proc.kill('SIGSTOP');
    p.proc.kill('SIGINT');
    await waitFor(() => p.out().includes('stopping (Ctrl-C again'), 10_000, 'the first Ctrl-C');
    p.proc.kill('SIGINT');
    await waitFor(() => p.out().includes('Ctrl-C again: kill switch, cancelling open orders'), 10_000, 'the second Ctrl-C');
    gw.proc.kill('SIGCONT');
    expect(await p.exited).toBe(0);
    expect(p.out()).toMatch(/kill switch: \d+ cancel request\(s\) sent/);
    expect(journal(runDir).some((e) => e.e === 'note' && e.text === 'kill switch: SIGINT twice')).toBe(true);
    expect(p.out()).toMatch(/working\s+(none|\d+ order)/);
    gw.proc.kill('SIGINT');
    expect(await gw.exited).toBe(0);
    // Longer than its waits together (30 + 60 + 10 + 10 s): on a loaded machine two processes
    // starting from sources take most of a minute, and a real failure must name the wait it failed.
  }, 150_000);
});
