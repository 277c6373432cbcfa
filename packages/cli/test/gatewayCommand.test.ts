import { afterAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIRST_BAR_PLUGIN, startPounce, waitFor } from './childProcess.ts';

const procs: ChildProcess[] = [];
const dirs: string[] = [];
afterAll(() => {
  procs.forEach((p) => p.kill('SIGKILL'));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('npm run gateway (real processes)', () => {
  it('waits for the first client to subscribe before it replays, prints replay time in exchange time, and warns when a restart discards state', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pounce-gwcmd-'));
    dirs.push(dir);
    const state = join(dir, 'gw');
    const gwArgs = ['gateway', '--synthetic', 'NVDA', '--bars', '3000', '--speed', '100', '--state', state, '--status-every', '200ms'];
    const gw = startPounce(gwArgs, procs, dir);
    await waitFor(() => gw.out().includes('ready'), 30_000, 'the gateway');
    // Before: the replay started at once, so a client connecting later had missed the start.
    expect(gw.out()).toMatch(/replay\s+waits at \d{4}-\d\d-\d\d \d\d:\d\d New York for the first client to subscribe/);
    expect(gw.out()).not.toContain('replay started');
    const cfg = /client config (\S+)/.exec(gw.out())![1]!;
    const plugin = join(dir, 'first-bar.mjs');
    writeFileSync(plugin, FIRST_BAR_PLUGIN); // sma-cross decides on daily bars: a few seconds of minute bars hold none
    const run = startPounce(['strategy', plugin, '--paper', '--config', cfg, '--run-dir', join(dir, 'run'), '--duration', '3s'], procs, dir);
    await waitFor(() => gw.out().includes('replay started (a client subscribed)'), 30_000, 'the replay to start');
    await waitFor(() => /replay \d{4}-\d\d-\d\d \d\d:\d\d New York \(step \d+\/3000\)/.test(gw.out()), 10_000, 'a replay time line');
    expect(await run.exited).toBe(0);
    // The replay waited for the run: its first bar reached the strategy, which ordered on it.
    expect(Number(/orders\s+(\d+)/.exec(run.out().split('summary')[1] ?? '')?.[1])).toBeGreaterThan(0);
    gw.proc.kill('SIGINT');
    expect(await gw.exited, `${gw.ending()}\n${gw.out()}`).toBe(0);
    expect(gw.out()).toMatch(/stopped at replay time .* New York; state kept in/);

    const again = startPounce(gwArgs, procs, dir);
    await waitFor(() => again.out().includes('ready'), 30_000, 'the restarted gateway');
    expect(again.out()).toMatch(/warning: .*gw holds a previous gateway's state \(\d+ commands: orders, cancels\); starting without --resume discards it/);
    again.proc.kill('SIGINT');
    expect(await again.exited, `${again.ending()}\n${again.out()}`).toBe(0);

    const resumed = startPounce([...gwArgs, '--resume'], procs, dir);
    await waitFor(() => resumed.out().includes('ready'), 30_000, 'the resumed gateway');
    expect(resumed.out()).not.toContain('warning:');
    resumed.proc.kill('SIGINT');
    expect(await resumed.exited, `${resumed.ending()}\n${resumed.out()}`).toBe(0);
  }, 90_000);

  it('refuses a bad port before it touches the state folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pounce-gwcmd-'));
    dirs.push(dir);
    const r = startPounce(['gateway', '--port', '99999', '--state', join(dir, 'gw')], procs, dir);
    expect(await r.exited).toBe(1);
    expect(r.out()).toContain('--port: expected a number, got "99999"');
  }, 30_000);
});
