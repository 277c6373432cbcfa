import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadData } from '@pounce/backtest';
import { DEFAULT_DATA } from '@pounce/gateway';
import { listStrategies, loadStrategy } from '@pounce/runtime';
import { runParity } from '../src/parity/runParity.ts';
import { STRATEGIES_DIR } from '../src/commands/strategy.ts';

const SHARED = fileURLToPath(new URL('../../../../shared/data/', import.meta.url));
const SHARED_NAME: Record<string, string> = { NVDA: 'nvda-1999-2014.csv', ORCL: 'orcl-1995-2014.csv', IDX: '2006-min-005.csv' };

describe('backtest-to-paper parity for every shipped strategy', () => {
  it('uses the shared data (the shipped copies are byte-identical to ../shared/data)', () => {
    for (const [sym, path] of Object.entries(DEFAULT_DATA)) {
      const shared = SHARED + SHARED_NAME[sym];
      if (existsSync(shared)) expect(readFileSync(path, 'utf8')).toBe(readFileSync(shared, 'utf8'));
    }
  });

  for (const { name } of listStrategies(STRATEGIES_DIR)) {
    it(`${name}: backtest and local-gateway fills are identical`, async () => {
      const { def } = await loadStrategy(name, STRATEGIES_DIR);
      const { bars } = loadData(def.symbols.map((s) => `${s}=${DEFAULT_DATA[s]}`));
      const r = await runParity({ def, bars });
      expect(r.backtest.length).toBeGreaterThan(10);
      expect(r.differences).toEqual([]);
      expect(r.paper).toEqual(r.backtest);
    }, 120_000);
  }
});
