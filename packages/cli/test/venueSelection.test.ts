import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync, mkdtempSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openVenue, VenueSelectionError } from '../src/index.ts';

const fixture = readFileSync(fileURLToPath(new URL('../../core/test/fixtures/sample_openapi_config.properties', import.meta.url)), 'utf8');
function config(account: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'pounce-venue-'));
  const path = join(dir, 'tiger_openapi_config.properties');
  // No discovery, no permission grab: this test opens venues without reaching any server.
  writeFileSync(path, fixture.replace('account=12345678', `account=${account}`).replace('license=TBHK', 'license=TBUS') + '\nenable_dynamic_domain=false\ngrab_quote_permission=false\n');
  chmodSync(path, 0o600);
  return path;
}
const LIVE = config('12345678');
const PAPER = config('20191106192858300');
const base = { symbols: ['NVDA'], env: {} };

async function refused(req: Parameters<typeof openVenue>[0], message: RegExp): Promise<void> {
  const err = await openVenue(req).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(VenueSelectionError);
  expect((err as Error).message).toMatch(message);
}

describe('venue selection safety rules', () => {
  it('--live without any config is refused', () => refused({ ...base, mode: 'live', configPath: undefined, env: { HOME: '/nonexistent' } }, /needs tiger_openapi_config.properties/));
  it('--live with a paper account is refused', () => refused({ ...base, mode: 'live', configPath: PAPER, confirmLive: '20191106192858300' }, /is a paper account; --live needs a live/));
  it('--live without confirmation is refused, naming the flag', () => refused({ ...base, mode: 'live', configPath: LIVE }, /needs explicit confirmation: add --confirm-live 12345678/));
  it('--live with a confirmation that does not match is refused', () => refused({ ...base, mode: 'live', configPath: LIVE, confirmLive: '99999' }, /does not match/));
  it('--live with an interactive answer that does not match is refused', () => refused({ ...base, mode: 'live', configPath: LIVE, promptLive: async () => 'yes' }, /does not match/));
  it('--live cannot switch accounts', () => refused({ ...base, mode: 'live', configPath: LIVE, account: '7654321', confirmLive: '12345678' }, /cannot change the live account/));
  it('--paper with a live account is refused', () => refused({ ...base, mode: 'paper', configPath: LIVE }, /is a live account; --paper needs a paper/));
  it('--live with the matching confirmation opens a live venue (not connected here)', async () => {
    const v = await openVenue({ ...base, mode: 'live', configPath: LIVE, confirmLive: '12345678' });
    expect(v.venue.kind).toBe('live');
    expect(v.description).toMatch(/^LIVE account 12345678/);
  });
  it('--paper with a paper account opens a paper venue', async () => {
    const v = await openVenue({ ...base, mode: 'paper', configPath: PAPER });
    expect(v.venue.kind).toBe('paper');
    expect(v.venue.account).toBe('20191106192858300');
  });
});
