import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import type { RunStatus } from '@pounce/runtime';
import type { CommandSpec } from '../commandLine/CommandSpec.ts';
import { parseCommandArgs } from '../commandLine/parseCommandArgs.ts';
import { CONTROL_SOCKET, ownedPrivately, parseControlReply, readControlToken, socketPath, type ControlReply, type ControlRequest, type ControlStatus } from '../control/controlChannel.ts';

const OPTIONS = {
  'run-dir': { type: 'string', value: 'DIR', help: 'the running node\'s folder (or a strategy run\'s folder): where its control socket is' },
  json: { type: 'boolean', help: 'print the reply as JSON' },
} as const;

/** `pounce ctl`: its one declaration, read by the parser and by `--help`. */
export const CTL_COMMAND = {
  name: 'ctl',
  usage: '<status | pause TAG | resume TAG | flatten TAG | stop TAG | start TAG> --run-dir DIR',
  summary: 'Controls a running node (or strategy run) without dropping its connection: pause, resume, flatten, stop or start one strategy. Each action is journaled.',
  options: OPTIONS,
  examples: ['npm run pounce -- ctl status --run-dir .pounce/nodes/<folder>', 'npm run pounce -- ctl pause fast --run-dir .pounce/nodes/<folder>'],
  doc: 'docs/node.md',
} as const satisfies CommandSpec<typeof OPTIONS>;

const COMMANDS = ['status', 'pause', 'resume', 'flatten', 'stop', 'start'];

/** How long `ctl` waits for the run's answer (a flatten or stop waits for the venue; a hung run must not hang ctl). */
export const CTL_TIMEOUT_MS = 30_000;

/** Sends one request over the run's control socket and returns its reply. */
export async function sendControl(dir: string, req: Omit<ControlRequest, 'token'>, timeoutMs = CTL_TIMEOUT_MS): Promise<ControlReply> {
  const why = ownedPrivately(join(dir, CONTROL_SOCKET), 'control socket');
  if (why) throw new Error(why.includes('does not exist') ? `no running node or strategy run in ${dir} (${why})` : why);
  const token = readControlToken(dir);
  return new Promise((resolveReply, reject) => {
    const socket = connect(socketPath(dir));
    let text = '';
    socket.setEncoding('utf8');
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(new Error(`control socket ${join(dir, CONTROL_SOCKET)}: no answer within ${timeoutMs / 1000}s (the action may still be carried out: check with ctl status and the run's journal)`));
    });
    socket.on('connect', () => socket.write(JSON.stringify({ ...req, token }) + '\n'));
    socket.on('data', (d: string) => (text += d));
    socket.on('error', (e: NodeJS.ErrnoException) => reject(new Error(e.code === 'ECONNREFUSED'
      ? `no run listens on ${join(dir, CONTROL_SOCKET)} (a socket left by a run that crashed; resume it first)`
      : `control socket ${join(dir, CONTROL_SOCKET)}: ${e.message}`)));
    socket.on('end', () => {
      try {
        resolveReply(parseControlReply(text));
      } catch (e) {
        reject(e as Error);
      }
    });
  });
}

/**
 * `pounce ctl <command> [tag] --run-dir DIR`: one action on a running node's strategy (or the one
 * strategy of a `strategy` run) over its control socket. Exit 0 when done, 1 when refused.
 */
export async function runCtlCommand(argv: string[], out: (l: string) => void): Promise<number> {
  const { values: v, positionals } = parseCommandArgs(CTL_COMMAND, argv);
  const [command, tag, extra] = positionals;
  if (!command || !COMMANDS.includes(command)) throw new Error(`ctl: expected one of ${COMMANDS.join(', ')}${command ? `, got "${command}"` : ''} (pounce ctl --help)`);
  if (extra !== undefined) throw new Error(`ctl: unexpected argument "${extra}"`);
  if (!v['run-dir']) throw new Error('ctl: --run-dir DIR is required: the running node\'s (or strategy run\'s) folder');
  const reply = await sendControl(resolve(v['run-dir']), { command, ...(tag !== undefined ? { tag } : {}) });
  if (v.json) {
    out(JSON.stringify(reply));
  } else if (reply.ok && command === 'status') {
    for (const line of describeStatus(reply.status)) out(line);
  } else {
    out(`${reply.ok ? 'done' : 'refused'}    ${command}${tag ? ` ${tag}` : ''}: ${reply.text}`);
  }
  return reply.ok ? 0 : 1;
}

type StrategyLine = RunStatus & { tag: string; strategy: string; state: string };

function describeStatus(s: ControlStatus | undefined): string[] {
  if (!s) return [];
  const lines = s.strategies.map((x: StrategyLine) => {
    const pos = x.positions.map((p) => `${p.symbol} ${p.quantity}`).join(' ') || 'flat';
    return `${x.tag.padEnd(8)} ${x.strategy} ${x.state}${x.paused ? ` (${x.paused})` : ''}${x.halted ? ` halted: ${x.halted}` : ''} | ${pos} | P&L ${x.pnl.toFixed(2)} | orders ${x.orders} (open ${x.openOrders}, rejected ${x.rejected}) | fills ${x.fills}`;
  });
  if (s.account) lines.push(`account  equity ${s.account.equity?.toFixed(2) ?? 'unknown'} | gross exposure ${s.account.grossExposure.toFixed(2)}${s.account.halted ? ` | halted: ${s.account.halted}` : ''}`);
  return lines;
}
