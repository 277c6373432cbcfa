import { seededRandom, type Gateway } from '@pounce/gateway';
import { tick } from '../../gateway/test/testGateway.ts';

/** How long an "expired" reply is held: past the soak clients' timeout. */
export const EXPIRED_DELAY_MS = 1500;

/**
 * The soaks' fault schedule (one-strategy and node): each step draws one fault from a seeded
 * sequence and sets it on the gateway, so a seed replays the same faults; `calm()` clears them all.
 *
 * @example
 * ```ts
 * const faults = new FaultSchedule(gw, seed);
 * const steps = await faults.soak(15, 400); // faults cleared after it
 * ```
 */
export class FaultSchedule {
  /** How many of each fault were injected. */
  readonly counts: Record<string, number> = { 'push dropped': 0, 'rate limited': 0, 'reply lost': 0, 'slow replies': 0, 'duplicate pushes': 0, 'reordered pushes': 0, 'push refused': 0, 'expired replies': 0 };
  private readonly rnd: () => number;
  private slow = false;

  constructor(private readonly gw: Gateway, seed: number) {
    this.rnd = seededRandom(seed ^ 0x5eed);
  }

  get total(): number {
    return Object.values(this.counts).reduce((a, b) => a + b, 0);
  }

  /** Draws and injects this step's fault (most steps: none). */
  step(): void {
    const r = this.rnd();
    const f = this.gw.faults;
    const c = this.counts;
    if (r < 0.01) (f.refusePush = false), this.gw.dropPushConnections(), c['push dropped']!++;
    else if (r < 0.02) (f.rateLimitNext = 1), c['rate limited']!++;
    else if (r < 0.03) f.loseReplyOf.add('place_order'), c['reply lost']!++;
    else if (r < 0.04) (this.slow = !this.slow), this.slow && c['slow replies']!++;
    else if (r < 0.05) (f.duplicateTradePushes = !f.duplicateTradePushes), f.duplicateTradePushes && c['duplicate pushes']!++;
    else if (r < 0.06) (f.reorderTradePushes = !f.reorderTradePushes), f.reorderTradePushes && c['reordered pushes']!++;
    else if (r < 0.065) (f.refusePush = true), this.gw.dropPushConnections(), c['push refused']!++;
    // The next place_order and the next order read (likely its lookup) are answered past the
    // client's timeout; both still run at the gateway, late.
    else if (r < 0.07) f.delayReplyOf.set('place_order', EXPIRED_DELAY_MS).set('orders', EXPIRED_DELAY_MS), c['expired replies']!++;
    else if (r < 0.1) f.refusePush = false;
    f.replyDelayMs = this.slow ? 40 : 0;
  }

  /**
   * The soak: steps the replay one slice at a time for `seconds` (and at least `minSteps` steps),
   * drawing a fault each step, with the client's I/O running between steps (the soak's pace, not a
   * wait for an outcome); then clears every fault. Returns the steps taken.
   */
  async soak(seconds: number, minSteps: number): Promise<number> {
    const end = Date.now() + seconds * 1000;
    let steps = 0;
    while (Date.now() < end || steps < minSteps) {
      this.gw.advance(1);
      steps++;
      this.step();
      await tick(4);
    }
    this.calm();
    return steps;
  }

  /** Clears every fault: the client may reconnect and settle. */
  calm(): void {
    Object.assign(this.gw.faults, { replyDelayMs: 0, rateLimitNext: 0, refusePush: false, duplicateTradePushes: false, reorderTradePushes: false });
    this.gw.faults.loseReplyOf.clear();
    this.gw.faults.delayReplyOf.clear();
  }
}
