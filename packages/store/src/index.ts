export * from './BarColumns.ts';
export * from './arrowBars.ts';
export * from './barPeriod.ts';
export * from './BarStore.ts';
export * from './importCsv.ts';
export * from './storeSpec.ts';
export * from './storeSymbol.ts';
