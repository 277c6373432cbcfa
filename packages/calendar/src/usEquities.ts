import { ExchangeCalendar, weekday, type DayKind } from './ExchangeCalendar.ts';

/**
 * NYSE / Nasdaq: 09:30-16:00 New York time, pre-market from 04:00, post-market to 20:00; 13:00 on
 * early-close days (post-market to 17:00). The holiday and early-close rules of NYSE Rule 7.2,
 * written once here, plus the unscheduled closures since 1994.
 */
export const US_HOURS = { full: [['09:30', '16:00']], short: [['09:30', '13:00']], preOpen: '04:00', postClose: '20:00', shortPostClose: '17:00' } as const;

/** Unscheduled full-day closures (national mourning, 9/11, hurricane Sandy). */
const US_SPECIAL_CLOSURES = new Set([
  '1994-04-27', '2001-09-11', '2001-09-12', '2001-09-13', '2001-09-14', '2004-06-11', '2007-01-02', '2012-10-29', '2012-10-30', '2018-12-05', '2025-01-09',
]);

const iso = (y: number, m: number, d: number) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

/** The n-th (1-based) weekday `wd` (1 = Monday) of a month; n = -1 for the last. */
function nthWeekday(y: number, m: number, wd: number, n: number): string {
  if (n > 0) {
    const first = weekday(iso(y, m, 1));
    return iso(y, m, 1 + ((wd - first + 7) % 7) + 7 * (n - 1));
  }
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const last = weekday(iso(y, m, days));
  return iso(y, m, days - ((last - wd + 7) % 7));
}

/** Easter Sunday (Gregorian, anonymous algorithm). */
function easter(y: number): { m: number; d: number } {
  const a = y % 19, b = Math.floor(y / 100), c = y % 100, d = Math.floor(b / 4), e = b % 4;
  const f = Math.floor((b + 8) / 25), g = Math.floor((b - f + 1) / 3), h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4), k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7, m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  return { m: month, d: ((h + l - 7 * m + 114) % 31) + 1 };
}

/** A fixed-date holiday on a weekend is observed on the Friday before or the Monday after. */
function observed(y: number, m: number, d: number): string {
  const date = iso(y, m, d);
  const wd = weekday(date);
  const t = Date.UTC(y, m - 1, d) + (wd === 6 ? -1 : wd === 7 ? 1 : 0) * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

const holidaysByYear = new Map<number, Set<string>>();

/** NYSE full-day holidays of a year. */
export function usHolidays(y: number): Set<string> {
  let h = holidaysByYear.get(y);
  if (h) return h;
  h = new Set<string>();
  // New Year's Day: a Sunday moves to Monday; a Saturday is not observed on the Friday before (Rule 7.2).
  if (weekday(iso(y, 1, 1)) !== 6) h.add(observed(y, 1, 1));
  if (y >= 1998) h.add(nthWeekday(y, 1, 1, 3)); // Martin Luther King Jr. Day
  h.add(nthWeekday(y, 2, 1, 3)); // Washington's Birthday
  const e = easter(y);
  h.add(new Date(Date.UTC(y, e.m - 1, e.d) - 2 * 86_400_000).toISOString().slice(0, 10)); // Good Friday
  h.add(nthWeekday(y, 5, 1, -1)); // Memorial Day
  if (y >= 2022) h.add(observed(y, 6, 19)); // Juneteenth
  h.add(observed(y, 7, 4)); // Independence Day
  h.add(nthWeekday(y, 9, 1, 1)); // Labor Day
  h.add(nthWeekday(y, 11, 4, 4)); // Thanksgiving
  h.add(observed(y, 12, 25)); // Christmas
  holidaysByYear.set(y, h);
  return h;
}

/** NYSE day kind: weekends, holidays and closures are closed; 13:00 closes on the early-close days. */
export function usDayKind(date: string): DayKind {
  const wd = weekday(date);
  if (wd >= 6) return 'closed';
  const y = Number(date.slice(0, 4));
  if (usHolidays(y).has(date) || US_SPECIAL_CLOSURES.has(date)) return 'closed';
  const md = date.slice(5);
  // Early closes: July 3 on Monday-Thursday, the day after Thanksgiving, Christmas Eve on Monday-Thursday.
  if (md === '07-03' && wd <= 4) return 'short';
  if (md === '12-24' && wd <= 4) return 'short';
  const thanksgiving = nthWeekday(y, 11, 4, 4);
  if (date === iso(y, 11, Number(thanksgiving.slice(8)) + 1)) return 'short';
  return 'full';
}

/** US equities (NYSE / Nasdaq) from the shipped rules. */
export const usEquities = new ExchangeCalendar('US', 'America/New_York', { full: US_HOURS.full, short: US_HOURS.short, preOpen: US_HOURS.preOpen, postClose: US_HOURS.postClose, shortPostClose: US_HOURS.shortPostClose }, usDayKind);
