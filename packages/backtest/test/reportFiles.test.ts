import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { publish } from '../src/reportFiles.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A report folder and its two files' paths. */
function reportFolder(): { dir: string; json: string; html: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pounce-publish-'));
  dirs.push(dir);
  return { dir, json: join(dir, 'report.json'), html: join(dir, 'report.html') };
}

describe('publish: the report files renamed into place together', () => {
  it('a rename that fails part way puts the old files back and removes what it placed: the old pair, nothing left over', () => {
    const { dir, json, html } = reportFolder();
    writeFileSync(json, 'old json');
    writeFileSync(html, 'old html');
    writeFileSync(`${json}.partial`, 'new json');
    // No report.html.partial: its rename fails after report.json's has been made.
    expect(() => publish(json, html)).toThrow(/ENOENT/);
    expect(readdirSync(dir).sort()).toEqual(['report.html', 'report.json']);
    expect(readFileSync(json, 'utf8')).toBe('old json');
    expect(readFileSync(html, 'utf8')).toBe('old html');
  });

  it('publishes both and leaves no file set aside', () => {
    const { dir, json, html } = reportFolder();
    writeFileSync(json, 'old json');
    for (const p of [json, html]) writeFileSync(`${p}.partial`, `new ${p.endsWith('json') ? 'json' : 'html'}`);
    publish(json, html);
    expect(readdirSync(dir).sort()).toEqual(['report.html', 'report.json']);
    expect(readFileSync(json, 'utf8')).toBe('new json');
    expect(readFileSync(html, 'utf8')).toBe('new html');
  });
});
