import type { WatchedRun, WatchedStrategy } from '@pounce/dashboard';
import type { OpenedVenue } from '../venue/openVenue.ts';

/**
 * The operations view of a run on an opened venue: its strategies, the push connection and
 * event times, the rate limiter. A node passes its strategies as a function, read live (an
 * operator may stop and start one), with `strategiesChanged$`. Push lag is read on the replay
 * clock on the embedded gateway (its pushes carry replayed times), on wall time otherwise.
 */
export function watchedRun(
  strategies: readonly WatchedStrategy[] | (() => readonly WatchedStrategy[]),
  opened: OpenedVenue,
  node?: Pick<WatchedRun, 'accountHalt' | 'accountEquity' | 'strategiesChanged$'>,
): WatchedRun {
  const venue = opened.venue;
  return {
    strategies: typeof strategies === 'function' ? strategies : () => strategies,
    connection$: venue.connection$,
    rateLimitTokens: () => opened.api.http.rateLimitTokens(),
    eventTimes$: opened.push.eventTimes$,
    receiptNow: venue.kind === 'embedded-paper' ? () => venue.now() : () => Date.now(),
    ...node,
  };
}
