import { afterAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, startPounce, waitFor } from './childProcess.ts';

/**
 * Every command shown in README.md and docs/*.md, run as a new user would: each document's
 * commands in order, in a fresh folder per document (so a `--from-report` finds the report the
 * line before wrote). Each must exit 0 and print
 * no error row. The documented adjustments:
 * - `[...]` parts of a synopsis are optional and left out; a line with a `<placeholder>` is a
 *   synopsis, not a command, and is skipped;
 * - strategy runs are shortened with flags they document: `--duration 3s --speed max`; a run
 *   with `--run-dir` (the next line replay-checks it) runs its whole replay at `--speed max`
 *   instead, so it ends by itself at the end of the data, not at an arbitrary instant;
 * - `npm run gateway` runs until Ctrl-C: it is stopped with SIGINT once ready;
 * - `npm install` and `npm test` are not run from inside the test suite;
 * - `path/to/tiger_openapi_config.properties` is the sample config of the tests;
 * - `doctor` checks a real account over the network: it is not run here (tests only talk to
 *   loopback; its own tests run it against the local gateway);
 * - repo paths (`examples/...`, `packages/...`, also after `SYM=`) are resolved against the repo;
 * - `new` writes into a strategies folder of the test's (`--dir`), never the repo's;
 * - `node` runs are shortened like strategy runs.
 */
const SAMPLE_CONFIG = join(ROOT, 'packages/core/test/fixtures/sample_openapi_config.properties');
const NOT_RUN = new Set(['npm install', 'npm test']);

interface DocCommand {
  where: string;
  line: string;
  /** The `pounce` subcommand and its arguments, as `npm run <script> -- args` runs them. */
  args: string[];
}

function scripts(): Record<string, string> {
  return (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
}

/** The `npm run` commands in the fenced code blocks of README.md and docs/*.md. */
export function docCommands(): DocCommand[] {
  const files = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
  const known = scripts();
  const out: DocCommand[] = [];
  for (const file of files) {
    let fenced = false;
    readFileSync(join(ROOT, file), 'utf8').split('\n').forEach((text, i) => {
      if (text.startsWith('```')) {
        fenced = !fenced;
        return;
      }
      if (!fenced) return;
      for (const part of text.replace(/\s+#.*$/, '').split('&&').map((s) => s.trim())) {
        if (!part.startsWith('npm ') || NOT_RUN.has(part) || part.includes('<')) continue;
        const m = /^npm run ([\w:-]+)(?: --(?: (.*))?)?$/.exec(part.replace(/\s*\[[^\]]*\]/g, '').trim());
        if (!m) throw new Error(`${file}:${i + 1}: not an npm run command this test knows: ${part}`);
        const script = known[m[1]!];
        // The scripts run the built CLI; the test runs the same command from the sources.
        const prefix = 'node packages/cli/dist/main.js';
        if (!script?.startsWith(prefix)) throw new Error(`${file}:${i + 1}: npm run ${m[1]!} is not a pounce command`);
        const args = [...script.slice(prefix.length).trim().split(/\s+/).filter(Boolean), ...(m[2] ?? '').split(/\s+/).filter(Boolean)];
        if (args[0] === 'doctor') continue; // a real account over the network: see above
        out.push({ where: `${file}:${i + 1}`, line: part, args });
      }
    });
  }
  return out;
}

/** The documented adjustments above, applied to one command. */
let newDirs = 0;

/** `examples/x` or `SYM=packages/x` with the path made absolute; anything else as it is. */
function repoPath(arg: string): string {
  const m = /^(\w+=)?((?:examples|packages)\/.*)$/.exec(arg);
  return m ? `${m[1] ?? ''}${join(ROOT, m[2]!)}` : arg;
}

function adjusted(args: string[], dir: string): string[] {
  // npm runs the scripts from the repo's root: the documents' `examples/...` paths are relative to it.
  const a = args.map((x) => (x === 'path/to/tiger_openapi_config.properties' ? join(dir, 'sample.properties') : repoPath(x)));
  if (a[0] === 'new') a.push('--dir', join(dir, `strategies-${++newDirs}`));
  if ((a[0] === 'strategy' || a[0] === 'node') && !a.includes('--list')) {
    for (const flag of ['--duration', '--speed']) {
      const i = a.indexOf(flag);
      if (i >= 0) a.splice(i, 2);
    }
    a.push(...(a.includes('--run-dir') ? [] : ['--duration', '3s']), '--speed', 'max');
  }
  return a;
}

const procs: ChildProcess[] = [];
const dir = mkdtempSync(join(tmpdir(), 'pounce-docs-'));
afterAll(() => {
  procs.forEach((p) => p.kill('SIGKILL'));
  rmSync(dir, { recursive: true, force: true });
});

describe('every command in README.md and docs/*.md', () => {
  const commands = docCommands();

  it('finds the documented commands', () => {
    expect(commands.length).toBeGreaterThan(15);
    expect(commands.map((c) => c.args[0])).toEqual(expect.arrayContaining(['strategy', 'backtest', 'parity', 'replay-check', 'gateway', 'config']));
  });

  it('runs each one: exit 0 and no error row', async () => {
    copyFileSync(SAMPLE_CONFIG, join(dir, 'sample.properties'));
    chmodSync(join(dir, 'sample.properties'), 0o600);
    const failures: string[] = [];
    const folders = new Map<string, string>();
    for (const c of commands) {
      const doc = c.where.split(':')[0]!;
      if (!folders.has(doc)) folders.set(doc, mkdtempSync(join(dir, 'doc-')));
      const args = adjusted(c.args, dir);
      const p = startPounce(args, procs, folders.get(doc)!);
      if (args[0] === 'gateway') {
        await waitFor(() => p.out().includes('ready') || p.proc.exitCode !== null, 30_000, `${c.where} to be ready`);
        p.proc.kill('SIGINT');
      }
      const code = await p.exited;
      const text = p.out();
      // Every run prints the cash it uses (the same default everywhere).
      const runs = ['strategy', 'backtest', 'parity', 'gateway'].includes(args[0]!) && !args.includes('--list');
      if (runs && !/^cash\s+100,000\.00\b/m.test(text)) failures.push(`${c.where}: ${c.line}\n  printed no "cash 100,000.00" line`);
      if (code !== 0 || /^error\b/m.test(text)) failures.push(`${c.where}: ${c.line}\n  ran: pounce ${args.join(' ')}\n  exit ${code}\n${text.split('\n').slice(-25).join('\n')}`);
    }
    expect(failures).toEqual([]);
  }, 600_000);
});
