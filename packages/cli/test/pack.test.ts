import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childEnv, ROOT, runProcess } from './childProcess.ts';

/**
 * The packages as a user gets them: each workspace is packed (`npm pack`), the tarballs are installed
 * in a fresh folder outside the repo, and a strategy written there is backtested with the installed
 * `pounce` command. Nothing resolves into the repo: the installed packages are copies, run from dist/.
 * The install is offline (`--offline`): the repo's own `npm install` filled the npm cache.
 */
const PACKAGES = ['core', 'matching', 'calendar', 'store', 'gateway', 'runtime', 'dashboard', 'backtest', 'cli'];
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

// A strategy as a user would write it, outside the repo: it only knows the published @pounce/runtime.
const STRATEGY = `import { defineStrategy } from '@pounce/runtime';

export default defineStrategy({
  name: 'outside-momentum',
  description: 'Hold while the close is above the close lookback bars ago',
  params: { lookback: { type: 'integer', default: 5, min: 2, description: 'bars to look back' } },
  symbols: ['NVDA'],
  setup(ctx) {
    const closes: number[] = [];
    let pending = false;
    ctx.orders$.subscribe((o) => {
      if (['Filled', 'Cancelled', 'Inactive', 'Invalid'].includes(o.status)) pending = false;
    });
    ctx.bars$().subscribe((bar) => {
      closes.push(bar.close);
      if (closes.length <= ctx.params.lookback || pending) return;
      const rising = bar.close > closes[closes.length - 1 - ctx.params.lookback]!;
      const held = ctx.position(bar.symbol).quantity;
      if (rising && held <= 0) {
        pending = true;
        void ctx.submit({ symbol: bar.symbol, side: 'BUY', quantity: 10, type: 'market' });
      } else if (!rising && held > 0) {
        pending = true;
        void ctx.submit({ symbol: bar.symbol, side: 'SELL', quantity: held, type: 'market' });
      }
    });
  },
});
`;

interface LockEntry { version?: string; resolved?: string; dev?: boolean; link?: boolean; bin?: Record<string, string>; dependencies?: Record<string, string> }

/**
 * The outside project: package.json depending on the tarballs, and a package-lock.json that pins the
 * third-party packages to the versions of the repo's own lock. With the versions fixed, npm needs no
 * registry metadata, so the install works offline from the npm cache the repo's install filled.
 */
function writeOutsideProject(at: string, tarballs: string[]): void {
  const repoLock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const pounce = Object.fromEntries(tarballs.map((t) => [`@pounce/${t.replace(/^pounce-/, '').replace(/-\d+\.\d+\.\d+\.tgz$/, '')}`, `file:tarballs/${t}`]));
  const packages: Record<string, LockEntry & { name?: string }> = { '': { name: 'outside', dependencies: pounce } };
  for (const [name, spec] of Object.entries(pounce)) {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'packages', name.slice('@pounce/'.length), 'package.json'), 'utf8')) as LockEntry;
    // npm links a package's commands from its lock entry's `bin`.
    packages[`node_modules/${name}`] = { version: manifest.version!, resolved: spec, dependencies: manifest.dependencies ?? {}, ...(manifest.bin ? { bin: manifest.bin } : {}) };
  }
  for (const [path, entry] of Object.entries(repoLock.packages)) {
    if (!path.startsWith('node_modules/') || path.startsWith('node_modules/@pounce/') || entry.dev || entry.link) continue;
    // Lock entries of registry packages may omit `resolved`; spell out the registry's tarball address.
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    packages[path] = { ...entry, resolved: entry.resolved ?? `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${entry.version}.tgz` };
  }
  writeFileSync(join(at, 'package.json'), JSON.stringify({ name: 'outside', private: true, type: 'module', dependencies: pounce }, null, 2));
  writeFileSync(join(at, 'package-lock.json'), JSON.stringify({ name: 'outside', lockfileVersion: 3, requires: true, packages }, null, 2));
}

let dir = '';
const run = (cmd: string, args: string[], cwd: string) => runProcess(cmd, args, { cwd });

