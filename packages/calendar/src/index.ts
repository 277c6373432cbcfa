export * from './ExchangeCalendar.ts';
export * from './Timeframe.ts';
export * from './ZoneOffsets.ts';
export * from './usEquities.ts';
export * from './hkEquities.ts';
export * from './marketOf.ts';
