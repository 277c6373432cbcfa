import type { WatchedRun, WatchedStrategy } from '@pounce/dashboard';
import type { OpenedVenue } from '../venue/openVenue.ts';

/**
 * The operations view of a run on an opened venue: its strategies, the push connection and
 * event times, the rate limiter. Push lag is read on the replay clock on the embedded gateway
 * (its pushes carry replayed times), on wall time otherwise.
 */
export function watchedRun(strategies: readonly WatchedStrategy[], opened: OpenedVenue, account?: Pick<WatchedRun, 'accountHalt' | 'accountEquity'>): WatchedRun {
  const venue = opened.venue;
  return {
    strategies: () => strategies,
    connection$: venue.connection$,
    rateLimitTokens: () => opened.api.http.rateLimitTokens(),
    eventTimes$: opened.push.eventTimes$,
    receiptNow: venue.kind === 'embedded-paper' ? () => venue.now() : () => Date.now(),
    ...account,
  };
}
