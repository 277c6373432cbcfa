import { existsSync, readFileSync } from 'node:fs';

/**
 * Reads an append-only JSON-lines file: every complete entry in order. The first line that does
 * not parse ends the read, because only the last line can be torn (a crash mid-append), and
 * nothing after a torn line can be trusted. A missing file reads as empty.
 *
 * @example
 * ```ts
 * const entries = readJsonLines<{ e: string }>('.pounce/runs/x/journal.jsonl');
 * ```
 */
export function readJsonLines<T>(path: string): T[] {
  if (!existsSync(path)) return [];
  const out: T[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      break;
    }
  }
  return out;
}
