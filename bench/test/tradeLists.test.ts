import { describe, expect, it } from 'vitest';
import { compareTradeLists, type PeerFill, roundTrips, type RoundTrip, tieFillBars } from '../peers/tradeLists.ts';

const fill = (symbol: string, time: string, side: 'BUY' | 'SELL', price: number, quantity = 100): PeerFill => ({ symbol, time, side, price, quantity });
const trip = (symbol: string, entryTime: string, entryPrice: number, exitTime: string, exitPrice: number): RoundTrip => ({ symbol, entryTime, entryPrice, exitTime, exitPrice, quantity: 100 });

describe('roundTrips', () => {
  it('pairs each BUY with the SELL that closes it, per symbol, and leaves the open one out', () => {
    const fills = [fill('A', '2012-01-02 10:00', 'BUY', 10), fill('B', '2012-01-02 10:01', 'BUY', 20), fill('A', '2012-01-02 10:05', 'SELL', 11), fill('B', '2012-01-02 10:06', 'SELL', 19), fill('A', '2012-01-02 10:09', 'BUY', 12)];
    expect(roundTrips(fills)).toEqual([trip('A', '2012-01-02 10:00', 10, '2012-01-02 10:05', 11), trip('B', '2012-01-02 10:01', 20, '2012-01-02 10:06', 19)]);
  });

  it('refuses a SELL with nothing held: the rows trade long only', () => {
    expect(() => roundTrips([fill('A', '2012-01-02', 'SELL', 10)])).toThrow('A 2012-01-02: a SELL with no open position');
  });
});

describe('compareTradeLists', () => {
  it('counts trips equal on symbol, bars, size and prices, and lists the rest per side', () => {
    const ours = [trip('A', 'd1', 10, 'd2', 11), trip('A', 'd3', 12, 'd4', 13), trip('B', 'd1', 5, 'd2', 6)];
    const peer = [trip('A', 'd1', 10, 'd2', 11), trip('A', 'd3', 12, 'd4', 13.5), trip('B', 'd1', 5, 'd2', 6)];
    const c = compareTradeLists(ours, peer, new Map());
    expect(c).toMatchObject({ ours: 3, peer: 3, equal: 2, atTies: 0, unexplained: 2 });
    expect(c.oursOnly).toEqual([trip('A', 'd3', 12, 'd4', 13)]);
    expect(c.peerOnly).toEqual([trip('A', 'd3', 12, 'd4', 13.5)]);
  });

  it('explains trips that differ across a tie of the averages, and only those', () => {
    // The averages tie on bar d4, so fills on d5 and d6 are the tie's to decide: the peer held through
    // them, Pounce saw a cross down on the tie, sold on d5 and bought back on d6. The later trip d8-d9
    // differs with no tie in its span: a real disagreement.
    const ours = [trip('A', 'd1', 10, 'd2', 11), trip('A', 'd3', 12, 'd5', 12.5), trip('A', 'd6', 12.4, 'd7', 13), trip('A', 'd8', 14, 'd9', 15)];
    const peer = [trip('A', 'd1', 10, 'd2', 11), trip('A', 'd3', 12, 'd7', 13), trip('A', 'd8', 14, 'd9', 15.5)];
    const c = compareTradeLists(ours, peer, new Map([['A', ['d5', 'd6']]]));
    expect(c).toMatchObject({ ours: 4, peer: 3, equal: 1, atTies: 3, unexplained: 2 });
    // The same tie on another symbol explains nothing for A.
    expect(compareTradeLists(ours, peer, new Map([['B', ['d5', 'd6']]])).atTies).toBe(0);
  });
});

describe('tieFillBars', () => {
  it('finds bars where the fast and slow averages are exactly equal and the two bars after each', () => {
    // fast 2, slow 4: averages from bar 3. Bar 3: (3+5)/2 = 4 = (3+5+3+5)/4, a tie; bar 4: (5+6)/2 vs (5+3+5+6)/4, none.
    expect(tieFillBars([3, 5, 3, 5, 6, 7], 2, 4)).toEqual({ ties: 1, fillBars: [4, 5] });
    // A flat series ties on every bar once warm; fill bars stop at the end of the data.
    expect(tieFillBars([2, 2, 2, 2, 2], 2, 4)).toEqual({ ties: 2, fillBars: [4] });
  });
});
