import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig, resolveConfigPath } from '@pounce/core';
import { loadStrategy, RunDirLock, TigerIdLock, TradingNode, type NodeStrategy } from '@pounce/runtime';
import type { CommandSpec } from '../commandLine/CommandSpec.ts';
import { parseCommandArgs } from '../commandLine/parseCommandArgs.ts';
import { StopSignals, StoppedDuringStartup } from '../commandLine/StopSignals.ts';
import { DashboardServer } from '@pounce/dashboard';
import { ControlServer } from '../control/ControlServer.ts';
import { socketPath } from '../control/controlChannel.ts';
import { openVenue, type OpenedVenue } from '../venue/openVenue.ts';
import { parseDuration } from './duration.ts';
import { numberFlag, parseSpeed } from './gateway.ts';
import { parseNodeConfig, type NodeConfig } from './nodeConfig.ts';
import { formatStatus } from './statusLine.ts';
import { STRATEGIES_DIR } from './strategiesDir.ts';
import { OPS_FLAG_NAMES, OPS_OPTIONS, parseOpsFlags } from '../ops/opsOptions.ts';
import { RunOps } from '../ops/RunOps.ts';
import { watchedRun } from '../ops/watchedRun.ts';

const OPTIONS = {
  config: { type: 'string', value: 'FILE', help: 'the node config (JSON: venue, strategies, account risk; see docs/node.md)' },
  'run-dir': { type: 'string', value: 'DIR', help: 'node folder (default .pounce/nodes/<time>)' },
  resume: { type: 'string', value: 'DIR', help: 'resume a node from its folder: every strategy reconciles' },
  duration: { type: 'string', value: '30s|5m|1h', help: 'stop after this long (embedded default: at the end of the data)' },
  speed: { type: 'string', value: 'STEPS_PER_SECOND|max', help: 'embedded gateway: replay steps per second at most (default max); fills do not depend on it' },
  'status-every': { type: 'string', value: 'DURATION', help: 'status line interval (default 5s)' },
  dashboard: { type: 'boolean', help: 'serve the node\'s dashboard on 127.0.0.1: every strategy with its controls, and the account' },
  'dashboard-port': { type: 'string', value: 'PORT', help: 'dashboard port (default: any free port)' },
  ...OPS_OPTIONS,
} as const;

/** `pounce node`: its one declaration, read by the parser and by `--help`. */
export const NODE_COMMAND = {
  name: 'node',
  usage: '--config pounce.config.json [--run-dir DIR] | --resume DIR',
  summary: 'Runs many strategies on one account through one client and one push connection.',
  options: OPTIONS,
  groups: [{ title: 'Running unattended (docs/operations.md)', names: OPS_FLAG_NAMES }],
  examples: ['npm run node -- --config pounce.config.json'],
  doc: 'docs/node.md',
} as const satisfies CommandSpec<typeof OPTIONS>;

/** The copy of the config a node folder keeps: `--resume` runs what the node ran, whatever the file says now. */
const CONFIG_COPY = 'config.json';

/**
 * Keeps the node folder's copy of the config readable by its owner alone: it holds the webhook
 * URLs, which carry credentials (a Slack hook secret, a Telegram bot token). Writes `text` when
 * given (a new node); on a resume only tightens the mode of the copy already there (an older
 * version wrote it 0644).
 */
