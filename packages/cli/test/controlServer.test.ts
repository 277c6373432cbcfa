import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControlServer, type ControlTarget } from '../src/control/ControlServer.ts';
import { parseControlReply, socketPath } from '../src/control/controlChannel.ts';
import { sendControl } from '../src/commands/ctl.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const folder = () => {
  const d = mkdtempSync(join(tmpdir(), 'pounce-ctlsrv-'));
  dirs.push(d);
  return d;
};

const target = (control: ControlTarget['control']): ControlTarget => ({ status: () => ({ strategies: [] }), control, refused: () => undefined });

describe.skipIf(process.platform === 'win32')('the control socket', () => {
  it('stop does not wait for an idle connected client', async () => {
    const dir = folder();
    const server = await ControlServer.listen(dir, target(async () => ({ ok: true, text: 'done' })));
    const client = connect(socketPath(dir));
    await new Promise<void>((r) => client.once('connect', () => r()));
    const closedByServer = new Promise<void>((r) => client.once('close', () => r()));
    client.on('error', () => undefined);
    // It never sends a request: before, stop() waited for it for ever.
    await server.stop();
    await closedByServer;
  }, 10_000);

  it('ctl gives up on a run that never answers, saying so', async () => {
    const dir = folder();
    const server = await ControlServer.listen(dir, target(() => new Promise(() => undefined)));
    try {
      await expect(sendControl(dir, { command: 'pause', tag: 'a' }, 200)).rejects.toThrow(/no answer within 0\.2s \(the action may still be carried out/);
    } finally {
      await server.stop();
    }
  }, 10_000);

  it('a reply that is not a control reply is refused naming what was expected', () => {
    expect(parseControlReply('{"ok":true,"text":"done"}')).toEqual({ ok: true, text: 'done' });
    expect(() => parseControlReply('HTTP/1.1 400')).toThrow('control socket: the run answered something that is not JSON: "HTTP/1.1 400"');
    expect(() => parseControlReply('[1]')).toThrow('expected a JSON object { ok, text, status? }');
    expect(() => parseControlReply('{"ok":"yes","text":"x"}')).toThrow('ok: expected true or false, got "yes"');
    expect(() => parseControlReply('{"ok":true}')).toThrow('text: expected a string, got undefined');
    expect(() => parseControlReply('{"ok":true,"text":"status","status":{"a":1}}')).toThrow('status: expected an object with a strategies list');
  });
});
