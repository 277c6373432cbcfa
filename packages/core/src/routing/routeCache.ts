import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { writeFileWhole } from '../files/writeFileWhole.ts';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { DomainConf } from './serverRouting.ts';

/** Where discovery answers are kept: ~/.tigeropen, the folder the official SDKs read configs from. */
export const DEFAULT_ROUTE_CACHE_DIR = join(homedir(), '.tigeropen');
export const ROUTE_CACHE_FILE = 'pounce-routes.json';
/** A cached garden answer older than this is not used; the static URLs are (as the SDKs fall back). */
export const ROUTE_CACHE_MAX_AGE_MS = 7 * 24 * 3600_000;

interface CacheFile {
  gardens: Record<string, { savedAt: number; conf: DomainConf }>;
  licenses: Record<string, { savedAt: number; license: string }>;
}

/** The last good discovery answers (garden per URL, license per tiger_id), for when the lookup fails. */
export class RouteCache {
  readonly file: string;

  constructor(dir: string = DEFAULT_ROUTE_CACHE_DIR) {
    this.file = join(dir, ROUTE_CACHE_FILE);
  }

  private read(): CacheFile {
    try {
      const v = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<CacheFile>;
      return { gardens: v.gardens ?? {}, licenses: v.licenses ?? {} };
    } catch {
      return { gardens: {}, licenses: {} };
    }
  }

  private write(c: CacheFile): void {
    try {
      const dir = join(this.file, '..');
      if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
      writeFileWhole(this.file, JSON.stringify(c, null, 1), { mode: 0o600 });
    } catch {
      /* a cache that cannot be written only costs the fallback */
    }
  }

  garden(url: string, now: number): { conf: DomainConf; ageMs: number } | undefined {
    const g = this.read().gardens[url];
    return g && now - g.savedAt <= ROUTE_CACHE_MAX_AGE_MS ? { conf: g.conf, ageMs: now - g.savedAt } : undefined;
  }

  saveGarden(url: string, conf: DomainConf, now: number): void {
    const c = this.read();
    c.gardens[url] = { savedAt: now, conf };
    this.write(c);
  }

  license(tigerId: string): string | undefined {
    return this.read().licenses[tigerId]?.license;
  }

  saveLicense(tigerId: string, license: string, now: number): void {
    const c = this.read();
    c.licenses[tigerId] = { savedAt: now, license };
    this.write(c);
  }
}
