import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPounce } from './childProcess.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const run = (args: string[], cwd: string) => runPounce(args, { cwd });

describe('npm run backtest -- --corporate-actions FILE (real process)', () => {
  it('raw prices plus the split trade when the adjusted file does; the dividend is booked net of withholding', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pounce-ca-cli-'));
    try {
      // The shipped file un-adjusted for a 2:1 split on 2007-09-11: earlier prices doubled, volumes halved.
      const [header, ...rows] = readFileSync(join(ROOT, 'packages/gateway/data/nvda-1999-2014.csv'), 'utf8').trim().split('\n');
      const raw = rows.map((r) => {
        const c = r.split(',');
        if (c[0]! >= '2007-09-11') return r;
        return [c[0], ...c.slice(1, 6).map((x) => String(Number(x) * 2)), String(Number(c[6]) / 2)].join(',');
      });
      writeFileSync(join(dir, 'raw.csv'), `${header}\n${raw.join('\n')}\n`);
      writeFileSync(join(dir, 'actions.csv'), 'date,symbol,type,value\n2007-09-11,NVDA,split,2:1\n2012-11-20,NVDA,dividend,0.075\n');
      const args = ['backtest', 'sma-cross', '--fees', 'zero'];
      const adjusted = await run([...args, '--report', join(dir, 'adjusted')], dir);
      const onRaw = await run([...args, '--data', `NVDA=${join(dir, 'raw.csv')}`, '--corporate-actions', join(dir, 'actions.csv'), '--withholding-tax', '0.15', '--report', join(dir, 'raw')], dir);
      expect(adjusted.status, adjusted.stderr).toBe(0);
      expect(onRaw.status, onRaw.stderr).toBe(0);
      const fills = (name: string) => (JSON.parse(readFileSync(join(dir, name, 'report.json'), 'utf8')) as { fills: Array<{ time: number; action: string }> }).fills.map((f) => [f.time, f.action]);
      expect(fills('raw')).toEqual(fills('adjusted'));
      expect(onRaw.stdout).toMatch(/Dividends \(net\)\s+-?\d+\.\d\d\s+withheld \d+\.\d\d/);
      const bad = await run([...args, '--corporate-actions', join(dir, 'missing.csv')], dir);
      expect(bad.status).not.toBe(0);
      expect(bad.stderr).toContain(`--corporate-actions ${join(dir, 'missing.csv')}: cannot read the file`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
