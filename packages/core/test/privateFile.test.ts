import { afterAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ownedPrivately, readPrivateToken, sameToken } from '../src/index.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tokenFile = (text: string, mode: number) => {
  const d = mkdtempSync(join(tmpdir(), 'pounce-private-'));
  dirs.push(d);
  const p = join(d, 'x.token');
  writeFileSync(p, text, { mode });
  chmodSync(p, mode);
  return p;
};

describe('token files of this user alone (--metrics-token-file and ctl share the check)', () => {
  it('reads the first line of a 0600 file of this user', () => {
    const p = tokenFile('abcdefghijklmnop0123\nsecond line\n', 0o600);
    expect(ownedPrivately(p, 'f')).toBeUndefined();
    expect(readPrivateToken(p, '--metrics-token-file')).toBe('abcdefghijklmnop0123');
  });

  it('refuses a file others may read, naming the fix', () => {
    const p = tokenFile('abcdefghijklmnop0123\n', 0o644);
    expect(() => readPrivateToken(p, '--metrics-token-file')).toThrow(`--metrics-token-file ${p} has mode 644: others may use it, refused (expected 600: chmod 600 ${p})`);
  });

  it('refuses a missing file and a short token, naming the file', () => {
    expect(ownedPrivately('/nonexistent/x.token', 'token file')).toBe('token file /nonexistent/x.token does not exist');
    const p = tokenFile('short\n', 0o600);
    expect(() => readPrivateToken(p, '--metrics-token-file')).toThrow(`--metrics-token-file ${p}: expected a token of at least 16 letters, digits or ._~- on its first line`);
  });

  it('compares tokens: equal only when every byte is', () => {
    expect(sameToken('a'.repeat(32), 'a'.repeat(32))).toBe(true);
    expect(sameToken('a'.repeat(31) + 'b', 'a'.repeat(32))).toBe(false);
    expect(sameToken('a'.repeat(31), 'a'.repeat(32))).toBe(false);
    expect(sameToken('', 'a'.repeat(32))).toBe(false);
  });
});
