import type { CorporateDividend, CorporateSplit } from '@pounce/core';
import type { CorporateAction } from '@pounce/matching';

/**
 * The broker's splits and dividends (OpenApiClient.corporateSplits / corporateDividends) as the
 * matching engine's corporate actions: a split of `fromFactor` old into `toFactor` new shares has
 * ratio toFactor / fromFactor (UVXY's 1-for-5 reverse split, from 5 to 1, is 0.2).
 */
export function venueCorporateActions(splits: readonly CorporateSplit[], dividends: readonly CorporateDividend[]): CorporateAction[] {
  return [
    ...splits.map((s): CorporateAction => ({ kind: 'split', symbol: s.symbol, exDate: s.exDate, ratio: s.toFactor / s.fromFactor })),
    ...dividends.map((d): CorporateAction => ({ kind: 'dividend', symbol: d.symbol, exDate: d.exDate, amount: d.amount })),
  ].sort((a, b) => (a.exDate < b.exDate ? -1 : a.exDate > b.exDate ? 1 : 0));
}