export function keepConfigCopy(nodeDir: string, text?: string): void {
  const path = join(nodeDir, CONFIG_COPY);
  if (text !== undefined) writeFileSync(path, text, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/**
 * `pounce node --config pounce.config.json`: many strategies on one account through one client and
 * one push connection (see docs/node.md). `--resume <node folder>` continues a stopped or crashed
 * node: every strategy reconciles with the venue.
 */
export async function runNodeCommand(argv: string[], out: (l: string) => void): Promise<number> {
  const { values: v, positionals } = parseCommandArgs(NODE_COMMAND, argv);
  if (positionals.length > 0) throw new Error(`node: unexpected argument "${positionals[0]!}" (pounce node --help)`);
  const resume = v.resume !== undefined;
  if (!resume && !v.config) throw new Error('usage: npm run node -- --config pounce.config.json [--run-dir DIR] | --resume DIR');
  const nodeDir = resume ? resolve(v.resume!) : resolve(v['run-dir'] ?? join('.pounce', 'nodes', new Date().toISOString().replace(/[:.]/g, '-')));
  const configText = resume ? readFileSync(join(nodeDir, CONFIG_COPY), 'utf8') : readFileSync(resolve(v.config!), 'utf8');
  const cfg: NodeConfig = parseNodeConfig(configText, resume ? join(nodeDir, CONFIG_COPY) : v.config!);
  const opsSettings = parseOpsFlags(v);
  // Webhooks of the config (kept in the node folder, so a resume notifies as before) and of the command line.
  opsSettings.webhooks.push(...cfg.notify);
  const strategies: NodeStrategy[] = [];
  for (const s of cfg.strategies) {
    const { def } = await loadStrategy(s.strategy, STRATEGIES_DIR);
    strategies.push({ tag: s.tag, def, rawParams: s.params, symbols: s.symbols, risk: s.risk, capital: s.capital, onStrategyError: s.onStrategyError });
  }
  const symbols = [...new Set(strategies.flatMap((s) => s.symbols ?? s.def.symbols))];
  const speed = v.speed ? parseSpeed(v.speed) : (cfg.venue.speed ?? 'max');
  if (speed === 'manual') throw new Error('--speed manual is for tests; use a number of bars per second or max');
  const durationMs = v.duration ? parseDuration('duration', v.duration) : undefined;
  const dashboardPort = numberFlag('dashboard-port', v['dashboard-port'], 0, (n) => Number.isInteger(n) && n >= 0 && n <= 65_535);
  if (v['dashboard-port'] !== undefined && !v.dashboard) throw new Error('--dashboard-port needs --dashboard');
  // What can refuse the start without touching anything comes before any port is open (an open
  // server would keep a refused process alive): the control socket's path, one process per
  // tiger_id (the embedded gateway is a broker of its own).
  socketPath(nodeDir);
  const tigerPath = cfg.venue.embedded ? undefined : resolveConfigPath(cfg.venue.config, process.env);
  const tigerLock = tigerPath ? TigerIdLock.acquire(loadConfig({ path: tigerPath, env: process.env }).tigerId, { runDir: nodeDir, command: 'node' }) : undefined;
  // The ports are opened before anything connects: a busy port stops the start with nothing traded.
  let running: TradingNode | undefined;
  let ops: RunOps;
  let dashboard: DashboardServer | undefined;
  try {
    ops = await RunOps.open(opsSettings, (e) => ops.loggerFor('node').error(`metrics server failed: ${e.message}`));
    dashboard = v.dashboard
      ? await DashboardServer.listen({
        port: dashboardPort, token: ops.token,
        // The node page has no whole-run kill switch: each strategy has its own stop.
        onKill: () => undefined,
        onError: (e) => {
          // A trader watching a dead page must not believe the strategies are supervised.
          for (const engine of running?.engines.values() ?? []) if (!engine.risk.currentHalt) engine.halt(`dashboard failed: ${e.message}`);
          out(`\ndashboard failed: ${e.message}: new orders halted on every strategy`);
        },
      }).catch(async (e: unknown) => {
        await ops.close(0);
        throw e;
      })
      : undefined;
  } catch (e) {
    tigerLock?.release();
    throw e;
  }
  const closeSideServices = async (): Promise<void> => {
    await dashboard?.stop();
    await ops.close(0);
  };
  // The node folder's lock: refused, the side services are closed so the process ends.
  let lock: RunDirLock;
  try {
    lock = RunDirLock.acquire(nodeDir, { takeOverStale: resume });
  } catch (e) {
    tigerLock?.release();
    await closeSideServices();
    throw e;
  }
  // From here a Ctrl-C never kills the node half-started: before the strategies start it ends
  // the start-up cleanly (nothing traded); after, it stops the node.
  const signals = StopSignals.listen(process, out);
  const loggerFor = (scope: string) => ops.loggerFor(scope, cfg.strategies.some((s) => s.tag === scope) ? scope : undefined);
  let opened: OpenedVenue | undefined;
  let node: TradingNode;
  try {
    keepConfigCopy(nodeDir, resume ? undefined : configText);
    opened = await openVenue({
      mode: cfg.venue.mode, configPath: cfg.venue.config, embedded: cfg.venue.embedded, account: cfg.venue.account, confirmLive: cfg.venue.confirmLive, symbols,
      gateway: { dataFiles: cfg.venue.data, speed, stateDir: join(nodeDir, 'gateway'), resume },
      logger: loggerFor('venue'),
    });
    out(`node       ${strategies.length} strategies: ${strategies.map((s) => `${s.tag}=${s.def.name}`).join(', ')}`);
    out(`venue      ${opened.description}`);
    out(`run        ${nodeDir}`);
    signals.throwIfRequested();
    node = await TradingNode.start({ venue: opened.venue, strategies, nodeDir, lock, resume, account: cfg.account, logger: loggerFor, venueModel: opened.model });
  } catch (e) {
    await opened?.venue.stop().catch(() => undefined);
    lock.release();
    tigerLock?.release();
    await closeSideServices();
    signals.close();
    if (!(e instanceof StoppedDuringStartup)) throw e;
    out(e.message);
    return e.status;
  }
  running = node;
  if (resume) out('resumed    every strategy reconciled with the venue');
  let ctl: ControlServer;
  try {
    ctl = await ControlServer.listen(nodeDir, {
      status: () => node.status(),
      control: (action, tag) => (tag === undefined ? Promise.resolve({ ok: false, text: `${action}: name the strategy's tag (${strategies.map((s) => s.tag).join(', ')})` }) : node.control(action, tag, 'ctl')),
      refused: (why) => node.noteRefusedControl('ctl', why),
    });
  } catch (e) {
    signals.close();
    await node.stop();
    tigerLock?.release();
    await closeSideServices();
    throw e;
  }
  if (dashboard) {
    dashboard.attachNode(node);
    out(`dashboard  ${opsSettings.tokenFile ? `http://127.0.0.1:${dashboard.port}/?token=<token in ${opsSettings.tokenFile}>` : dashboard.url}`);
  }
  out(`control    npm run pounce -- ctl status --run-dir ${nodeDir}`);
  for (const st of node.status().strategies) if (st.state !== 'running') out(`${st.tag.padEnd(8)} ${st.state} (by an operator before the resume): ${st.state === 'stopped' ? `ctl start ${st.tag}` : `ctl resume ${st.tag}`} undoes it`);
  // Read live: after `ctl stop` and `ctl start` a strategy runs on a new engine.
  ops.watch(watchedRun(() => [...node.engines].map(([label, engine]) => ({ label, engine })), opened, {
    accountHalt: () => node.accountRisk.halted,
    accountEquity: () => node.status().account.equity,
    strategiesChanged$: node.engineChanged$,
  }), dashboard);
  for (const line of ops.describe(dashboard)) out(line);

  const started = Date.now();
  const every = v['status-every'] ? parseDuration('status-every', v['status-every']) : 5000;
  let status: NodeJS.Timeout | undefined;
  let timer: NodeJS.Timeout | undefined;
  await new Promise<void>((done) => {
    status = setInterval(() => {
      for (const s of node.status().strategies) out(`${s.tag.padEnd(8)} ${s.state === 'running' ? '' : `${s.state.toUpperCase()} `}${formatStatus(s, Date.now() - started)}`);
    }, every);
    if (durationMs !== undefined) timer = setTimeout(done, durationMs);
    opened.replay?.holdWhile(() => node.lookupsInProgress > 0);
    opened.replay?.start().then(
      () => {
        if (!opened.replay?.done) return;
        out('replay finished');
        done();
      },
      (e: Error) => {
        out(`replay failed: ${e.message}`);
        done();
      },
    );
    signals.handle(() => done());
  });
  signals.close();
  clearInterval(status);
  clearTimeout(timer);
  await ctl.stop();
  ops.stopWatching();
  const s = await node.stop();
  // After the node's stop, so open pages get the final figures.
  await dashboard?.stop();
  await ops.close();
  tigerLock?.release();
  out('');
  out('summary');
  for (const st of s.strategies) if (st.state !== 'running') out(`  ${st.tag.padEnd(8)} ${st.state} by an operator${st.paused ? ` (${st.paused})` : ''}`);
  for (const r of s.summaries) {
    out(`  ${r.tag.padEnd(8)} fills ${r.fills}, orders ${r.orders} (rejected ${r.rejected}), positions ${r.positions.map((p) => `${p.symbol} ${p.quantity}`).join(', ') || 'flat'}, P&L ${r.pnl >= 0 ? '+' : ''}${r.pnl.toFixed(2)}${r.halted ? `, halted: ${r.halted}` : ''}`);
  }
  out(`  account  equity ${s.account.equity?.toFixed(2) ?? 'unknown'}${s.account.halted ? `, halted: ${s.account.halted}` : ''}`);
  if (s.account.externalOrders.length) out(`  outside  ${s.account.externalOrders.length} order(s) placed outside Pounce: ${s.account.externalOrders.map((o) => `${o.id} ${o.action} ${o.totalQuantity} ${o.symbol} ${o.status}`).join('; ')} (shown, not adopted)`);
  out(`  journals ${join(nodeDir, 'node.jsonl')}, ${join(nodeDir, 'strategies', '<tag>', 'journal.jsonl')}`);
  return 0;
}
