import { closeSync, lstatSync, openSync, renameSync, rmSync } from 'node:fs';

/**
 * Writes `<path>.partial` through `write` (sync or async). The report's files are written whole
 * beside the old ones and only then renamed into place together (publish): a write that fails (a
 * full disk) leaves the last whole report.json and report.html, never one cut short or a pair
 * from two runs.
 */
export function writePartial(path: string, write: (fd: number) => void | Promise<void>): Promise<void> | void {
  const fd = openSync(`${path}.partial`, 'w');
  let open = true;
  const close = (): void => {
    open = false;
    closeSync(fd);
  };
  const fail = (e: unknown): never => {
    if (open) closeSync(fd);
    throw e;
  };
  try {
    const pending = write(fd);
    if (pending) return pending.then(close).catch(fail);
    close();
  } catch (e) {
    fail(e);
  }
}

/**
 * Renames the written partial files into place together. The files they replace are set aside
 * first and put back if a step fails, so a failed write leaves the old set, not a mix of two runs.
 * Something other than a file where a report file goes (a folder, a symlink) is refused, not moved.
 */
export function publish(...paths: string[]): void {
  const present: string[] = [];
  for (const p of paths) {
    const st = lstatSync(p, { throwIfNoEntry: false });
    if (st && !st.isFile()) throw new Error(`${p}: exists and is not a file; the report is not written over it`);
    if (st) present.push(p);
  }
  const setAside: string[] = [];
  const placed: string[] = [];
  try {
    for (const p of present) {
      renameSync(p, `${p}.previous`);
      setAside.push(p);
    }
    for (const p of paths) {
      renameSync(`${p}.partial`, p);
      placed.push(p);
    }
  } catch (e) {
    for (const p of placed) rmSync(p, { force: true });
    for (const p of setAside) renameSync(`${p}.previous`, p);
    throw e;
  }
  for (const p of setAside) rmSync(`${p}.previous`, { force: true });
}

/** Removes what writePartial left, best effort: the write's own error is the one to report. */
export function dropPartials(...paths: string[]): void {
  for (const p of paths) {
    try {
      rmSync(`${p}.partial`, { force: true });
    } catch {
      // something other than a file there (a folder): left as it is
    }
  }
}
