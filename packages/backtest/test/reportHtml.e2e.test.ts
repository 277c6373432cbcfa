/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describeInChromium, launchChromium } from '../../../scripts/test/headlessChromium.ts';
import { loadData, runBacktest, writeReport } from '../src/index.ts';
import smaCross from '../../../strategies/sma-cross/index.ts';

const NVDA = fileURLToPath(new URL('../../gateway/data/nvda-1999-2014.csv', import.meta.url));

describeInChromium('report.html in headless Chromium', () => {
  it('opens without errors and draws non-blank equity and drawdown charts', async () => {
    const data = loadData([`NVDA=${NVDA}`]);
    const r = await runBacktest({ def: smaCross, bars: data.bars });
    const dir = mkdtempSync(join(tmpdir(), 'pounce-report-'));
    const { html } = writeReport(dir, { ...r, version: 1, createdAt: new Date().toISOString(), data: { fingerprint: data.fingerprint, files: data.files }, fills: r.fills });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      const requests: string[] = [];
      page.on('request', (req) => !req.url().startsWith('file:') && requests.push(req.url()));
      await page.goto(pathToFileURL(html).href);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
      expect(errors).toEqual([]);
      expect(requests).toEqual([]); // self-contained: no network
      const inked = await page.evaluate(() =>
        [...document.querySelectorAll('canvas')].map((c) => {
          const ctx = c.getContext('2d')!;
          const px = ctx.getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          for (let i = 3; i < px.length; i += 4) if (px[i]! > 0) n++;
          return n;
        }),
      );
      expect(inked.length).toBe(2);
      for (const n of inked) expect(n).toBeGreaterThan(2000);
      expect(await page.locator('#metrics').innerText()).toMatch(/Sharpe\s+0\.\d\d/);
      await page.screenshot({ path: join(dir, 'report.png'), fullPage: false });
      expect(existsSync(join(dir, 'report.png'))).toBe(true);
    } finally {
      await browser.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
