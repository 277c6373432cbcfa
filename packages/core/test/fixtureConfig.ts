import { mkdtempSync, writeFileSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseProperties } from '../src/config/parseProperties.ts';
import { readFileSync } from 'node:fs';

export const FIXTURE_DIR = fileURLToPath(new URL('./fixtures/', import.meta.url));
export const SAMPLE_CONFIG = join(FIXTURE_DIR, 'sample_openapi_config.properties');
export const SAMPLE_INSTITUTIONAL_CONFIG = join(FIXTURE_DIR, 'sample_institutional_openapi_config.properties');

/** The documented sample config's fields (a public example key pair). */
export const sampleProps = (): Map<string, string> => parseProperties(readFileSync(SAMPLE_CONFIG, 'utf8'));

const written: string[] = [];

/** Removes every folder writeConfig created (call from afterAll). */
export function removeWrittenConfigs(): void {
  for (const dir of written.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Writes a properties file (mode 600) into a fresh temp folder and returns its path. */
export function writeConfig(fields: Record<string, string | undefined>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pounce-cfg-'));
  written.push(dir);
  const path = join(dir, 'tiger_openapi_config.properties');
  writeFileSync(path, Object.entries(fields).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
  chmodSync(path, 0o600);
  return path;
}
