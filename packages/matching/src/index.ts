export * from './types.ts';
export * from './FeeModel.ts';
export * from './fillPrice.ts';
export * from './Ledger.ts';
export * from './SessionDay.ts';
export * from './MatchingEngine.ts';
export * from './MarketReplay.ts';
export * from './mergeSlices.ts';
