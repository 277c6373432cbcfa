import { describe, expect, it } from 'vitest';
import { perMinuteLimit, RateLimiter, type Clock } from '../src/index.ts';

function fakeClock(): Clock & { t: number } {
  const c = { t: 0, now: () => c.t, sleep: async (ms: number) => { c.t += ms; } };
  return c;
}

describe('RateLimiter', () => {
  it('uses the documented tiers', () => {
    expect(perMinuteLimit('place_order')).toBe(120);
    expect(perMinuteLimit('positions')).toBe(60);
    expect(perMinuteLimit('all_symbols')).toBe(10);
  });

  it('allows a burst of the tier, then spaces requests at the refill rate', () => {
    const clock = fakeClock();
    const rl = new RateLimiter({ clock });
    for (let i = 0; i < 10; i++) expect(rl.tryAcquire('all_symbols')).toBe(0);
    expect(rl.tryAcquire('all_symbols')).toBe(6000);
    clock.t += 6000;
    expect(rl.tryAcquire('all_symbols')).toBe(0);
  });

  it('keeps methods in separate buckets', () => {
    const rl = new RateLimiter({ clock: fakeClock() });
    for (let i = 0; i < 10; i++) rl.tryAcquire('all_symbols');
    expect(rl.tryAcquire('positions')).toBe(0);
  });

  it('shares one 120/min budget across place/modify/cancel on paper accounts, without burning tokens on refusal', () => {
    const clock = fakeClock();
    const rl = new RateLimiter({ clock, paperAccount: true });
    for (let i = 0; i < 60; i++) expect(rl.tryAcquire('place_order')).toBe(0);
    for (let i = 0; i < 60; i++) expect(rl.tryAcquire('cancel_order')).toBe(0);
    expect(rl.tryAcquire('modify_order')).toBeGreaterThan(0);
    expect(rl.tryAcquire('modify_order')).toBeGreaterThan(0);
    clock.t += 500; // one token back in the shared bucket
    expect(rl.tryAcquire('modify_order')).toBe(0);
    const prime = new RateLimiter({ clock: fakeClock() });
    for (let i = 0; i < 120; i++) prime.tryAcquire('place_order');
    expect(prime.tryAcquire('cancel_order')).toBe(0);
  });

  it('acquire waits (on the clock) until a token is free', async () => {
    const clock = fakeClock();
    const rl = new RateLimiter({ clock });
    for (let i = 0; i < 10; i++) await rl.acquire('all_symbols');
    await rl.acquire('all_symbols');
    expect(clock.t).toBe(6000);
  });
});
