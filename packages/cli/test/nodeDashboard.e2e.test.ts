/// <reference lib="dom" />
import { afterAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeInChromium, launchChromium } from '../../../scripts/test/headlessChromium.ts';
import { startPounce, waitFor } from './childProcess.ts';
import { everyBarNode, journal, nodeJournal } from './everyBarNode.ts';

const procs: ChildProcess[] = [];
const dirs: string[] = [];
afterAll(() => {
  procs.forEach((p) => p.kill('SIGKILL'));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describeInChromium('node dashboard in headless Chromium', () => {
  it('lists every strategy of the node and the account; a pause click pauses one strategy (journaled by dashboard) while the other trades on, flatten, resume and stop clicks act as ctl does; a wrong token gets 401', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pounce-node-dash-'));
    dirs.push(dir);
    const nodeDir = join(dir, 'node');
    const node = startPounce(['node', '--config', everyBarNode(dir), '--run-dir', nodeDir, '--speed', '15', '--dashboard'], procs, dir);
    await waitFor(() => /dashboard\s+(http\S+)/.test(node.out()), 60_000, 'the dashboard URL');
    const url = /dashboard\s+(http\S+)/.exec(node.out())![1]!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{32}$/);
    expect((await fetch(url.replace(/token=\w+/, 'token=' + '0'.repeat(32)))).status).toBe(401);

    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
      const buttons = (tag: string) => page.locator(`tr[data-tag="${tag}"] button[data-action]`).evaluateAll((bs) => bs.map((b) => (b as HTMLElement).dataset.action));
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(url);
      await page.waitForFunction(() => document.getElementById('conn')?.textContent === 'live', null, { timeout: 15_000 });
      await page.waitForFunction(() => ['a', 'b'].every((t) => Number(document.querySelector(`tr[data-tag="${t}"] .fills`)?.textContent) >= 2), null, { timeout: 60_000 });
      expect(await page.locator('#strategies tr[data-tag]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.tag))).toEqual(['a', 'b']);
      expect(await page.locator('#equity').textContent()).toMatch(/^[\d,]+\.\d\d$/);
      expect(await page.locator('#gross').textContent()).toMatch(/^[\d,]+\.\d\d$/);
      expect(await page.locator('#risk').textContent()).toMatch(/orders per minute[\d,.]+ \/ 100,000\.00/);

      // Every control but start (README): running pause/flatten/stop, paused resume/flatten/stop, stopped none.
      expect(await buttons('a')).toEqual(['pause', 'flatten', 'stop']);

      // The buttons stay the same elements from state to state: a redraw between mousedown and mouseup would lose the click.
      const pauseButton = await page.$('tr[data-tag="a"] button[data-action="pause"]');
      const aShown = Number(await page.locator('tr[data-tag="a"] .fills').textContent());
      await page.waitForFunction((n) => Number(document.querySelector('tr[data-tag="a"] .fills')?.textContent) > n, aShown, { timeout: 30_000 });
      expect(await pauseButton!.evaluate((b) => b.isConnected)).toBe(true);
      await page.click('tr[data-tag="a"] button[data-action="pause"]');
      await page.waitForFunction(() => document.getElementById('result')?.textContent?.startsWith('done: pause a'), null, { timeout: 30_000 });
      await page.waitForFunction(() => document.querySelector('tr[data-tag="a"] .state')?.textContent === 'paused', null, { timeout: 15_000 });
      expect(await buttons('a')).toEqual(['resume', 'flatten', 'stop']);
      expect(journal(nodeDir, 'a').filter((e) => e.e === 'control')).toMatchObject([{ action: 'pause', by: 'dashboard', ok: true }]);
      expect(nodeJournal(nodeDir).filter((e) => e.e === 'control')).toMatchObject([{ tag: 'a', action: 'pause', by: 'dashboard', ok: true }]);
      // b trades on while a is paused: its fill count on the page goes up.
      const bShown = Number(await page.locator('tr[data-tag="b"] .fills').textContent());
      await page.waitForFunction((n) => Number(document.querySelector('tr[data-tag="b"] .fills')?.textContent) > n + 2, bShown, { timeout: 30_000 });
      expect(await page.locator('tr[data-tag="b"] .state').textContent()).toBe('running');

      // Flatten a (paused, so it stays flat) after the page's confirmation: cancels and closing orders through a's own engine.
      page.once('dialog', (d) => void d.accept());
      await page.click('tr[data-tag="a"] button[data-action="flatten"]');
      await page.waitForFunction(() => document.getElementById('result')?.textContent?.startsWith('done: flatten a'), null, { timeout: 30_000 });
      expect(journal(nodeDir, 'a').filter((e) => e.e === 'control')).toMatchObject([{ action: 'pause', by: 'dashboard', ok: true }, { action: 'flatten', by: 'dashboard', ok: true, outcome: expect.stringMatching(/^cancelled \d+ open order\(s\); (market orders sent: |no position to close)/) }]);

      // Resume a; stop b after the page's confirmation: each journaled by dashboard, as ctl's are.
      await page.click('tr[data-tag="a"] button[data-action="resume"]');
      await page.waitForFunction(() => document.getElementById('result')?.textContent?.startsWith('done: resume a'), null, { timeout: 30_000 });
      await page.waitForFunction(() => document.querySelector('tr[data-tag="a"] .state')?.textContent === 'running', null, { timeout: 15_000 });
      page.once('dialog', (d) => void d.accept());
      await page.click('tr[data-tag="b"] button[data-action="stop"]');
      await page.waitForFunction(() => document.getElementById('result')?.textContent?.startsWith('done: stop b'), null, { timeout: 30_000 });
      await page.waitForFunction(() => document.querySelector('tr[data-tag="b"] .state')?.textContent === 'stopped', null, { timeout: 15_000 });
      expect(await buttons('b')).toEqual([]);
      expect(journal(nodeDir, 'a').filter((e) => e.e === 'control')).toMatchObject([{ action: 'pause', by: 'dashboard', ok: true }, { action: 'flatten', by: 'dashboard', ok: true }, { action: 'resume', by: 'dashboard', ok: true }]);
      expect(nodeJournal(nodeDir).filter((e) => e.e === 'control')).toMatchObject([
        { tag: 'a', action: 'pause', by: 'dashboard', ok: true },
        { tag: 'a', action: 'flatten', by: 'dashboard', ok: true },
        { tag: 'a', action: 'resume', by: 'dashboard', ok: true },
        { tag: 'b', action: 'stop', by: 'dashboard', ok: true },
      ]);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
    node.proc.kill('SIGTERM');
    expect(await node.exited).toBe(0);
  }, 180_000);
});
