export { configCheck } from './commands/configCheck.ts';
