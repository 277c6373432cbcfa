import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StopSignals, StoppedDuringStartup, type SignalSource, type StopSignal } from '../src/commandLine/StopSignals.ts';
import { runGatewayCommand } from '../src/commands/gateway.ts';
import { runStrategyCommand } from '../src/commands/strategy.ts';

function source(): SignalSource & { emitSignal: (s: StopSignal) => void; count: () => number } {
  const e = new EventEmitter();
  return {
    on: (s, l) => e.on(s, l),
    off: (s, l) => e.off(s, l),
    emitSignal: (s) => e.emit(s, s),
    count: () => e.listenerCount('SIGINT') + e.listenerCount('SIGTERM'),
  };
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('StopSignals', () => {
  it('keeps a signal that arrives during start-up: requested, thrown at a safe point, and handed to the stop logic once that exists', () => {
    const src = source();
    const lines: string[] = [];
    const quits: number[] = [];
    const signals = StopSignals.listen(src, (l) => lines.push(l), (s) => quits.push(s));
    expect(() => signals.throwIfRequested()).not.toThrow();
    src.emitSignal('SIGINT'); // before handle(): the default action would have killed the process here
    expect(lines.join('\n')).toContain('SIGINT during start-up: stopping at the first safe point');
    expect(signals.requested).toBe('SIGINT');
    expect(() => signals.throwIfRequested()).toThrow(StoppedDuringStartup);
    const got: StopSignal[] = [];
    signals.handle((s) => got.push(s));
    expect(got).toEqual(['SIGINT']);
    src.emitSignal('SIGINT');
    src.emitSignal('SIGTERM');
    expect(got).toEqual(['SIGINT', 'SIGINT', 'SIGTERM']);
    expect(quits).toEqual([]);
    // A second stop logic would take the first one's signals unseen: refused.
    expect(() => signals.handle(() => undefined)).toThrow(/already installed/);
    src.emitSignal('SIGINT');
    expect(got).toEqual(['SIGINT', 'SIGINT', 'SIGTERM', 'SIGINT']);
  });

  it('quits at once on a second signal during start-up, with the shell status of that signal', () => {
    const src = source();
    const quits: number[] = [];
    StopSignals.listen(src, () => undefined, (s) => quits.push(s));
    src.emitSignal('SIGINT');
    expect(quits).toEqual([]);
    src.emitSignal('SIGTERM');
    expect(quits).toEqual([143]);
    expect(new StoppedDuringStartup('SIGINT').status).toBe(130);
  });

  it('close() and restoreDefault() stop listening, so a later signal takes its default action again', () => {
    const src = source();
    const signals = StopSignals.listen(src, () => undefined, () => undefined);
    expect(src.count()).toBe(2);
    signals.restoreDefault('SIGTERM');
    expect(src.count()).toBe(1);
    signals.close();
    expect(src.count()).toBe(0);
  });
});

describe('a stop signal the moment a command announces itself', () => {
  it('pounce gateway: a SIGINT as it prints ready stops it cleanly (before: it came before the handler and was lost, or killed the process)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pounce-sig-'));
    dirs.push(dir);
    const lines: string[] = [];
    const code = await runGatewayCommand(['--synthetic', 'NVDA', '--bars', '50', '--state', join(dir, 'gw')], (l) => {
      lines.push(l);
      if (l === 'ready') process.emit('SIGINT', 'SIGINT');
    });
    expect(code).toBe(0);
    expect(lines.join('\n')).toMatch(/stopped at replay time .* New York; state kept in/);
    expect(process.listenerCount('SIGINT')).toBe(0);
  }, 30_000);

  it('pounce strategy: a SIGINT while it is still starting up ends the start-up before the engine starts: nothing traded, the new run folder removed, status 130', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pounce-sig-'));
    dirs.push(dir);
    const runDir = join(dir, 'run');
    const lines: string[] = [];
    const code = await runStrategyCommand(['sma-cross', '--paper', '--embedded', '--synthetic', '--run-dir', runDir, '--duration', '20s'], (l) => {
      lines.push(l);
      if (l.startsWith('params')) process.emit('SIGINT', 'SIGINT');
    });
    expect(code, lines.join('\n')).toBe(130);
    expect(lines.join('\n')).toContain('SIGINT during start-up: stopped before trading started');
    expect(lines.join('\n')).not.toContain('summary');
    expect(existsSync(runDir)).toBe(false);
    expect(process.listenerCount('SIGINT')).toBe(0);
  }, 60_000);
});
