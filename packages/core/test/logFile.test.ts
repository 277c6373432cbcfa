import { describe, expect, it, vi } from 'vitest';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger, registerSecret, RotatingLogFile, type JsonLogLine } from '../src/index.ts';
import { tempDirs } from './tempDirs.ts';

const newTempDir = tempDirs();
const tempDir = () => newTempDir('pounce-log-');

describe('JSON log lines', () => {
  it('writes one object a line: time, level, msg, scope, fields', () => {
    const lines: string[] = [];
    const log = createLogger({ format: 'json', level: 'info', scope: 'fast', write: (l) => lines.push(l) });
    log.debug('not at this level');
    log.info('order placed', { orderId: '41', quantity: 10, big: 12n });
    log.error('venue stream failed', { error: new Error('kicked out') });
    expect(lines).toHaveLength(2);
    const [a, b] = lines.map((l) => JSON.parse(l) as JsonLogLine);
    expect(a).toEqual({ time: expect.any(String), level: 'info', msg: 'order placed', scope: 'fast', fields: { orderId: '41', quantity: 10, big: '12' } });
    expect(Date.parse(a!.time)).not.toBeNaN();
    expect(b!.fields).toEqual({ error: 'kicked out' });
  });

  it('redacts registered secrets, keys and secret_key values, nested in JSON text too, and stays valid JSON', () => {
    const secret = 'tr0ub4dor-secret-value-xyz';
    registerSecret(secret);
    const key = 'MII' + 'A'.repeat(60);
    const lines: string[] = [];
    const log = createLogger({ format: 'json', write: (l) => lines.push(l) });
    log.warn(`token ${secret} refused`, {
      sign: `biz_content={"secret_key":"sk-live-123456","account":"1"}`,
      nested: { key, list: [secret] },
      error: new Error(`bad ${secret}`),
    });
    const line = lines[0]!;
    expect(line).not.toContain(secret);
    expect(line).not.toContain('sk-live-123456');
    expect(line).not.toContain(key);
    const parsed = JSON.parse(line) as JsonLogLine;
    expect(parsed.msg).toBe('token [REDACTED] refused');
    expect(parsed.fields).toEqual({ sign: 'biz_content={"secret_key":"[REDACTED]","account":"1"}', nested: { key: '[REDACTED]', list: ['[REDACTED]'] }, error: 'bad [REDACTED]' });
  });

  it('redacts fields nested past the depth limit too (kept as one JSON string there)', () => {
    const secret = 'deep-secret-value-0123456789';
    registerSecret(secret);
    let deep: Record<string, unknown> = { token: secret, sign: 'secret_key=abcdef123' };
    for (let i = 0; i < 12; i++) deep = { level: deep };
    const lines: string[] = [];
    createLogger({ format: 'json', write: (l) => lines.push(l) }).warn('deep', { deep });
    expect(lines[0]).not.toContain(secret);
    expect(lines[0]).not.toContain('abcdef123');
    const parsed = JSON.parse(lines[0]!) as JsonLogLine;
    let at: unknown = parsed.fields!.deep;
    while (typeof at === 'object' && at !== null) at = (at as { level: unknown }).level;
    expect(typeof at).toBe('string');
    expect(at as string).toContain('[REDACTED]');
  });

  it('the text format keeps redacting as before', () => {
    const lines: string[] = [];
    createLogger({ write: (l) => lines.push(l) }).info('signing', { input: 'secret_key=abcdef123' });
    expect(lines[0]).toMatch(/INFO signing \{"input":"secret_key=\[REDACTED\]"\}$/);
  });
});

describe('RotatingLogFile', () => {
  it('keeps N files, each under the size limit, each line whole JSON, newest in the file itself', () => {
    const dir = tempDir();
    const path = join(dir, 'pounce.log');
    const maxBytes = 2000;
    const file = new RotatingLogFile({ path, maxBytes, keep: 3 });
    const log = createLogger({ format: 'json', write: (l) => file.write(l) });
    const total = 200;
    for (let i = 0; i < total; i++) log.info('tick', { i, pad: 'x'.repeat(i % 40) });
    file.close();
    expect(readdirSync(dir).sort()).toEqual(['pounce.log', 'pounce.log.1', 'pounce.log.2']);
    const seen: number[][] = [];
    for (const name of ['pounce.log.2', 'pounce.log.1', 'pounce.log']) {
      const p = join(dir, name);
      expect(statSync(p).size).toBeLessThanOrEqual(maxBytes);
      const text = readFileSync(p, 'utf8');
      expect(text.endsWith('\n')).toBe(true);
      seen.push(text.trimEnd().split('\n').map((l) => (JSON.parse(l) as JsonLogLine).fields!.i as number));
    }
    // Oldest to newest, consecutive, ending with the last line written; what rotated out is the oldest.
    const all = seen.flat();
    expect(all.at(-1)).toBe(total - 1);
    expect(all).toEqual(all.map((_, k) => all[0]! + k));
    expect(all[0]).toBeGreaterThan(0);
  });

  it('appends to an existing file and counts its size', () => {
    const dir = tempDir();
    const path = join(dir, 'a.log');
    const first = new RotatingLogFile({ path, maxBytes: 100, keep: 2 });
    first.write('x'.repeat(60));
    first.close();
    const again = new RotatingLogFile({ path, maxBytes: 100, keep: 2 });
    again.write('y'.repeat(60));
    again.close();
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('x'.repeat(60) + '\n');
    expect(readFileSync(path, 'utf8')).toBe('y'.repeat(60) + '\n');
  });

  it('drops lines after close instead of throwing (a late log line at shutdown must not end the run)', () => {
    const path = join(tempDir(), 'c.log');
    const file = new RotatingLogFile({ path, maxBytes: 1000, keep: 2 });
    file.write('before');
    file.close();
    expect(() => file.write('after')).not.toThrow();
    expect(() => file.close()).not.toThrow();
    expect(readFileSync(path, 'utf8')).toBe('before\n');
    expect(file.failedWrites).toBe(0);
  });

  it('counts lines it cannot write and tells stderr once, without throwing', () => {
    const dir = tempDir();
    const path = join(dir, 'd.log');
    const file = new RotatingLogFile({ path, maxBytes: 10, keep: 2 });
    file.write('first line');
    // The folder vanishes: the rotation before the next line fails, and every later write too.
    rmSync(dir, { recursive: true, force: true });
    const told: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      told.push(String(chunk));
      return true;
    });
    try {
      expect(() => {
        file.write('second line');
        file.write('third line');
      }).not.toThrow();
    } finally {
      spy.mockRestore();
    }
    expect(file.failedWrites).toBe(2);
    expect(told).toHaveLength(1);
    expect(told[0]).toMatch(/d\.log: write failed \(.+\); this line follows, later failures are only counted\nsecond line\n$/);
    file.close();
  });

  it('refuses a keep below 1', () => {
    expect(() => new RotatingLogFile({ path: join(tempDir(), 'b.log'), maxBytes: 100, keep: 0 })).toThrow(/keep: expected a whole number of files of at least 1, got 0/);
  });
});
