import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProcess, TSX_LOADER } from './childProcess.ts';


// The examples are what new users copy: they must keep working.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const run = (file: string, ...args: string[]) => runProcess(process.execPath, ['--import', TSX_LOADER, join(ROOT, 'examples', file), ...args]);

describe('examples/ run as documented', () => {
  it('quote-stream prints quotes', async () => {
    const r = await run('quote-stream.ts', '2');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/(NVDA|ORCL)\s+last \d+\.\d{2} bid/);
  });
  it('place-and-cancel places, finds and cancels an order', async () => {
    const r = await run('place-and-cancel.ts');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/status: Submitted/);
    expect(r.stdout).toMatch(/after cancel: Cancelled/);
  });
  it('run-strategy trades and prints a summary', async () => {
    const r = await run('run-strategy.ts', '4');
    expect(r.status).toBe(0);
    expect(Number(/fills (\d+)/.exec(r.stdout)?.[1])).toBeGreaterThan(0);
  });
});
