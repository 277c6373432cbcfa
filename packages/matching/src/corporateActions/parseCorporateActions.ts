import type { CorporateAction } from './CorporateAction.ts';

/**
 * Parses a corporate-actions CSV: `date,symbol,type,value` per line, `type` split or dividend,
 * `value` the split ratio (`2`, or `2:1`; a 1-for-5 reverse split is `0.2` or `1:5`) or the cash
 * amount per share. A header line and blank lines are skipped. Errors name the line and field.
 *
 * @example
 * ```ts
 * parseCorporateActions('date,symbol,type,value\n2024-06-10,NVDA,split,10:1\n2024-06-11,NVDA,dividend,0.01');
 * ```
 */
export function parseCorporateActions(text: string, source = 'corporate actions'): CorporateAction[] {
  const out: CorporateAction[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const cells = line.split(',').map((c) => c.trim());
    if (i === 0 && /^date$/i.test(cells[0] ?? '')) continue;
    const where = `${source} line ${i + 1}`;
    if (cells.length !== 4) throw new Error(`${where}: expected date,symbol,type,value, got ${cells.length} fields`);
    const [date, symbol, type, value] = cells as [string, string, string, string];
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !Number.isFinite(Date.parse(`${date}T00:00:00Z`))) throw new Error(`${where}: date: expected yyyy-mm-dd, got "${date}"`);
    if (!symbol) throw new Error(`${where}: symbol: expected a symbol`);
    const kind = type.toLowerCase();
    if (kind === 'split') {
      const m = /^(\d+(?:\.\d+)?)(?::(\d+(?:\.\d+)?))?$/.exec(value);
      const ratio = m ? Number(m[1]) / (m[2] === undefined ? 1 : Number(m[2])) : NaN;
      if (!Number.isFinite(ratio) || ratio <= 0) throw new Error(`${where}: value: expected a split ratio like 2 or 2:1, got "${value}"`);
      out.push({ kind: 'split', symbol, exDate: date, ratio });
    } else if (kind === 'dividend') {
      const amount = Number(value);
      if (value === '' || !Number.isFinite(amount) || amount < 0) throw new Error(`${where}: value: expected a cash amount per share >= 0, got "${value}"`);
      out.push({ kind: 'dividend', symbol, exDate: date, amount });
    } else {
      throw new Error(`${where}: type: expected split or dividend, got "${type}"`);
    }
  }
  return out;
}
