export * from './CorporateAction.ts';
export * from './parseCorporateActions.ts';
