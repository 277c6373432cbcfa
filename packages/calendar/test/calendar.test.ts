import { readFileSync } from 'node:fs';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { ExchangeCalendar, hkEquities, parseTimeframe, usEquities } from '../src/index.ts';

const utc = (s: string) => Date.parse(s);
const closedWeekdays = (cal: ExchangeCalendar, year: number) => {
  const out: string[] = [];
  for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 86_400_000) {
    const d = new Date(t).toISOString().slice(0, 10);
    const wd = new Date(t).getUTCDay();
    if (wd !== 0 && wd !== 6 && !cal.session(d)) out.push(d);
  }
  return out;
};

describe('US equities calendar', () => {
  it('2024-03-10 (clocks forward): Friday opens 14:30 UTC, Monday 13:30 UTC; Sunday is closed', () => {
    expect(usEquities.session('2024-03-10')).toBeUndefined();
    expect(usEquities.session('2024-03-08')!.open).toBe(utc('2024-03-08T14:30:00Z'));
    const mon = usEquities.session('2024-03-11')!;
    expect([mon.preOpen, mon.open, mon.close, mon.postClose]).toEqual([utc('2024-03-11T08:00:00Z'), utc('2024-03-11T13:30:00Z'), utc('2024-03-11T20:00:00Z'), utc('2024-03-12T00:00:00Z')]);
  });

  it('2024-11-03 (clocks back): Friday closes 20:00 UTC, Monday 21:00 UTC', () => {
    expect(usEquities.session('2024-11-03')).toBeUndefined();
    expect(usEquities.session('2024-11-01')!.close).toBe(utc('2024-11-01T20:00:00Z'));
    expect(usEquities.session('2024-11-04')!.close).toBe(utc('2024-11-04T21:00:00Z'));
    expect(usEquities.session('2024-11-04')!.open).toBe(utc('2024-11-04T14:30:00Z'));
  });

  it('2024-07-03 and 2024-11-29 close early at 13:00 New York time (post-market to 17:00)', () => {
    const jul3 = usEquities.session('2024-07-03')!;
    expect(jul3.short).toBe(true);
    expect(jul3.close).toBe(utc('2024-07-03T17:00:00Z'));
    expect(jul3.postClose).toBe(utc('2024-07-03T21:00:00Z'));
    const nov29 = usEquities.session('2024-11-29')!;
    expect(nov29.close).toBe(utc('2024-11-29T18:00:00Z'));
    // The daily bar of an early-close day ends at the early close.
    expect(usEquities.periodAt(utc('2024-11-29T17:59:00Z'), parseTimeframe('1d'))).toMatchObject({ start: utc('2024-11-29T14:30:00Z'), end: utc('2024-11-29T18:00:00Z') });
    expect(usEquities.periodAt(utc('2024-11-29T18:00:00Z'), parseTimeframe('1d'))).toBeUndefined();
    // An hourly bar is cut at the early close; the full day of the 28th (Thanksgiving) has none.
    expect(usEquities.periods(nov29, parseTimeframe('1h')).map((p) => (p.end - p.start) / 60_000)).toEqual([60, 60, 60, 30]);
  });

  it('2024-07-04 is a holiday: the session after July 3 is July 5', () => {
    expect(usEquities.session('2024-07-04')).toBeUndefined();
    expect(usEquities.nextSession('2024-07-03')!.date).toBe('2024-07-05');
    expect(usEquities.sessionAt(utc('2024-07-04T15:00:00Z'))).toBeUndefined();
  });

  it('pre- and post-market belong to a session only with extended hours', () => {
    const pre = utc('2024-03-11T12:00:00Z'); // 08:00 EDT
    expect(usEquities.periodAt(pre, parseTimeframe('1d'))).toBeUndefined();
    expect(usEquities.periodAt(pre, parseTimeframe('1d'), true)).toMatchObject({ start: utc('2024-03-11T08:00:00Z'), end: utc('2024-03-12T00:00:00Z') });
    expect(usEquities.periodAt(pre, parseTimeframe('15m'), true)).toMatchObject({ start: pre, end: pre + 15 * 60_000 });
  });

  it('the holidays of 2024 and 2025 are NYSE\'s published lists', () => {
    expect(closedWeekdays(usEquities, 2024)).toEqual(['2024-01-01', '2024-01-15', '2024-02-19', '2024-03-29', '2024-05-27', '2024-06-19', '2024-07-04', '2024-09-02', '2024-11-28', '2024-12-25']);
    expect(closedWeekdays(usEquities, 2025)).toEqual(['2025-01-01', '2025-01-09', '2025-01-20', '2025-02-17', '2025-04-18', '2025-05-26', '2025-06-19', '2025-07-04', '2025-09-01', '2025-11-27', '2025-12-25']);
    // 2022-01-01 was a Saturday: NYSE stayed open on Friday 2021-12-31.
    expect(usEquities.session('2021-12-31')).toBeDefined();
  });

  it('every date of the shipped daily files is a trading session', () => {
    for (const file of ['nvda-1999-2014.csv', 'orcl-1995-2014.csv']) {
      const dates = readFileSync(new URL(`../../gateway/data/${file}`, import.meta.url), 'utf8').trim().split('\n').slice(1).map((l) => l.slice(0, 10));
      expect(dates.filter((d) => !usEquities.session(d)), file).toEqual([]);
    }
  });
});

