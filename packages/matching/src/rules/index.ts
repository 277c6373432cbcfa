export * from './orderRules.ts';
export * from './refusalReasons.ts';
export * from './tickSize.ts';
