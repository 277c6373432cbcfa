import { afterAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPounce, waitFor } from './childProcess.ts';

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterAll(() => {
  children.forEach((c) => c.kill('SIGKILL'));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Linux process state letter (`T` once a SIGSTOP has taken effect). */
const procState = (pid: number) => /\) (\w)/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1];

describe('a second process on a run folder in use (real processes)', () => {
  it.skipIf(process.platform !== 'linux')('is refused naming the pid, before it touches the running run\'s gateway state or journal', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'pounce-lock-'));
    dirs.push(tmp);
    const runDir = join(tmp, 'run');
    const commands = join(runDir, 'gateway', 'commands.jsonl');
    const args = ['strategy', 'sma-cross', '--paper', '--embedded', '--param', 'fast=3', '--param', 'slow=8', '--speed', '50', '--run-dir', runDir];

    const first = startPounce(args, children, tmp);
    await waitFor(() => existsSync(commands) && readFileSync(commands, 'utf8').includes('"k":"place"'), 60_000, 'the first run to place an order');
    // Freeze the first run so that its files cannot change while the second one tries.
    first.proc.kill('SIGSTOP');
    await waitFor(() => procState(first.proc.pid!) === 'T', 10_000, 'the first run to stop');
    const before = { commands: readFileSync(commands), journal: readFileSync(join(runDir, 'journal.jsonl')) };

    const second = startPounce(args, children, tmp);
    expect(await second.exited).not.toBe(0);
    expect(second.out()).toContain(`run folder ${runDir} is in use by process ${first.proc.pid}`);
    expect(readFileSync(commands).equals(before.commands)).toBe(true);
    expect(readFileSync(join(runDir, 'journal.jsonl')).equals(before.journal)).toBe(true);
    expect(readFileSync(join(runDir, 'LOCK'), 'utf8')).toBe(String(first.proc.pid));

    // The first run carries on unharmed and stops cleanly.
    first.proc.kill('SIGCONT');
    first.proc.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.out()).toContain('summary');
    expect(existsSync(join(runDir, 'LOCK'))).toBe(false);
  }, 90_000);
});
