import { afterEach } from 'vitest';
import type { Gateway } from '@pounce/gateway';
import type { TradingEngine } from '../src/index.ts';

/** What a test started: the test gateway, and the engine running against it. */
export interface StartedOnGateway {
  gw: Gateway | undefined;
  engine: TradingEngine | undefined;
}

/**
 * The gateway and engine a test starts, stopped after each test (the engine first, while its
 * venue is still up) and cleared for the next. Call it at the top of the file, after `tempDirs()`:
 * after-hooks run last-registered first, so the run stops before its folders are removed.
 */
export function startedOnGateway(): StartedOnGateway {
  const started: StartedOnGateway = { gw: undefined, engine: undefined };
  afterEach(async () => {
    await started.engine?.stop().catch(() => undefined);
    await started.gw?.stop();
    started.engine = undefined;
    started.gw = undefined;
  });
  return started;
}
