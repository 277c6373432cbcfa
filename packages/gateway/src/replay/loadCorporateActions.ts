import { readFileSync } from 'node:fs';
import { parseCorporateActions, type CorporateAction } from '@pounce/matching';

/**
 * Reads a corporate-actions CSV (`date,symbol,type,value`, see parseCorporateActions) for a replay
 * of raw prices; the gateway and backtests take the same file.
 */
export function loadCorporateActions(path: string, flag = '--corporate-actions'): CorporateAction[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new Error(`${flag} ${path}: cannot read the file`);
  }
  return parseCorporateActions(text, `${flag} ${path}`);
}
