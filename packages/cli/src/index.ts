export { configCheck } from './commands/configCheck.ts';
export * from './venue/openVenue.ts';
export * from './venue/embeddedVenue.ts';
export * from './venue/LockstepReplay.ts';
