import * as realFs from 'node:fs';
import { readdirSync, readFileSync, renameSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseCsvBars } from '@pounce/core';
import { BarStore, columnsOf } from '@pounce/store';
import { tempDirs } from '../../gateway/test/testGateway.ts';

// A write or rename of the store's fails when `fail` says so: an import that breaks half way.
const inject = vi.hoisted(() => ({ fail: undefined as ((op: 'write' | 'rename', path: string, to?: string) => boolean) | undefined }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof realFs>();
  const writeFileSync: typeof fs.writeFileSync = (path, ...rest) => {
    if (inject.fail?.('write', String(path))) throw new Error(`injected: cannot write ${String(path)}`);
    return fs.writeFileSync(path, ...rest);
  };
  const renameSync: typeof fs.renameSync = (from, to) => {
    if (inject.fail?.('rename', String(from), String(to))) throw new Error(`injected: cannot rename ${String(from)}`);
    return fs.renameSync(from, to);
  };
  return { ...fs, default: { ...fs, writeFileSync, renameSync }, writeFileSync, renameSync };
});

const NVDA = parseCsvBars(readFileSync(fileURLToPath(new URL('../../gateway/data/nvda-1999-2014.csv', import.meta.url)), 'utf8'), { symbol: 'NVDA' });
const closes = (store: BarStore) => Array.from(store.read('NVDA', 'day').columns.close);

describe('BarStore: an import that fails half way leaves the previous series readable', () => {
  const temp = tempDirs();
  afterEach(() => (inject.fail = undefined));

  /** A store holding NVDA up to mid 2004 and what it reads back. */
  function stored(): { dir: string; store: BarStore; before: number[] } {
    const dir = temp('pounce-store-');
    const store = new BarStore(dir);
    store.write(columnsOf('NVDA', NVDA.filter((b) => b.time < Date.UTC(2004, 6, 1))), 'day');
    return { dir, store, before: closes(store) };
  }

  it('--replace failing at its second year file', () => {
    const { dir, store, before } = stored();
    const changed = NVDA.map((b) => ({ ...b, close: b.close * 2 }));
    let arrows = 0;
    inject.fail = (op, path) => op === 'write' && path.endsWith('.arrow') && ++arrows === 2;
    expect(() => store.write(columnsOf('NVDA', changed), 'day', { replace: true })).toThrow(/injected: cannot write/);
    expect(closes(store)).toEqual(before);
    expect(readdirSync(join(dir, 'day'))).toEqual(['NVDA']);
  });

  it('a merge into a stored year failing at the manifest', () => {
    const { store, before } = stored();
    inject.fail = (op, path) => op === 'write' && basename(path).startsWith('manifest.json');
    expect(() => store.write(columnsOf('NVDA', NVDA.filter((b) => b.time >= Date.UTC(2004, 0, 1))), 'day')).toThrow(/injected: cannot write/);
    expect(closes(store)).toEqual(before);
  });

  it('--replace failing at the rename that puts the new series in place', () => {
    const { dir, store, before } = stored();
    let renames = 0;
    inject.fail = (op, _from, to) => op === 'rename' && to === join(dir, 'day', 'NVDA') && ++renames === 1;
    expect(() => store.write(columnsOf('NVDA', NVDA.slice(0, 10)), 'day', { replace: true })).toThrow(/injected: cannot rename/);
    inject.fail = undefined;
    expect(closes(store)).toEqual(before);
    expect(readdirSync(join(dir, 'day'))).toEqual(['NVDA']);
    expect(store.write(columnsOf('NVDA', NVDA.slice(0, 10)), 'day', { replace: true })).toMatchObject({ added: 10 });
    expect(store.find('NVDA').bars).toBe(10);
  });

  it('a process killed between the two renames: the next import puts the previous series back first', () => {
    const { dir, store, before } = stored();
    renameSync(join(dir, 'day', 'NVDA'), join(dir, 'day', '.NVDA.old'));
    expect(store.list()).toEqual([]);
    const later = NVDA.filter((b) => b.time >= Date.UTC(2004, 6, 1));
    expect(store.write(columnsOf('NVDA', later), 'day')).toMatchObject({ added: later.length, alreadyStored: 0 });
    expect(closes(store)).toEqual([...before, ...later.map((b) => b.close)]);
  });
});
