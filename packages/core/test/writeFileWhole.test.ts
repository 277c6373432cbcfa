import { describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileWhole } from '../src/index.ts';
import { tempDirs } from './tempDirs.ts';

const newTempDir = tempDirs();
const tempDir = () => newTempDir('pounce-whole-');

describe('writeFileWhole', () => {
  it('replaces the file with the new bytes and leaves no temporary file beside it', () => {
    const dir = tempDir();
    const path = join(dir, 'cache.csv');
    writeFileSync(path, 'old contents that are longer than the new ones');
    writeFileWhole(path, 'new');
    expect(readFileSync(path, 'utf8')).toBe('new');
    writeFileWhole(path, Uint8Array.of(65, 66));
    expect(readFileSync(path, 'utf8')).toBe('AB');
    expect(readdirSync(dir)).toEqual(['cache.csv']);
  });

  it.skipIf(process.platform === 'win32')('gives a new file the mode asked for (a secret stays 0600)', () => {
    const path = join(tempDir(), 'token');
    writeFileWhole(path, 'token=x\n', { mode: 0o600 });
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('a write that cannot be renamed into place throws, keeps what was there and removes its temporary file', () => {
    const dir = tempDir();
    // A folder where the file should be: the rename fails.
    const path = join(dir, 'taken');
    mkdirSync(path);
    writeFileSync(join(path, 'inside'), 'kept');
    expect(() => writeFileWhole(path, 'new')).toThrow(/EISDIR|ENOTEMPTY|EEXIST|EPERM/);
    expect(readdirSync(dir)).toEqual(['taken']);
    expect(readFileSync(join(path, 'inside'), 'utf8')).toBe('kept');
  });
});
