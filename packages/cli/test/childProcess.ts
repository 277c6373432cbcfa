import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
/**
 * The source loader by absolute URL, for `node --import`: tsx plus the `pounce-source` export condition,
 * so child processes run the sources under test, not dist/ (scripts/sourceLoader.mjs). One process per
 * command (the tsx CLI would leave its child running when killed), and it resolves from any working folder.
 */
export const TSX_LOADER = pathToFileURL(fileURLToPath(new URL('../../../scripts/sourceLoader.mjs', import.meta.url))).href;

export interface Started {
  proc: ChildProcess;
  /** Everything the process wrote so far, stdout and stderr in arrival order. */
  out: () => string;
  /**
   * The exit code, once the process has ended and its output is read to the end ('close', not
   * 'exit': output written just before the end can arrive after 'exit'). null: ended by a signal.
   */
  exited: Promise<number | null>;
  /** How it ended, for assertion messages: `exit 0`, `signal SIGINT`, or `running`. */
  ending: () => string;
}

/**
 * The environment of a child `pounce` run: a tiger_id lock folder of its own. Every test gateway
 * hands out the sample tiger_id, and two test files running at once (each with its own gateway,
 * a broker of its own) must not refuse each other's runs. A test about the lock sets
 * POUNCE_LOCK_DIR itself, and its processes share that folder.
 */
export function childEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (env.POUNCE_LOCK_DIR !== undefined && env.POUNCE_LOCK_DIR !== env.POUNCE_TEST_RUN_LOCK_DIR) return env;
  return { ...env, POUNCE_LOCK_DIR: mkdtempSync(join(tmpdir(), 'pounce-locks-')) };
}

export interface Ran {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Killed (SIGKILL) past this; a generous default, since a loaded machine is slow, not stuck. */
  timeoutMs?: number;
}

/**
 * Runs a process to its end and resolves with its exit and output, without blocking the test
 * worker: spawnSync would stop the worker's event loop for the child's whole life, and a child
 * slower than a minute (a loaded machine) then fails vitest's own calls to the worker, which
 * fails the run with "Timeout calling onTaskUpdate" although every test passed.
 */
export function runProcess(cmd: string, args: string[], o: RunOptions = {}): Promise<Ran> {
  const proc = spawn(cmd, args, { cwd: o.cwd ?? ROOT, env: o.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  outliving(proc);
  let stdout = '';
  let stderr = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => proc.kill('SIGKILL'), o.timeoutMs ?? 300_000);
  return new Promise((resolve, reject) => {
    proc.on('error', (e) => (clearTimeout(timer), reject(e)));
    proc.on('close', (status, signal) => (clearTimeout(timer), resolve({ status, signal, stdout, stderr })));
  });
}

// A test that times out (120 s) leaves its child running; it must not outlive the test worker
// (runProcess's own limit is longer), or it keeps a core busy while the next files run.
const live = new Set<ChildProcess>();
let killAtExit = false;
function outliving(proc: ChildProcess): void {
  live.add(proc);
  proc.once('exit', () => live.delete(proc));
  if (killAtExit) return;
  killAtExit = true;
  process.once('exit', () => live.forEach((p) => p.kill('SIGKILL')));
}

/** `pounce <args>` (the sources, through TSX_LOADER) run to its end; see runProcess. */
export function runPounce(args: string[], o: RunOptions = {}): Promise<Ran> {
  return runProcess(process.execPath, ['--import', TSX_LOADER, MAIN, ...args], o);
}

/** Starts `pounce <args>` as a real process; collect them in `into` to kill them after the test. */
export function startPounce(args: string[], into: ChildProcess[], cwd = ROOT): Started {
  const proc = spawn(process.execPath, ['--import', TSX_LOADER, MAIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: childEnv() });
  into.push(proc);
  outliving(proc);
  let text = '';
  let ending = 'running';
  proc.stdout!.on('data', (d) => (text += d));
  proc.stderr!.on('data', (d) => (text += d));
  const exited = new Promise<number | null>((r) => proc.on('close', (code, signal) => {
    ending = signal === null ? `exit ${code ?? '?'}` : `signal ${signal}`;
    r(code);
  }));
  return { proc, out: () => text, exited, ending: () => ending };
}

/** Polls `cond` every 50 ms until true, or fails naming what it waited for. */
export async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A strategy plugin (plain ESM, loadable by path from any folder) that buys one share on its first
 * bar, on the venue's own bars: for tests against a standalone gateway replaying minute bars, where
 * the shipped strategies (daily timeframe) would see no bar in a few seconds.
 */
export const FIRST_BAR_PLUGIN = `
export default {
  name: 'first-bar', params: {}, symbols: ['NVDA'],
  setup(ctx) {
    let sent = false;
    ctx.bars$().subscribe(() => {
      if (sent) return;
      sent = true;
      void ctx.submit({ symbol: 'NVDA', side: 'BUY', quantity: 1 });
    });
  },
};
`;