// Whole processes of the installed CLI: a loaded 2-core machine needs more than the default 30 s.
describe('packed packages, installed outside the repo', { timeout: 180_000 }, () => {
  beforeAll(async () => {
    // The tarballs hold dist/: make sure it is built from the current sources (cached by turbo).
    const built = await run(NPM, ['run', 'build', '--', '--output-logs=errors-only'], ROOT);
    if (built.status !== 0) throw new Error(`npm run build failed:\n${built.stdout}${built.stderr}`);
    dir = mkdtempSync(join(tmpdir(), 'pounce-outside-'));
    mkdirSync(join(dir, 'tarballs'));
    const packed = await run(NPM, ['pack', '--ignore-scripts', '--pack-destination', join(dir, 'tarballs'), ...PACKAGES.flatMap((p) => ['--workspace', `packages/${p}`])], ROOT);
    if (packed.status !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`);
    const tarballs = readdirSync(join(dir, 'tarballs'));
    expect(tarballs).toHaveLength(PACKAGES.length);
    writeOutsideProject(dir, tarballs);
    const installed = await run(NPM, ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], dir);
    if (installed.status !== 0) throw new Error(`npm install --offline of the tarballs failed (is a dependency missing from the npm cache? run npm install in the repo first):\n${installed.stderr}`);
    mkdirSync(join(dir, 'my-strategy'));
    writeFileSync(join(dir, 'my-strategy', 'index.ts'), STRATEGY);
  }, 400_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('ships dist/ with declarations and no test files, and installs as copies (not links into the repo)', () => {
    const runtime = join(dir, 'node_modules', '@pounce', 'runtime');
    const files = readdirSync(join(runtime, 'dist'));
    expect(files).toContain('index.js');
    expect(files).toContain('index.d.ts');
    expect(readdirSync(runtime)).not.toContain('test');
    // The dashboard server is its own package; the runtime carries neither it (nor ws) nor the gateway.
    const runtimeDeps = JSON.parse(readFileSync(join(runtime, 'package.json'), 'utf8')).dependencies as Record<string, string>;
    expect(runtimeDeps).not.toHaveProperty('ws');
    expect(runtimeDeps).not.toHaveProperty('@pounce/gateway');
    expect(readdirSync(join(dir, 'node_modules', '@pounce', 'dashboard', 'dist'))).toContain('DashboardServer.js');
  });

  it('backtests a strategy written outside the repo with the installed pounce command', async () => {
    const bin = join(dir, 'node_modules', '.bin', 'pounce');
    const r = await run(bin, ['backtest', './my-strategy/index.ts', '--report', 'report'], dir);
    expect(r.stderr).not.toMatch(/error|warning/i); // progress lines only
    expect(r.status).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'report', 'report.json'), 'utf8')) as { fills: unknown[]; config: { strategy: string } };
    // The shipped NVDA history (in the installed gateway package) gives the strategy trades to make.
    expect(report.fills.length).toBeGreaterThan(10);
    expect(r.stdout).toContain('report');
    // The strategy was compiled into the install's node_modules/.cache (no tsx loader thread).
    expect(readdirSync(join(dir, 'node_modules', '.cache', 'pounce', 'strategies')).filter((f) => f.endsWith('.mjs'))).toHaveLength(1);
  });

  it('paper-trades the outside strategy on the embedded gateway from the build: signed HTTP, the TLS protobuf push, node-forge', async () => {
    // The lazily loaded packages (protobufjs, node-forge) are reached only on this path: a backtest
    // never loads them, so a packed CLI missing one would pass every other test here.
    const bin = join(dir, 'node_modules', '.bin', 'pounce');
    const r = await runProcess(bin, ['strategy', './my-strategy/index.ts', '--paper', '--embedded', '--duration', '5s', '--run-dir', join(dir, 'paper-run')], { cwd: dir, env: childEnv() });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.stdout).toContain('embedded');
    expect(Number(/fills\s+(\d+)/.exec(r.stdout.split('summary')[1] ?? '')?.[1]), r.stdout).toBeGreaterThan(0);
    // The fills came by push, not only from the reconcile at stop.
    expect(r.stdout).not.toContain('missed on the push stream');
    // And the packages that carry them are declared by the installed core, not left over from the repo's lock.
    const coreDeps = JSON.parse(readFileSync(join(dir, 'node_modules', '@pounce', 'core', 'package.json'), 'utf8')).dependencies as Record<string, string>;
    expect(Object.keys(coreDeps)).toEqual(expect.arrayContaining(['protobufjs', 'node-forge']));
  });

  it('runs a parameter sweep on worker threads from the build', async () => {
    const bin = join(dir, 'node_modules', '.bin', 'pounce');
    const r = await run(bin, ['backtest', './my-strategy/index.ts', '--sweep', 'lookback=3,8', '--workers', '2'], dir);
    expect(r.stderr).not.toMatch(/error|warning/i); // progress lines only
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/lookback=3/);
    expect(r.stdout).toMatch(/lookback=8/);
  });

  it('type-checks the outside strategy against the installed declarations', async () => {
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, allowImportingTsExtensions: true, types: [] },
      include: ['my-strategy/**/*.ts'],
    }));
    const r = await run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], dir);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
