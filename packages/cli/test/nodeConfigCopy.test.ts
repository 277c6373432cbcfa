import { afterAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keepConfigCopy } from '../src/commands/node.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'pounce-config-copy-'));
  dirs.push(d);
  return d;
};
const mode = (p: string) => statSync(p).mode & 0o777;

describe("the node folder's copy of the config (it holds the webhook URLs)", () => {
  const text = JSON.stringify({ notify: [{ url: 'https://hooks.slack.com/services/T/B/SECRET', preset: 'slack' }] });

  it('is written readable by its owner only, whatever the umask', () => {
    const dir = tmp();
    const umask = process.umask(0o022);
    try {
      keepConfigCopy(dir, text);
    } finally {
      process.umask(umask);
    }
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).toBe(text);
    expect(mode(join(dir, 'config.json'))).toBe(0o600);
  });

  it('is tightened on a resume when an older version left it 0644, and rewritten 0600 over one', () => {
    const dir = tmp();
    const path = join(dir, 'config.json');
    writeFileSync(path, text);
    chmodSync(path, 0o644);
    keepConfigCopy(dir);
    expect(mode(path)).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toBe(text);
    chmodSync(path, 0o644);
    keepConfigCopy(dir, text);
    expect(mode(path)).toBe(0o600);
  });
});
