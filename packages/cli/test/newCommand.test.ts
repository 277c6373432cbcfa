import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runPounce, runProcess } from './childProcess.ts';

// Inside the repo, so the generated files resolve @pounce/* and vitest from its node_modules.
const tmpRoot = mkdtempSync(join(ROOT, '.tmp-new-command-'));
const strategiesDir = join(tmpRoot, 'strategies');
afterAll(() => rmSync(tmpRoot, { recursive: true, force: true }));

const pounce = (args: string[]) => runPounce(args, { env: { ...process.env, POUNCE_STRATEGIES_DIR: strategiesDir } });

describe('pounce new <name>', () => {
  it('creates the strategy and its test; strategy --list shows it; the generated test passes', async () => {
    const made = await pounce(['new', 'my-first']);
    expect(made.stderr).toBe('');
    expect(made.status).toBe(0);
    expect(made.stdout).toMatch(/created .*my-first\/index\.ts and .*my-first\/index\.test\.ts/);
    expect(readFileSync(join(strategiesDir, 'my-first', 'index.ts'), 'utf8')).toContain("name: 'my-first'");

    const list = await pounce(['strategy', '--list']);
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(/^my-first\s+Close crosses above its SMA/m);

    // The generated test, run by vitest as npm test would (here with the temp folder as root).
    const vitest = await runProcess(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--root', tmpRoot, '--pool', 'forks']);
    expect(vitest.stdout + vitest.stderr).toMatch(/1 passed/);
    expect(vitest.status).toBe(0);
  }, 180_000);

  it('never overwrites, and names the accepted form of a bad name', async () => {
    expect((await pounce(['new', 'twice'])).status).toBe(0);
    const again = await pounce(['new', 'twice']);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/already exists; choose another name \(nothing was written\)/);
    const bad = await pounce(['new', 'Bad_Name']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/<name>: expected lower-case words joined by hyphens \(like my-strategy\), got "Bad_Name"/);
    expect(existsSync(join(strategiesDir, 'Bad_Name'))).toBe(false);
  }, 120_000);
});
