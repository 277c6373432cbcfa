import { describe, expect, it } from 'vitest';
import { loadData } from '@pounce/backtest';
import { DEFAULT_DATA } from '@pounce/gateway';
import { defineStrategy } from '@pounce/runtime';
import { runParity } from '../src/parity/runParity.ts';

const cents = (x: number) => Math.round(x * 100) / 100;
/** Attached legs that filled, as the strategy saw them on `orders$` (both runs). */
const legFills: string[] = [];

/**
 * A bracket on every flat bar: a limit entry 1% under the close with a take-profit 6% over and a
 * stop-loss 5% under (DAY legs: on daily bars they live one session); whatever is left after the
 * legs expire is sold at market. Large orders against a small participation give partial fills,
 * so the legs grow with the entry and shrink with each other.
 */
const bracket = defineStrategy({
  name: 'bracket-parity',
  params: { size: { type: 'integer', default: 6000, min: 1 } },
  symbols: ['NVDA'],
  setup(ctx) {
    ctx.orders$.subscribe((o) => o.parentId !== undefined && o.filledQuantity > 0 && o.status !== 'Submitted' && legFills.push(o.orderType));
    ctx.bars$().subscribe(({ symbol, close }) => {
      if (ctx.workingOrders(symbol) > 0) return;
      const held = ctx.position(symbol).quantity;
      if (held > 0) void ctx.submit({ symbol, side: 'SELL', quantity: held });
      else void ctx.submit({ symbol, side: 'BUY', quantity: ctx.params.size, type: 'limit', limitPrice: cents(close * 0.99), takeProfit: { limitPrice: cents(close * 1.06) }, stopLoss: { stopPrice: cents(close * 0.95) } });
    });
  },
});

describe('brackets (attached legs) behave the same in a backtest and on the local gateway', () => {
  it('same fills on NVDA 1999-2002 with partial fills (participation 0.0005)', async () => {
    const { bars } = loadData([`NVDA=${DEFAULT_DATA.NVDA}`], { to: Date.UTC(2003, 0, 1) });
    const r = await runParity({ def: bracket, bars, participation: 0.0005 });
    expect(r.differences).toEqual([]);
    expect(r.paper).toEqual(r.backtest);
    // The runs exercised what they claim: partial entry fills, and exits by both legs.
    expect(legFills).toContain('LMT');
    expect(legFills).toContain('STP');
    const buys = r.backtest.filter((f) => f.action === 'BUY');
    expect(buys.some((f) => f.quantity < 6000)).toBe(true);
    const sells = r.backtest.filter((f) => f.action === 'SELL');
    expect(sells.length).toBeGreaterThan(20);
  }, 120_000);
});
