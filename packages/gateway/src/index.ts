export * from './Gateway.ts';
export { MarketReplay } from '@pounce/matching';
export * from './replay/syntheticBars.ts';
export * from './replay/loadBars.ts';
export * from './replay/ReplayClock.ts';
export * from './state/GatewayState.ts';
export * from './http/GatewayError.ts';
export * from './methods/quoteMethods.ts';
export * from './defaultData.ts';
