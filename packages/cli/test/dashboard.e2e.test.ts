/// <reference lib="dom" />
import { afterAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeInChromium, launchChromium } from '../../../scripts/test/headlessChromium.ts';
import WebSocket from 'ws';
import { startPounce, waitFor } from './childProcess.ts';

const procs: ChildProcess[] = [];
const dirs: string[] = [];
afterAll(() => {
  procs.forEach((p) => p.kill('SIGKILL'));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describeInChromium('live dashboard in headless Chromium against a paper run', () => {
  it('connects, follows fills (count equals the journal), refuses a wrong token, and the kill switch stops the run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pounce-dash-'));
    dirs.push(dir);
    const runDir = join(dir, 'run');
    const run = startPounce(['strategy', 'sma-cross', '--paper', '--dashboard', '--speed', '40', '--param', 'fast=3', '--param', 'slow=8', '--run-dir', runDir, '--status-every', '1s'], procs, dir);
    const { exited } = run;
    await waitFor(() => /dashboard\s+(http\S+)/.test(run.out()), 30_000, 'the dashboard URL');
    const out = () => run.out();
    const url = /dashboard\s+(http\S+)/.exec(out())![1]!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{32}$/);

    // A wrong token: the page answers 401 and the WebSocket upgrade is refused.
    const wrong = url.replace(/token=\w+/, 'token=' + '0'.repeat(32));
    expect((await fetch(wrong)).status).toBe(401);
    const wsStatus = await new Promise<number>((resolve) => {
      const ws = new WebSocket(wrong.replace('http://', 'ws://').replace('/?', '/ws?'));
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => resolve(-1));
      ws.on('open', () => resolve(101));
    });
    expect(wsStatus).not.toBe(101);

    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(url);
      await page.waitForFunction(() => document.getElementById('conn')?.textContent === 'live', null, { timeout: 15_000 });
      await page.waitForFunction(() => Number(document.getElementById('fill-count')?.textContent) >= 2, null, { timeout: 30_000 });
      const inked = await page.evaluate(() => {
        const c = document.getElementById('candles') as HTMLCanvasElement;
        const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < px.length; i += 4) if (px[i]! > 0) n++;
        return n;
      });
      expect(inked).toBeGreaterThan(1000);
      await page.screenshot({ path: join(dir, 'dashboard.png') });

      page.once('dialog', (d) => void d.accept());
      await page.click('#kill');
      expect(await exited).toBe(0);
      expect(out()).toMatch(/kill switch pressed on the dashboard/);
      const shown = Number(await page.locator('#fill-count').textContent());
      const journaled = readFileSync(join(runDir, 'journal.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"e":"fill"')).length;
      expect(shown).toBe(journaled);
      expect(Number(/fills\s+(\d+)/.exec(out().split('summary')[1] ?? '')?.[1])).toBe(journaled);
      expect(readFileSync(join(runDir, 'journal.jsonl'), 'utf8')).toMatch(/kill switch: dashboard kill switch/);
      // The equity chart draws the path: one point per bar the run received (market.csv lists them),
      // not a line from the start to now. Before: one point per update sent to a page.
      await page.waitForFunction(() => document.getElementById('conn')?.textContent === 'disconnected', null, { timeout: 15_000 });
      const bars = readFileSync(join(runDir, 'market.csv'), 'utf8').split('\n').filter((l) => l.startsWith('b,')).length;
      expect(bars).toBeGreaterThan(10);
      expect(Number(await page.locator('#equity-chart').getAttribute('data-points'))).toBe(bars);
      // Exchange time, zone named: the status shows New York time.
      expect(await page.locator('#time').textContent()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d New York$/);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 90_000);
});
