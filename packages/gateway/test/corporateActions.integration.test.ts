import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { perShareFees, type MarketBar } from '@pounce/matching';
import { loadCorporateActions } from '../src/index.ts';
import { clientsFor, startTestGateway, until } from './testGateway.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 2, 14, 30);
// The raw bars of the backtest test (packages/backtest/test/corporateActions.test.ts): 2:1 split on 2024-01-05.
const bars: MarketBar[] = [10, 11, 12, 6.5, 7, 7.5].map((c, i) => ({ symbol: 'XYZ', time: T0 + i * DAY, open: c, high: c, low: c, close: c, volume: 1_000_000 }));

describe('the gateway takes the same corporate-actions file', () => {
  it('a held position through a 2:1 split and a dividend with withholding: the backtest\'s hand-computed numbers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pounce-gw-ca-'));
    const file = join(dir, 'actions.csv');
    writeFileSync(file, 'date,symbol,type,value\n2024-01-05,XYZ,split,2:1\n2024-01-06,XYZ,dividend,0.25\n');
    const gw = await startTestGateway({ stateDir: join(dir, 'state'), bars, matching: { fees: perShareFees(0), initialCash: 10_000, participation: 1, corporateActions: loadCorporateActions(file), withholdingTax: 0.3 } });
    try {
      const { api } = clientsFor(gw);
      gw.advance(1);
      await api.placeOrder({ symbol: 'XYZ', action: 'BUY', orderType: 'MKT', quantity: 100 });
      gw.advance(5);
      await until(() => gw.replay.done);
      expect(await api.positions()).toEqual([expect.objectContaining({ symbol: 'XYZ', quantity: 200, averageCost: 5.5 })]);
      const assets = await api.assets();
      expect(assets.cashBalance).toBeCloseTo(8_935, 9);
      expect(assets.netLiquidation).toBeCloseTo(10_435, 9);
    } finally {
      await gw.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