describe('Hong Kong equities calendar', () => {
  it('has a lunch break: no period between 12:00 and 13:00, hourly bars end at 12:00', () => {
    const s = hkEquities.session('2024-06-03')!;
    expect(s.segments).toEqual([{ start: utc('2024-06-03T01:30:00Z'), end: utc('2024-06-03T04:00:00Z') }, { start: utc('2024-06-03T05:00:00Z'), end: utc('2024-06-03T08:00:00Z') }]);
    expect(hkEquities.periodAt(utc('2024-06-03T04:30:00Z'), parseTimeframe('1m'))).toBeUndefined();
    expect(hkEquities.periods(s, parseTimeframe('1h')).map((p) => new Date(p.end).toISOString().slice(11, 16))).toEqual(['02:30', '03:30', '04:00', '06:00', '07:00', '08:00']);
    // The daily bar spans the break.
    expect(hkEquities.periodAt(utc('2024-06-03T05:00:00Z'), parseTimeframe('1d'))).toMatchObject({ start: s.open, end: s.close });
  });

  it('the holidays of 2024 and 2025 are HKEX\'s published lists; the eves trade the morning only', () => {
    expect(closedWeekdays(hkEquities, 2024)).toEqual(['2024-01-01', '2024-02-12', '2024-02-13', '2024-03-29', '2024-04-01', '2024-04-04', '2024-05-01', '2024-05-15', '2024-06-10', '2024-07-01', '2024-09-18', '2024-10-01', '2024-10-11', '2024-12-25', '2024-12-26']);
    expect(closedWeekdays(hkEquities, 2025)).toEqual(['2025-01-01', '2025-01-29', '2025-01-30', '2025-01-31', '2025-04-04', '2025-04-18', '2025-04-21', '2025-05-01', '2025-05-05', '2025-07-01', '2025-10-01', '2025-10-07', '2025-10-29', '2025-12-25', '2025-12-26']);
    for (const d of ['2024-02-09', '2024-12-24', '2024-12-31', '2025-01-28']) expect(hkEquities.session(d)!.close, d).toBe(utc(`${d}T04:00:00Z`));
  });
});

describe('the broker\'s calendar', () => {
  it('takes precedence over the shipped rules and keeps their hours', () => {
    const cal = usEquities.withTradingDays([{ date: '2024-07-04', trading: true }, { date: '2024-07-05', trading: false }, { date: '2024-07-03', trading: true }]);
    expect(cal.session('2024-07-05')).toBeUndefined();
    expect(cal.session('2024-07-04')!.close).toBe(utc('2024-07-04T20:00:00Z'));
    expect(cal.session('2024-07-03')!.short).toBe(true);
    expect(cal.session('2024-07-08')).toEqual(usEquities.session('2024-07-08'));
  });
});

