import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { StopSignals, type SignalSource, type StopSignal } from '../src/commandLine/StopSignals.ts';

function source(): SignalSource & { emitSignal: (s: StopSignal) => void; count: () => number } {
  const e = new EventEmitter();
  return {
    on: (s, l) => e.on(s, l),
    off: (s, l) => e.off(s, l),
    emitSignal: (s) => e.emit(s, s),
    count: () => e.listenerCount('SIGINT') + e.listenerCount('SIGTERM'),
  };
}

describe('StopSignals', () => {
  it('keeps a signal that arrives during start-up and hands it to the stop logic once that exists', () => {
    const src = source();
    const lines: string[] = [];
    const quits: number[] = [];
    const signals = StopSignals.listen(src, (l) => lines.push(l), (s) => quits.push(s));
    src.emitSignal('SIGINT'); // before handle(): the default action would have killed the process here
    expect(lines.join('\n')).toContain('SIGINT during start-up: stopping as soon as start-up has finished');
    const got: [StopSignal, number][] = [];
    signals.handle((s, n) => got.push([s, n]));
    expect(got).toEqual([['SIGINT', 1]]);
    src.emitSignal('SIGINT');
    src.emitSignal('SIGTERM');
    expect(got).toEqual([['SIGINT', 1], ['SIGINT', 2], ['SIGTERM', 3]]);
    expect(quits).toEqual([]);
  });

  it('quits with status 130 on a second signal during start-up', () => {
    const src = source();
    const quits: number[] = [];
    StopSignals.listen(src, () => undefined, (s) => quits.push(s));
    src.emitSignal('SIGTERM');
    expect(quits).toEqual([]);
    src.emitSignal('SIGINT');
    expect(quits).toEqual([130]);
  });

  it('close() stops listening, so a later signal takes its default action again', () => {
    const src = source();
    const signals = StopSignals.listen(src, () => undefined, () => undefined);
    expect(src.count()).toBe(2);
    signals.close();
    expect(src.count()).toBe(0);
  });
});
