import { afterAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPounce, waitFor, type Started } from './childProcess.ts';
import { everyBarNode, journal, nodeJournal, readJournal, type Entry } from './everyBarNode.ts';

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterAll(() => {
  children.forEach((c) => c.kill('SIGKILL'));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The entries after the last one that matches `at`; none while nothing matches. */
const after = (entries: Entry[], at: (e: Entry) => boolean): Entry[] => {
  const k = entries.findLastIndex(at);
  return k < 0 ? [] : entries.slice(k + 1);
};
const fills = (entries: Entry[]) => entries.filter((e) => e.e === 'fill').length;
const net = (entries: Entry[]) => entries.filter((e) => e.e === 'fill').reduce((q, e) => q + (e.fill!.action === 'BUY' ? e.fill!.quantity : -e.fill!.quantity), 0);

/** Runs `pounce ctl ...` to its end. */
async function ctl(dir: string, args: string[]): Promise<{ code: number | null; out: string }> {
  const p = startPounce(['ctl', ...args], children, dir);
  const code = await p.exited;
  return { code, out: p.out() };
}

/** Speaks the control protocol directly (to send what `ctl` never would). */
function rawRequest(socket: string, request: Record<string, unknown>): Promise<{ ok: boolean; text: string }> {
  return new Promise((resolve, reject) => {
    const s = connect(socket);
    let text = '';
    s.on('connect', () => s.write(JSON.stringify(request) + '\n'));
    s.on('data', (d) => (text += String(d)));
    s.on('end', () => resolve(JSON.parse(text) as { ok: boolean; text: string }));
    s.on('error', reject);
  });
}

describe.skipIf(process.platform === 'win32')('pounce ctl against a running node (real processes, embedded gateway)', () => {
  it('pause stops one strategy\'s new orders while the other trades on; flatten leaves it flat; wrong tokens and foreign sockets are refused; a kill -9 and resume keeps the pause; stop keeps positions and start resumes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pounce-ctl-'));
    dirs.push(dir);
    const nodeDir = join(dir, 'node');
    const config = everyBarNode(dir);
    let node: Started = startPounce(['node', '--config', config, '--run-dir', nodeDir, '--speed', '15'], children, dir);
    await waitFor(() => fills(journal(nodeDir, 'a')) >= 2 && node.out().includes('control '), 90_000, 'fills of a, and the control line');
    const socket = join(nodeDir, 'ctl.sock');
    expect(statSync(socket).mode & 0o777).toBe(0o600);
    expect(statSync(join(nodeDir, 'ctl.token')).mode & 0o777).toBe(0o600);

    // A wrong or missing token is refused, and journaled; nothing is paused.
    expect(await rawRequest(socket, { token: '0'.repeat(32), command: 'pause', tag: 'a' })).toMatchObject({ ok: false, text: 'refused: wrong or missing token' });
    expect(await rawRequest(socket, { command: 'pause', tag: 'a' })).toMatchObject({ ok: false });
    expect(nodeJournal(nodeDir).filter((e) => e.e === 'control-refused').map((e) => e.why)).toEqual(['wrong token', 'missing token']);
    expect(journal(nodeDir, 'a').some((e) => e.e === 'control')).toBe(false);
    // A token file others may read is refused by ctl before it sends anything.
    chmodSync(join(nodeDir, 'ctl.token'), 0o644);
    const loose = await ctl(dir, ['pause', 'a', '--run-dir', nodeDir]);
    expect(loose.code).not.toBe(0);
    expect(loose.out).toContain('has mode 644');
    chmodSync(join(nodeDir, 'ctl.token'), 0o600);
    // A socket of another user: ctl will not hand it the token (as root, the test can make one).
    if (process.getuid?.() === 0) {
      chownSync(socket, 65534, 65534);
      const foreign = await ctl(dir, ['status', '--run-dir', nodeDir]);
      expect(foreign.code).not.toBe(0);
      expect(foreign.out).toContain('belongs to uid 65534');
      chownSync(socket, 0, 0);
    }
    expect(journal(nodeDir, 'a').some((e) => e.e === 'control')).toBe(false);

    // Pause a: its new orders are refused before the venue; b trades on.
    const paused = await ctl(dir, ['pause', 'a', '--run-dir', nodeDir]);
    expect(paused.out).toContain('done    pause a: paused');
    expect(paused.code).toBe(0);
    const bAtPause = fills(journal(nodeDir, 'b'));
    await waitFor(() => fills(journal(nodeDir, 'b')) >= bAtPause + 3 && after(journal(nodeDir, 'a'), (e) => e.e === 'control').filter((e) => e.e === 'rejected').length >= 2, 60_000, 'b trading on, a refused');
    const sincePause = after(journal(nodeDir, 'a'), (e) => e.e === 'control' && e.action === 'pause');
    expect(sincePause.filter((e) => e.e === 'intent')).toEqual([]);
    expect(sincePause.filter((e) => e.e === 'rejected').every((e) => e.reason === 'risk: trading halted: paused by ctl')).toBe(true);
    expect(journal(nodeDir, 'a').find((e) => e.e === 'control')).toMatchObject({ action: 'pause', by: 'ctl', ok: true });
    expect(nodeJournal(nodeDir).find((e) => e.e === 'control')).toMatchObject({ tag: 'a', action: 'pause', by: 'ctl', ok: true });

    // Flatten a: its open orders cancelled, its position sold with a market order through its own engine.
    expect(net(journal(nodeDir, 'a'))).toBeGreaterThan(0);
    const flat = await ctl(dir, ['flatten', 'a', '--run-dir', nodeDir]);
    expect(flat.code).toBe(0);
    expect(flat.out).toMatch(/market orders sent: SELL \d+ NVDA/);
    await waitFor(() => net(journal(nodeDir, 'a')) === 0, 60_000, 'a flat by its journaled fills');
    expect(journal(nodeDir, 'a').filter((e) => e.e === 'control').map((e) => [e.action, e.by, e.ok])).toEqual([['pause', 'ctl', true], ['flatten', 'ctl', true]]);
    const status = await ctl(dir, ['status', '--run-dir', nodeDir]);
    expect(status.out).toMatch(/^a\s+every-bar paused \(paused by ctl\) \| flat \|/m);
    expect(status.out).toMatch(/^b\s+every-bar running \| ORCL \d+/m);
    expect(status.out).toMatch(/^account\s+equity [\d.]+ \| gross exposure [\d.]+$/m);

    // kill -9, then --resume: a is still paused (its journal says so), b trades on.
    node.proc.kill('SIGKILL');
    await node.exited;
    node = startPounce(['node', '--resume', nodeDir, '--speed', '15'], children, dir);
    await waitFor(() => after(journal(nodeDir, 'b'), (e) => e.text === 'resumed').filter((e) => e.e === 'fill').length >= 3, 150_000, 'b trading after the resume');
    await waitFor(() => after(journal(nodeDir, 'a'), (e) => e.text === 'resumed').some((e) => e.e === 'rejected'), 30_000, 'a refusing after the resume');
    const aResumed = after(journal(nodeDir, 'a'), (e) => e.text === 'resumed');
    expect(aResumed.filter((e) => e.e === 'intent')).toEqual([]);
    expect(node.out()).toContain('a        paused (by an operator before the resume): ctl resume a undoes it');

    // resume a: it trades again.
    expect((await ctl(dir, ['resume', 'a', '--run-dir', nodeDir])).code).toBe(0);
    await waitFor(() => after(journal(nodeDir, 'a'), (e) => e.action === 'resume').some((e) => e.e === 'fill'), 60_000, 'a filled after resume');

    // stop b: open orders cancelled, its engine stopped, its position kept; start b: it resumes from its journal.
    const held = net(journal(nodeDir, 'b'));
    const stopped = await ctl(dir, ['stop', 'b', '--run-dir', nodeDir]);
    expect(stopped.code).toBe(0);
    expect(stopped.out).toMatch(/positions kept: ORCL \d+/);
    expect((await ctl(dir, ['status', '--run-dir', nodeDir])).out).toMatch(/^b\s+every-bar stopped \| ORCL \d+/m);
    expect(net(journal(nodeDir, 'b'))).toBeGreaterThanOrEqual(held);
    expect((await ctl(dir, ['pause', 'b', '--run-dir', nodeDir])).out).toContain('refused    pause b: b is stopped');
    const started = await ctl(dir, ['start', 'b', '--run-dir', nodeDir]);
    expect(started.code).toBe(0);
    await waitFor(() => after(journal(nodeDir, 'b'), (e) => e.action === 'start').some((e) => e.e === 'fill'), 60_000, 'b filled after start');
    expect(nodeJournal(nodeDir).filter((e) => e.e === 'control').map((e) => [e.tag, e.action, e.ok])).toEqual([
      ['a', 'pause', true], ['a', 'flatten', true], ['a', 'resume', true], ['b', 'stop', true], ['b', 'pause', false], ['b', 'start', true],
    ]);
    node.proc.kill('SIGTERM');
    expect(await node.exited).toBe(0);
    expect(existsSync(socket)).toBe(false);
    // The summary counts each strategy's fills over its whole journal: across the kill -9 and
    // --resume, and for b across its stop and start (before: b's from its start only).
    for (const tag of ['a', 'b']) {
      const fills = new Set(journal(nodeDir, tag).flatMap((e) => (e.e === 'fill' ? [e.fill!.id] : []))).size;
      expect(Number(new RegExp(`^  ${tag}\\s+fills (\\d+),`, 'm').exec(node.out())?.[1]), tag).toBe(fills);
    }
  }, 300_000);

  it('drives a one-strategy run too: pause is journaled in its journal, stop ends the run with its positions kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pounce-ctl-solo-'));
    dirs.push(dir);
    everyBarNode(dir);
    const runDir = join(dir, 'run');
    const run = startPounce(['strategy', join(dir, 'every-bar.mjs'), '--paper', '--embedded', '--data', `NVDA=${join(dir, 'nvda.csv')}`, '--speed', '15', '--run-dir', runDir], children, dir);
    await waitFor(() => existsSync(join(runDir, 'ctl.sock')) && readJournal(runDir).filter((e) => e.e === 'fill').length >= 2, 90_000, 'fills of the run');
    const paused = await ctl(dir, ['pause', '--run-dir', runDir]);
    expect(paused.code).toBe(0);
    expect(readJournal(runDir).filter((e) => e.e === 'control')).toMatchObject([{ action: 'pause', by: 'ctl', ok: true }]);
    expect((await ctl(dir, ['start', '--run-dir', runDir])).out).toContain('refused    start: a one-strategy run is started again with npm run strategy');
    // A wrong token is journaled as a node journals it: one control-refused line.
    expect(await rawRequest(join(runDir, 'ctl.sock'), { token: 'f'.repeat(32), command: 'pause' })).toMatchObject({ ok: false });
    expect(readJournal(runDir).filter((e) => e.e === 'control-refused')).toMatchObject([{ by: 'ctl', why: 'wrong token' }]);
    const stopped = await ctl(dir, ['stop', 'every-bar', '--run-dir', runDir]);
    expect(stopped.code).toBe(0);
    expect(stopped.out).toContain('positions kept');
    expect(await run.exited).toBe(0);
    expect(run.out()).toContain('stopped by pounce ctl: open orders cancelled, positions kept');
    expect(run.out()).toMatch(/positions\s+NVDA \d+/);
  }, 120_000);
});
