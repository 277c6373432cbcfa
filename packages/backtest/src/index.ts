export * from './BacktestVenue.ts';
export * from './engineModels.ts';
export * from './roundTrips.ts';
export * from './metrics.ts';
export * from './loadData.ts';
export * from './runBacktest.ts';
export * from './report.ts';
export * from './sweep.ts';
