import { existsSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { join, resolve } from 'node:path';
import { readReportParams } from '@pounce/backtest';
import { loadConfig, resolveConfigPath } from '@pounce/core';
import type { Order } from '@pounce/core';
import { DashboardServer } from '@pounce/dashboard';
import { controlEngine, DEFAULT_ORDER_TAG, listStrategies, loadStrategy, paramPairs, parseParams, RunDirLock, TigerIdLock, TradingEngine, type RiskLimits } from '@pounce/runtime';
import { ControlServer } from '../control/ControlServer.ts';
import { socketPath } from '../control/controlChannel.ts';
import { openVenue, type OpenedVenue } from '../venue/openVenue.ts';
import { parseDuration } from './duration.ts';
import { numberFlag, parseSpeed } from './gateway.ts';
import type { CommandSpec } from '../commandLine/CommandSpec.ts';
import { parseCommandArgs } from '../commandLine/parseCommandArgs.ts';
import { StopSignals, StoppedDuringStartup } from '../commandLine/StopSignals.ts';
import { checkRiskArgs, describeRisk, parseRiskFlags, riskFromReport, RISK_FLAG_NAMES, RISK_OPTIONS } from './riskFlags.ts';
import { KILL_FILE, KillFileWatcher } from './killFile.ts';
import { latestStartedRun, removeUnstartedRun, runStarted } from './runFolders.ts';
import { formatStatus, money } from './statusLine.ts';
import { OPS_FLAG_NAMES, OPS_OPTIONS, parseOpsFlags } from '../ops/opsOptions.ts';
import { watchedRun } from '../ops/watchedRun.ts';
import { RunOps } from '../ops/RunOps.ts';

import { STRATEGIES_DIR } from './strategiesDir.ts';

const OPTIONS = {
  list: { type: 'boolean', help: 'list the strategies in strategies/ with their symbols and parameters' },
  paper: { type: 'boolean', help: 'trade on paper (the default): the config\'s paper account, or the embedded gateway when there is no config' },
  live: { type: 'boolean', help: 'trade on the live account (needs --confirm-live)' },
  'confirm-live': { type: 'string', value: 'ACCOUNT', help: 'the live account number, typed out, to confirm --live' },
  config: { type: 'string', value: 'FILE', help: 'tiger_openapi_config.properties of the venue (see docs/config.md)' },
  account: { type: 'string', value: 'ACCOUNT', help: 'paper account to trade instead of the config\'s' },
  embedded: { type: 'boolean', help: 'run on the embedded local gateway (replayed history)' },
  param: { type: 'string', multiple: true, value: 'k=v', help: 'a strategy parameter, checked against its declaration' },
  duration: { type: 'string', value: '30s|5m|1h', help: 'stop after this long (embedded default: at the end of the data)' },
  symbols: { type: 'string', value: 'A,B', help: 'symbols to trade instead of the strategy\'s own' },
  data: { type: 'string', multiple: true, value: 'SYM=FILE', help: 'embedded gateway: CSV history to replay' },
  synthetic: { type: 'boolean', help: 'embedded gateway: a seeded random-walk market' },
  speed: { type: 'string', value: 'STEPS_PER_SECOND|max', help: 'embedded gateway: replay steps per second at most (default max); fills do not depend on it' },
  seed: { type: 'string', value: 'N', help: 'embedded gateway: seed of --synthetic (default 1)' },
  ...RISK_OPTIONS,
  'run-dir': { type: 'string', value: 'DIR', help: 'run folder: journal, state, market.csv (default .pounce/runs/<time>-<strategy>)' },
  resume: { type: 'string', value: 'DIR|latest', help: 'resume a run from its folder after a stop or crash' },
  'status-every': { type: 'string', value: 'DURATION', help: 'status line interval (default 1s on a terminal, else 5s)' },
  'from-report': { type: 'string', value: 'DIR', help: 'the strategy, parameters, symbols and risk limits of a backtest report' },
  dashboard: { type: 'boolean', help: 'serve the live dashboard on 127.0.0.1' },
  'no-market-journal': { type: 'boolean', help: 'do not write market.csv (replay-check needs it)' },
  'dashboard-port': { type: 'string', value: 'PORT', help: 'dashboard port (default: any free port)' },
  'on-strategy-error': { type: 'string', value: 'halt|continue', help: 'after the strategy throws: halt new exposure (default) or continue' },
  'no-grab-permission': { type: 'boolean', help: 'real account: do not take the quote permission at start (see docs/config.md)' },
  'clear-kill': { type: 'boolean', help: 'with --resume: remove the KILL file of a killed run and go on' },
  ...OPS_OPTIONS,
} as const;

/** `pounce strategy`: its one declaration, read by the parser and by `--help`. */
export const STRATEGY_COMMAND = {
  name: 'strategy',
  usage: '<name|path> [--paper | --live --confirm-live ACCOUNT] [options]',
  summary: 'Runs a strategy plugin on paper, live, or the embedded local gateway; prints a status line and a summary. Ctrl-C once stops cleanly; twice trips the kill switch.',
  options: OPTIONS,
  groups: [{ title: 'Risk checks', names: RISK_FLAG_NAMES }, { title: 'Running unattended (docs/operations.md)', names: OPS_FLAG_NAMES }],
  examples: ['npm run strategy -- --list', 'npm run strategy -- sma-cross --paper --duration 20s'],
  doc: 'docs/strategies.md',
} as const satisfies CommandSpec<typeof OPTIONS>;

/**
 * `pounce strategy <name> [--paper|--live] ...`: runs a strategy plugin, prints a live status
 * line and a summary. SIGINT once stops cleanly; twice (or a KILL file in the run folder) trips
 * the kill switch, cancelling open orders first.
 */
export async function runStrategyCommand(argv: string[], out: (l: string) => void): Promise<number> {
  checkRiskArgs(argv);
  const { values: v, positionals } = parseCommandArgs(STRATEGY_COMMAND, argv);
  if (v.list) {
    for (const s of listStrategies(STRATEGIES_DIR)) {
      const { def } = await loadStrategy(s.path, STRATEGIES_DIR);
      const params = Object.entries(def.params).map(([k, p]) => `${k}=${String(p.default)}`).join(' ');
      out(`${s.name.padEnd(24)} ${def.description ?? ''}\n${''.padEnd(24)} symbols: ${def.symbols.join(',')}  params: ${params}`);
    }
    return 0;
  }
  const name = positionals[0];
  if (!name) throw new Error('usage: npm run strategy -- <name> [--paper|--live] (see --list)');
  if (v.paper && v.live) throw new Error('choose one of --paper or --live');

  // Everything the command line says is checked here, before a run folder, a gateway or a
  // connection exists: a mistake leaves nothing behind.
  const { def } = await loadStrategy(name, STRATEGIES_DIR);
  const opsSettings = parseOpsFlags(v);
  // --from-report: the exact strategy, parameters and symbols a backtest report recorded.
  const fromReport = v['from-report'] ? readReportParams(resolve(v['from-report'])) : undefined;
  if (fromReport && fromReport.strategy !== def.name) throw new Error(`--from-report: the report is for strategy ${fromReport.strategy}, not ${def.name}`);
  const symbols = v.symbols ? v.symbols.split(',').map((s) => s.trim()).filter(Boolean) : fromReport ? fromReport.symbols : [...def.symbols];
  const cliParams = paramPairs(v.param ?? []);
  const rawParams = { ...(fromReport?.params ?? {}), ...cliParams };
  const params = parseParams(def.params, rawParams);
  const paramSource = (k: string) => (k in cliParams ? 'command line' : fromReport && k in fromReport.params ? 'report' : 'default');
  // Risk limits as params merge: a flag on the command line wins over the report's value for that limit.
  const cliRisk = parseRiskFlags(v);
  const reportRisk = fromReport ? riskFromReport(fromReport.risk, `--from-report ${v['from-report']!}`) : {};
  const risk: RiskLimits = { ...reportRisk, ...cliRisk };
  const durationMs = v.duration ? parseDuration('duration', v.duration) : undefined;
  // The embedded replay is in lockstep with the run, so its speed changes no fill: by default as fast as the run keeps up.
  const speed = v.speed === undefined ? 'max' : parseSpeed(v.speed);
  if (speed === 'manual') throw new Error('--speed manual is for tests; use a number of bars per second or max');
  const onStrategyError = v['on-strategy-error'] ?? 'halt';
  if (onStrategyError !== 'halt' && onStrategyError !== 'continue') throw new Error(`--on-strategy-error: expected halt or continue, got "${onStrategyError}"`);
  const tty = process.stdout.isTTY;
  const every = v['status-every'] ? parseDuration('status-every', v['status-every']) : tty ? 1000 : 5000;
  if (every < 100) throw new Error(`--status-every: expected at least 100ms, got "${v['status-every']!}"`);
  const dashboardPort = numberFlag('dashboard-port', v['dashboard-port'], 0, (n) => Number.isInteger(n) && n >= 0 && n <= 65_535);
  if (v['dashboard-port'] !== undefined && !v.dashboard) throw new Error('--dashboard-port needs --dashboard');
  const seed = numberFlag('seed', v.seed, 1, Number.isInteger);
  if (v['clear-kill'] && v.resume === undefined) throw new Error('--clear-kill goes with --resume: it removes a stopped run\'s KILL file so the run may continue');

  const runsBase = resolve('.pounce', 'runs');
  const runDir = v.resume ? (v.resume === 'latest' ? latestStartedRun(runsBase) : resolve(v.resume)) : resolve(v['run-dir'] ?? join(runsBase, `${new Date().toISOString().replace(/[:.]/g, '-')}-${def.name}`));
  const killPath = join(runDir, KILL_FILE);
  if (v.resume !== undefined) {
    if (!runStarted(runDir)) throw new Error(`--resume ${v.resume}: ${runDir} holds no started run (no journal with a run line); nothing to resume`);
    if (existsSync(killPath) && !v['clear-kill']) {
      throw new Error(`run ${runDir} was stopped by its kill switch (the KILL file is there); check why, then resume with --clear-kill, which removes it`);
    }
  } else if (existsSync(killPath)) {
    throw new Error(`${killPath} exists: the kill switch is set for this run folder; remove it, or use another --run-dir`);
  }

  // What can refuse the start comes before any port is open (an open server would keep a refused
  // process alive): the control socket's path, one process per tiger_id (a node or another
  // strategy on it would be kicked off).
  socketPath(runDir);
  const tigerPath = v.embedded ? undefined : resolveConfigPath(v.config, process.env);
  const tigerLock = tigerPath ? TigerIdLock.acquire(loadConfig({ path: tigerPath, env: process.env }).tigerId, { runDir, command: 'strategy' }) : undefined;
  process.once('exit', () => tigerLock?.release());

  // Side services that could fail are opened before the venue: a busy dashboard port stops the
  // start here, with nothing traded.
  let engine: TradingEngine | undefined;
  let stopRun: () => void = () => undefined;
  const ops = await RunOps.open(opsSettings, (e) => sideServiceFailed(`metrics server failed: ${e.message}`));
  const logger = ops.loggerFor(def.name, def.name);
  const dashboard = v.dashboard
    ? await DashboardServer.listen({
      port: dashboardPort, token: ops.token,
      onKill: () => {
        out('\nkill switch pressed on the dashboard: cancelling open orders and stopping');
        void engine?.kill('dashboard kill switch').finally(() => stopRun());
      },
      onError: (e) => sideServiceFailed(`dashboard failed: ${e.message}`),
    }).catch(async (e: unknown) => {
      await ops.close(0);
      throw e;
    })
    : undefined;
  /** A side service failed while trading: no new exposure, said on the terminal and journaled. */
  const sideServiceFailed = (text: string) => {
    if (!engine || engine.risk.currentHalt) return;
    engine.halt(text);
    out(`\n${text}: new orders halted (orders that reduce a position still pass); Ctrl-C stops the run`);
  };

  // The run folder's lock: the embedded gateway keeps its state in <run>/gateway, so a second
  // process on the same folder must be refused before it touches anything there.
  const createdRunDir = !existsSync(runDir);
  let lock: RunDirLock;
  try {
    lock = RunDirLock.acquire(runDir, { takeOverStale: v.resume !== undefined });
  } catch (err) {
    await dashboard?.stop();
    await ops.close(0);
    removeUnstartedRun(runDir, createdRunDir);
    throw err;
  }
  // A finished run's folder is continued with --resume, never appended to as a second run.
  if (v.resume === undefined && runStarted(runDir)) {
    lock.release();
    await dashboard?.stop();
    await ops.close(0);
    throw new Error(`run folder ${runDir} already holds a run; continue it with --resume ${runDir}, or use another --run-dir`);
  }
  // From here a Ctrl-C never kills the run half-started: before the engine starts it ends the
  // start-up cleanly (nothing traded, an unstarted run folder removed); after, it stops the run.
  const signals = StopSignals.listen(process, out);
  let opened: OpenedVenue | undefined;
  try {
    opened = await openVenue({
      mode: v.live ? 'live' : 'paper', configPath: v.config, embedded: v.embedded, account: v.account, confirmLive: v['confirm-live'], grabPermission: !v['no-grab-permission'],
      promptLive: process.stdin.isTTY && !v['confirm-live']
        ? async (account) => {
          signals.throwIfRequested();
          const rl = createInterface({ input: process.stdin, output: process.stdout });
          const answer = await rl.question(`LIVE trading on account ${account}. Type the account number to confirm: `);
          rl.close();
          return answer;
        }
        : undefined,
      symbols,
      gateway: {
        dataFiles: v.data, speed, stateDir: join(runDir, 'gateway'), resume: v.resume !== undefined,
        synthetic: v.synthetic ? { symbols, bars: 20_000, seed } : undefined,
      },
      logger,
    });
    out(`strategy   ${def.name}`);
    out(`venue      ${opened.description}`);
    out(`run        ${runDir} (${v.resume !== undefined ? 'resumed' : 'new'})`);
    out(`risk       ${describeRisk(risk, fromReport ? (l) => (l in cliRisk ? 'command line' : 'report') : undefined)}`);
    out(`params     ${Object.entries(params).map(([k, x]) => `${k}=${String(x)} (${paramSource(k)})`).join(' ') || 'none'}${fromReport ? `  [from report ${v['from-report']!}]` : ''}`);
    if (v['clear-kill']) {
      rmSync(killPath, { force: true });
      out(`kill       KILL file removed (--clear-kill)`);
    }
    signals.throwIfRequested();
    engine = await TradingEngine.start({
      def, rawParams, symbols, venue: opened.venue, runDir, lock, resume: v.resume !== undefined, risk, logger, onStrategyError, captureProcessErrors: true,
      marketJournal: !v['no-market-journal'], venueModel: opened.model,
    });
  } catch (err) {
    await opened?.venue.stop().catch(() => undefined);
    await dashboard?.stop();
    await ops.close(0);
    lock.release();
    removeUnstartedRun(runDir, createdRunDir);
    signals.close();
    if (!(err instanceof StoppedDuringStartup)) throw err;
    out(err.message);
    return err.status;
  }
  const run = engine;
  if (v['clear-kill']) run.journal.append({ t: Date.now(), e: 'note', text: 'kill switch cleared by --clear-kill' });
  const first = run.status();
  out(`cash       ${money(run.portfolio.cash)} (equity ${money(first.equity)})`);
  if (v.resume !== undefined) {
    const prior = run.journaled;
    out(`resumed    journal: ${prior.orders} orders, ${prior.fills} fills, ${prior.rejected} rejected; venue now: ${first.positions.map((p) => `${p.symbol} ${p.quantity}`).join(', ') || 'flat'}, ${first.openOrders} open order(s)`);
  }
  // Every refusal with its reason (risk, the venue's rules, buying power), not only a count.
  const shownRefusals = new Set<string>();
  run.execution.orders$.subscribe((o) => {
    if (o.status !== 'Inactive' || !o.remark) return;
    const key = o.userMark || o.id;
    if (shownRefusals.has(key)) return;
    shownRefusals.add(key);
    out(`${tty ? '\n' : ''}rejected   ${o.action} ${o.totalQuantity} ${o.symbol} ${o.orderType}: ${o.remark}`);
  });
  if (dashboard) {
    dashboard.attach(run, opened.venue);
    out(`dashboard  ${opsSettings.tokenFile ? `http://127.0.0.1:${dashboard.port}/?token=<token in ${opsSettings.tokenFile}>` : dashboard.url}`);
  }
  ops.watch(watchedRun([{ label: def.name, engine: run }], opened), dashboard);
  for (const line of ops.describe(dashboard)) out(line);

  // `pounce ctl` on this run: its one strategy, named by its name or its tag (or not at all).
  let ctlStop: (() => void) | undefined;
  let ctl: ControlServer;
  try {
    ctl = await ControlServer.listen(runDir, {
      status: () => ({ strategies: [{ tag: DEFAULT_ORDER_TAG, strategy: def.name, state: run.risk.paused ? 'paused' : 'running', ...run.status() }] }),
      control: async (action, tag) => {
        if (tag !== undefined && tag !== def.name && tag !== DEFAULT_ORDER_TAG) return { ok: false, text: `this run's one strategy is ${def.name} (tag ${DEFAULT_ORDER_TAG}), not "${tag}"` };
        if (action === 'start') return { ok: false, text: `a one-strategy run is started again with npm run strategy -- ${def.name} --resume ${runDir}` };
        if (action !== 'stop') return controlEngine(run, action, 'ctl');
        const cancelled = await controlEngine(run, 'cancel', 'ctl');
        run.journal.append({ t: Date.now(), e: 'control', action: 'stop', by: 'ctl', ok: true, outcome: 'stopping the run; positions kept' });
        out('\nstopped by pounce ctl: open orders cancelled, positions kept');
        ctlStop?.();
        return { ok: true, text: `stopping the run: ${cancelled.text}; positions kept` };
      },
      // The same line a node writes in node.jsonl.
      refused: (why) => run.journal.append({ t: Date.now(), e: 'control-refused', by: 'ctl', why }),
    });
  } catch (err) {
    signals.close();
    await run.stop();
    await dashboard?.stop();
    await ops.close(0);
    throw err;
  }

  const started = Date.now();
  let sigints = 0;
  let status: NodeJS.Timeout | undefined;
  let timer: NodeJS.Timeout | undefined;
  let killWatch: KillFileWatcher | undefined;
  let engineStopped = false;
  const replay = opened.replay;
  const finished = new Promise<void>((resolveDone) => {
    stopRun = resolveDone;
    ctlStop = resolveDone;
    // A signal kept since the engine started stops the run before its replay begins.
    const stopBeforeReplay = signals.requested !== undefined;
    signals.handle((signal) => {
      if (signal === 'SIGTERM') {
        // As before: a second SIGTERM ends a stop that hangs.
        signals.restoreDefault('SIGTERM');
        return resolveDone();
      }
      sigints++;
      if (sigints === 1) {
        out('\nstopping (Ctrl-C again to cancel open orders and stop now)');
        resolveDone();
      } else if (!engineStopped) {
        out('\nCtrl-C again: kill switch, cancelling open orders');
        void run.kill('SIGINT twice').then((n) => out(`kill switch: ${n} cancel request(s) sent`)).finally(() => resolveDone());
      } else {
        out('\nCtrl-C again: the run has already stopped; the orders still working are listed below');
      }
    });
    status = setInterval(() => {
      const line = formatStatus(run.status(), Date.now() - started);
      if (tty) process.stdout.write(`\r${line.slice(0, process.stdout.columns ? process.stdout.columns - 1 : 200)}`);
      else out(line);
    }, every);
    killWatch = KillFileWatcher.start(runDir, () => {
      out('\nKILL file found: cancelling open orders and stopping');
      void run.kill('KILL file').finally(() => resolveDone());
    });
    if (durationMs !== undefined) timer = setTimeout(resolveDone, durationMs);
    // The embedded replay runs in lockstep with this client; the run ends when the data has run
    // out (DAY orders then expire with the last session).
    replay?.holdWhile(() => run.execution.lookupsInProgress > 0);
    if (!stopBeforeReplay) replay?.start().then(
      () => {
        if (!replay.done) return;
        out('\nreplay finished');
        resolveDone();
      },
      (e: Error) => {
        out(`\nreplay failed: ${e.message}`);
        resolveDone();
      },
    );
  });
  await finished;
  await ctl.stop();
  clearInterval(status);
  clearTimeout(timer);
  killWatch?.stop();
  if (tty) process.stdout.write('\n');
  // Same tick as the engine's stop: the page's equity path ends with the run's last bar.
  dashboard?.stopFollowing();
  ops.stopWatching();
  const s = await run.stop();
  engineStopped = true;
  // After the engine's final reconcile, so open pages get the final figures.
  await dashboard?.stop();
  await ops.close();
  const before = run.journaled;
  out('');
  out('summary');
  out(`  fills        ${s.fills}${before.fills ? ` (${s.fills - before.fills} in this session)` : ''}`);
  out(`  orders       ${s.orders} (rejected ${s.rejected})`);
  out(`  positions    ${s.positions.map((p) => `${p.symbol} ${p.quantity}`).join(', ') || 'flat'}`);
  out(`  equity       ${money(s.startEquity)} -> ${money(s.equity)}`);
  out(`  P&L          ${s.pnl >= 0 ? '+' : ''}${money(s.pnl)}`);
  if (s.missedFillsRecovered) out(`  recovered    ${s.missedFillsRecovered} fills missed on the push stream (via order_transactions)`);
  if (s.halted) out(`  halted       ${s.halted}`);
  if (s.strategyErrors) out(`  strategy     ${s.strategyErrors} error(s), last: ${s.lastStrategyError ?? ''}`);
  out(`  working      ${describeWorking(run.execution.openOrders)}`);
  out(`  journal      ${s.journalPath}`);
  return 0;
}

/** The orders left working at the venue when the run stopped (a GTC order outlives the run). */
function describeWorking(orders: readonly Order[]): string {
  if (orders.length === 0) return 'none: no order left at the venue';
  const list = orders.map((o) => `${o.action} ${o.totalQuantity - o.filledQuantity} ${o.symbol} ${o.orderType}${o.limitPrice !== undefined ? ` @ ${o.limitPrice}` : ''} ${o.timeInForce} (order ${o.id})`);
  return `${orders.length} order(s) left working at the venue: ${list.join('; ')}`;
}