describe('ExchangeCalendar over decades', () => {
  it('answers the same sessions after being asked more dates than it keeps (its cache starts again, it does not grow)', () => {
    const day = (k: number) => new Date(Date.UTC(1990, 0, 1) + k * 86_400_000).toISOString().slice(0, 10);
    const before = ['2024-11-29', '2024-03-10', '2024-03-11'].map((d) => usEquities.session(d));
    const cache = (usEquities as unknown as { cache: Map<string, unknown> }).cache;
    for (let k = 0; k < 12_000; k++) usEquities.session(day(k)); // about 33 years
    expect(cache.size).toBeLessThanOrEqual(256);
    expect(['2024-11-29', '2024-03-10', '2024-03-11'].map((d) => usEquities.session(d))).toEqual(before);
    expect(usEquities.session('2024-11-29')!.close).toBe(Date.parse('2024-11-29T18:00:00Z'));
  });
});

describe('dateOf', () => {
  it('gives luxon\'s exchange-local date for every quarter hour of 2023-2024 (both clock changes) and around each midnight, asked in any order', () => {
    for (const cal of [usEquities, hkEquities]) {
      const times: number[] = [];
      for (let t = Date.UTC(2023, 0, 1); t < Date.UTC(2025, 0, 1); t += 15 * 60_000) times.push(t);
      // The instants either side of each local midnight, then the same instants shuffled (a cached day must not leak into another).
      const midnights = times.filter((t) => DateTime.fromMillis(t, { zone: cal.zone }).toFormat('HH:mm') === '00:00').flatMap((t) => [t - 1, t, t + 1]);
      let seed = 7;
      const shuffled = [...midnights].sort(() => ((seed = (seed * 16_807) % 2_147_483_647) & 1 ? 1 : -1));
      for (const t of [...times, ...midnights, ...shuffled]) expect(cal.dateOf(t)).toBe(DateTime.fromMillis(t, { zone: cal.zone }).toISODate());
    }
  });

  it('matches luxon in zones whose clocks change at midnight or by half an hour, and far from today', () => {
    const hours = { full: [['09:30', '16:00']] as const, short: [['09:30', '13:00']] as const, preOpen: '04:00', postClose: '20:00', shortPostClose: '17:00' };
    // Sao Paulo's clocks went forward at midnight on 2018-11-04 (that day starts at 01:00); St John's went back at 00:01 on 2010-11-07 (an hour of the 6th came again after midnight).
    const zones = [['America/Sao_Paulo', 2018], ['Australia/Lord_Howe', 2018], ['Asia/Kolkata', 2018], ['America/New_York', 2018], ['America/St_Johns', 2010]] as const;
    for (const [zone, year] of zones) {
      const cal = new ExchangeCalendar('US', zone, hours, () => 'full');
      // Every quarter hour of the year, then every minute around each of its clock changes.
      for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 15 * 60_000) expect(cal.dateOf(t), `${zone} ${t}`).toBe(DateTime.fromMillis(t, { zone }).toISODate());
      for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 3_600_000) {
        if (DateTime.fromMillis(t, { zone }).offset === DateTime.fromMillis(t + 3_600_000, { zone }).offset) continue;
        for (let u = t - 3 * 3_600_000; u < t + 4 * 3_600_000; u += 60_000) expect(cal.dateOf(u), `${zone} ${u}`).toBe(DateTime.fromMillis(u, { zone }).toISODate());
      }
      for (const t of [Date.UTC(1900, 5, 1, 12), Date.UTC(1970, 0, 1), Date.UTC(2099, 11, 31, 23, 59)]) expect(cal.dateOf(t), `${zone} ${t}`).toBe(DateTime.fromMillis(t, { zone }).toISODate());
    }
  });
});
