import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { describe } from 'vitest';

/** Debian's Chromium (apt-get install -y chromium), or CHROMIUM_PATH. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// Skipped on a machine without Chromium, but in CI (CI set) a missing browser fails the test: CI must not go green untested.
const IN_CI = !['', '0', 'false'].includes(process.env.CI ?? '');

/** `describe` for browser tests: skipped only off CI when Chromium is missing. */
export const describeInChromium = describe.skipIf(!existsSync(CHROMIUM) && !IN_CI);

/**
 * Headless Chromium with nothing reaching beyond loopback: without the background-networking
 * flags it keeps trying the browser vendor's hosts, which this machine's closed network refuses.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (CI is set, so the browser test must run: apt-get install -y chromium, or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
