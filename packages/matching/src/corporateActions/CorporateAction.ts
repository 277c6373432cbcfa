/**
 * A corporate action, effective at the session open of its ex-date (`exDate`, yyyy-mm-dd in the
 * exchange's time zone): the matching engine applies it to positions, cash and working orders
 * before it matches the symbol's first bar of that session.
 */
export type CorporateAction = SplitAction | DividendAction;

/** A split: each old share becomes `ratio` new ones (2 for a 2-for-1 split, 0.2 for a 1-for-5 reverse split). */
export interface SplitAction {
  readonly kind: 'split';
  readonly symbol: string;
  readonly exDate: string;
  readonly ratio: number;
}

/** A cash dividend of `amount` per share, owed to holders of record on the ex-date (paid by shorts). */
export interface DividendAction {
  readonly kind: 'dividend';
  readonly symbol: string;
  readonly exDate: string;
  readonly amount: number;
}

const DAY = 86_400_000;

/** The session day number (days since 1970-01-01, as SessionDay counts them) of a yyyy-mm-dd date. */
export function exDay(exDate: string): number {
  return Math.floor(Date.parse(`${exDate}T00:00:00Z`) / DAY);
}
