import { createRequire } from 'node:module';
import type HolidaysType from 'date-holidays';
import { ExchangeCalendar, weekday, type DayKind } from './ExchangeCalendar.ts';

/**
 * HKEX securities market: morning 09:30-12:00, lunch break, afternoon 13:00-16:00 Hong Kong time;
 * the pre-opening session from 09:00 and the closing auction to 16:10 are its extended hours. The
 * eves of Lunar New Year, Christmas and New Year trade the morning only. Holidays are Hong Kong's
 * general holidays, from the date-holidays package (lunar dates included; checked against HKEX's
 * published lists in the tests). Typhoon and rainstorm closures cannot be foreseen: the broker's
 * calendar, when connected, has the final word.
 */
export const HK_HOURS = { full: [['09:30', '12:00'], ['13:00', '16:00']], short: [['09:30', '12:00']], preOpen: '09:00', postClose: '16:10', shortPostClose: '12:00' } as const;

// Loaded on first use: the package parses every country's rules (most of a second), and most runs trade the US only.
let hk: HolidaysType | undefined;
function hkHolidays(): HolidaysType {
  if (!hk) {
    const Holidays = createRequire(import.meta.url)('date-holidays') as typeof HolidaysType;
    hk = new Holidays('HK');
  }
  return hk;
}
const byYear = new Map<number, { closed: Set<string>; short: Set<string> }>();

function year(y: number): { closed: Set<string>; short: Set<string> } {
  let v = byYear.get(y);
  if (v) return v;
  const list = (hkHolidays().getHolidays(y) || []).filter((h) => h.type === 'public');
  const closed = new Set(list.map((h) => h.date.slice(0, 10)));
  const short = new Set<string>([`${y}-12-24`, `${y}-12-31`]);
  // Lunar New Year's Eve: the day before the first day of the first lunar month (the rule names the day).
  const lunar = list.map((h) => ({ date: h.date.slice(0, 10), n: /chinese 01-0-0(\d)/.exec(h.rule ?? '')?.[1] })).filter((x) => x.n !== undefined && Number(x.n) <= 4);
  if (lunar.length > 0) {
    const firstDay = Math.min(...lunar.map((x) => Date.parse(`${x.date}T00:00:00Z`) - (Number(x.n) - 1) * 86_400_000));
    short.add(new Date(firstDay - 86_400_000).toISOString().slice(0, 10));
  }
  byYear.set(y, (v = { closed, short }));
  return v;
}

/** HKEX day kind from Hong Kong's general holidays and the half-day eves. */
export function hkDayKind(date: string): DayKind {
  if (weekday(date) >= 6) return 'closed';
  const y = year(Number(date.slice(0, 4)));
  if (y.closed.has(date)) return 'closed';
  return y.short.has(date) ? 'short' : 'full';
}

/** Hong Kong equities (HKEX) from the shipped rules. */
export const hkEquities = new ExchangeCalendar('HK', 'Asia/Hong_Kong', { full: HK_HOURS.full, short: HK_HOURS.short, preOpen: HK_HOURS.preOpen, postClose: HK_HOURS.postClose, shortPostClose: HK_HOURS.shortPostClose }, hkDayKind);
