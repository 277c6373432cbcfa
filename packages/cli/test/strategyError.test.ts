import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OrderJournal } from '@pounce/runtime';
import { MAIN, runPounce, TSX_LOADER, waitFor } from './childProcess.ts';

const tmp = mkdtempSync(join(tmpdir(), 'pounce-strategy-error-cli-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

// A plugin loaded by path: throws in its bars$ subscriber on the 3rd bar, then on the 5th bar sends
// an order and throws in the promise chain after submit (an unhandled rejection).
const PLUGIN = `
let bars = 0;
export default {
  name: 'throws-on-3rd-bar', params: {}, symbols: ['NVDA'],
  setup(ctx) {
    ctx.bars$().subscribe(() => {
      bars++;
      if (bars === 3) throw new Error('bug on bar 3');
      if (bars === 5) void ctx.submit({ symbol: 'NVDA', side: 'BUY', quantity: 1 }).then(() => { throw new Error('bug after submit'); });
    });
  },
};
`;

const env = { ...process.env, HOME: tmp };

describe('npm run strategy with a strategy that throws (real process)', () => {
  it('survives, shows and journals each error, halts new orders, and exits 0 on Ctrl-C', async () => {
    const plugin = join(tmp, 'throws-on-3rd-bar.mjs');
    writeFileSync(plugin, PLUGIN);
    const runDir = join(tmp, 'run');
    const proc = spawn(process.execPath, ['--import', TSX_LOADER, MAIN, 'strategy', plugin, '--paper', '--speed', '100', '--status-every', '200ms', '--run-dir', runDir], { cwd: tmp, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(proc);
    let out = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => proc.on('close', (c) => r(c)));
    const errors = () => OrderJournal.read(runDir).filter((e) => e.e === 'strategy-error');
    await waitFor(() => errors().length === 2, 60_000, 'two strategy errors in the journal');
    await waitFor(() => /strategy errors 2/.test(out), 10_000, 'the status line to show the errors');
    proc.kill('SIGINT');
    expect(await exited).toBe(0);

    expect(errors()).toEqual([
      expect.objectContaining({ where: 'bars$ subscriber', message: 'bug on bar 3', stack: expect.stringContaining('throws-on-3rd-bar.mjs') }),
      expect.objectContaining({ where: 'unhandled promise rejection', message: 'bug after submit' }),
    ]);
    // The order asked for after the first error was refused by the halt, before reaching the venue.
    expect(OrderJournal.read(runDir).filter((e) => e.e === 'rejected')).toEqual([expect.objectContaining({ reason: 'risk: trading halted: strategy error in bars$ subscriber: bug on bar 3' })]);
    expect(out).toMatch(/ERROR \[throws-on-3rd-bar\] strategy error in bars\$ subscriber: bug on bar 3/);
    expect(out).toMatch(/HALTED: strategy error in bars\$ subscriber: bug on bar 3/);
    expect(out).toMatch(/halted\s+strategy error in bars\$ subscriber: bug on bar 3/);
    expect(out).toMatch(/strategy\s+2 error\(s\), last: unhandled promise rejection: bug after submit/);
    expect(out).not.toMatch(/Uncaught|triggerUncaughtException/);
  }, 90_000);

  it('refuses an unknown --on-strategy-error value before connecting', async () => {
    const plugin = join(tmp, 'throws-on-3rd-bar.mjs');
    writeFileSync(plugin, PLUGIN);
    const r = await runPounce(['strategy', plugin, '--paper', '--on-strategy-error', 'ignore'], { cwd: tmp, env });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--on-strategy-error: expected halt or continue, got "ignore"/);
  });
});
