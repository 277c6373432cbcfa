import { execFileSync } from 'node:child_process';
import { dirname, join, basename } from 'node:path';

/**
 * Runs a benchmark's TypeScript entry in a process of its own as the CLI runs: plain node, Pounce
 * from its build, the entry (and the strategy it imports) bundled by esbuild at each call. The benchmarks
 * themselves run under tsx, whose loader thread adds ~34 MB of RSS that no `npm run backtest`
 * process has since strategies are compiled (not loaded through tsx): a memory row measures the
 * process a user runs. The bundle is written beside the entry (git-ignored), so that a bench
 * module's `import.meta.url` paths and bare imports resolve as they do from the sources (`@pounce/*`
 * to the packages' builds). Returns the entry's last stdout line.
 */
export async function runBuilt(entry: string, args: readonly string[] = []): Promise<string> {
  const { build } = await import('esbuild');
  const out = join(dirname(entry), basename(entry).replace(/\.ts$/, '.built.mjs'));
  await build({ entryPoints: [entry], outfile: out, bundle: true, packages: 'external', format: 'esm', platform: 'node', target: 'node20', logLevel: 'warning' });
  const stdout = execFileSync(process.execPath, [out, ...args], { encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'inherit'] });
  return stdout.trim().split('\n').pop() ?? '';
}
