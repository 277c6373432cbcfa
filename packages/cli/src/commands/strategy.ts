import { existsSync, readdirSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readReportParams } from '@pounce/backtest';
import { createLogger, type LogLevel } from '@pounce/core';
import { DashboardServer, listStrategies, loadStrategy, paramPairs, RunDirLock, TradingEngine, type RiskLimits } from '@pounce/runtime';
import { openVenue, type OpenedVenue } from '../venue/openVenue.ts';
import { parseDuration } from './duration.ts';
import { numberFlag, parseSpeed } from './gateway.ts';
import { checkRiskArgs, describeRisk, parseRiskFlags, riskFromReport, RISK_OPTIONS } from './riskFlags.ts';
import { formatStatus } from './statusLine.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const STRATEGIES_DIR = join(ROOT, 'strategies');

const OPTIONS = {
  list: { type: 'boolean' },
  paper: { type: 'boolean' },
  live: { type: 'boolean' },
  'confirm-live': { type: 'string' },
  config: { type: 'string' },
  account: { type: 'string' },
  embedded: { type: 'boolean' },
  param: { type: 'string', multiple: true },
  duration: { type: 'string' },
  symbols: { type: 'string' },
  data: { type: 'string', multiple: true },
  synthetic: { type: 'boolean' },
  speed: { type: 'string' },
  seed: { type: 'string' },
  ...RISK_OPTIONS,
  'run-dir': { type: 'string' },
  resume: { type: 'string' },
  'status-every': { type: 'string' },
  'log-level': { type: 'string' },
  'from-report': { type: 'string' },
  dashboard: { type: 'boolean' },
  'no-market-journal': { type: 'boolean' },
  'dashboard-port': { type: 'string' },
  'on-strategy-error': { type: 'string' },
} as const;

function latestRun(base: string): string {
  const runs = existsSync(base) ? readdirSync(base).sort() : [];
  if (runs.length === 0) throw new Error(`--resume latest: no runs in ${base}`);
  return join(base, runs[runs.length - 1]!);
}

/**
 * `pounce strategy <name> [--paper|--live] ...`: runs a strategy plugin, prints a live status
 * line and a summary. SIGINT once stops cleanly; twice (or a KILL file in the run folder) trips
 * the kill switch, cancelling open orders first.
 */
export async function runStrategyCommand(argv: string[], out: (l: string) => void): Promise<number> {
  checkRiskArgs(argv);
  const { values: v, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
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
  const { def } = await loadStrategy(name, STRATEGIES_DIR);
  const level = (v['log-level'] ?? 'warn') as LogLevel;
  if (!['debug', 'info', 'warn', 'error'].includes(level)) throw new Error(`--log-level: expected debug, info, warn or error, got "${level}"`);
  const logger = createLogger({ level, scope: def.name });
  // --from-report: the exact strategy, parameters and symbols a backtest report recorded.
  const fromReport = v['from-report'] ? readReportParams(resolve(v['from-report'])) : undefined;
  if (fromReport && fromReport.strategy !== def.name) throw new Error(`--from-report: the report is for strategy ${fromReport.strategy}, not ${def.name}`);
  const symbols = v.symbols ? v.symbols.split(',').map((s) => s.trim()).filter(Boolean) : fromReport ? fromReport.symbols : [...def.symbols];
  const rawParams = { ...(fromReport?.params ?? {}), ...paramPairs(v.param ?? []) };
  // Risk limits as params merge: a flag on the command line wins over the report's value for that limit.
  const cliRisk = parseRiskFlags(v);
  const reportRisk = fromReport ? riskFromReport(fromReport.risk, `--from-report ${v['from-report']!}`) : {};
  const risk: RiskLimits = { ...reportRisk, ...cliRisk };
  const runsBase = resolve('.pounce', 'runs');
  const runDir = v.resume ? (v.resume === 'latest' ? latestRun(runsBase) : resolve(v.resume)) : resolve(v['run-dir'] ?? join(runsBase, `${new Date().toISOString().replace(/[:.]/g, '-')}-${def.name}`));
  const durationMs = v.duration ? parseDuration('duration', v.duration) : undefined;
  // The embedded replay is in lockstep with the run, so its speed changes no fill: by default as fast as the run keeps up.
  const speed = v.speed === undefined ? 'max' : parseSpeed(v.speed);
  if (speed === 'manual') throw new Error('--speed manual is for tests; use a number of bars per second or max');
  const onStrategyError = v['on-strategy-error'] ?? 'halt';
  if (onStrategyError !== 'halt' && onStrategyError !== 'continue') throw new Error(`--on-strategy-error: expected halt or continue, got "${onStrategyError}"`);

  // The run folder's lock comes first: the embedded gateway keeps its state in <run>/gateway, so
  // a second process on the same folder must be refused before it touches anything there.
  const lock = RunDirLock.acquire(runDir, { takeOverStale: v.resume !== undefined });
  let opened: OpenedVenue;
  try {
    opened = await openVenue({
      mode: v.live ? 'live' : 'paper', configPath: v.config, embedded: v.embedded, account: v.account, confirmLive: v['confirm-live'],
      promptLive: process.stdin.isTTY && !v['confirm-live']
        ? async (account) => {
          const rl = createInterface({ input: process.stdin, output: process.stdout });
          const answer = await rl.question(`LIVE trading on account ${account}. Type the account number to confirm: `);
          rl.close();
          return answer;
        }
        : undefined,
      symbols,
      gateway: {
        dataFiles: v.data, speed, stateDir: join(runDir, 'gateway'), resume: v.resume !== undefined,
        synthetic: v.synthetic ? { symbols, bars: 20_000, seed: numberFlag('seed', v.seed, 1, Number.isInteger) } : undefined,
      },
      logger,
    });
  } catch (err) {
    lock.release();
    throw err;
  }
  out(`strategy   ${def.name}`);
  out(`venue      ${opened.description}`);
  out(`run        ${runDir}`);
  out(`risk       ${describeRisk(risk, fromReport ? (l) => (l in cliRisk ? 'command line' : 'report') : undefined)}`);
  let engine: TradingEngine;
  try {
    engine = await TradingEngine.start({
      def, rawParams, symbols, venue: opened.venue, runDir, lock, resume: v.resume !== undefined, risk, logger, onStrategyError, captureProcessErrors: true,
      marketJournal: !v['no-market-journal'], venueModel: opened.model,
    });
  } catch (err) {
    await opened.venue.stop().catch(() => undefined);
    lock.release();
    throw err;
  }
  out(`params     ${Object.entries(engine.params).map(([k, x]) => `${k}=${String(x)}`).join(' ')}`);

  const started = Date.now();
  const tty = process.stdout.isTTY;
  const every = v['status-every'] ? parseDuration('status-every', v['status-every']) : tty ? 1000 : 5000;
  let sigints = 0;
  let status: NodeJS.Timeout | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopRun: () => void = () => undefined;
  let dashboard: DashboardServer | undefined;
  if (v.dashboard) {
    dashboard = await DashboardServer.start({
      engine, venue: opened.venue, port: numberFlag('dashboard-port', v['dashboard-port'], 0, Number.isInteger),
      onKill: () => {
        out('\nkill switch pressed on the dashboard: cancelling open orders and stopping');
        void engine.kill('dashboard kill switch').finally(() => stopRun());
      },
    });
    out(`dashboard  ${dashboard.url}`);
  }
  const finished = new Promise<void>((resolveDone) => {
    stopRun = resolveDone;
    status = setInterval(() => {
      const line = formatStatus(engine.status(), Date.now() - started);
      if (tty) process.stdout.write(`\r${line.slice(0, process.stdout.columns ? process.stdout.columns - 1 : 200)}`);
      else out(line);
      if (existsSync(join(runDir, 'KILL'))) {
        out('\nKILL file found: cancelling open orders and stopping');
        void engine.kill('KILL file').finally(() => resolveDone());
      }
    }, every);
    if (durationMs !== undefined) timer = setTimeout(resolveDone, durationMs);
    // The embedded replay runs in lockstep with this client; the run ends when the data has run
    // out (DAY orders then expire with the last session).
    opened.replay?.start().then(
      () => {
        if (!opened.replay?.done) return;
        out('\nreplay finished');
        resolveDone();
      },
      (e: Error) => {
        out(`\nreplay failed: ${e.message}`);
        resolveDone();
      },
    );
    process.on('SIGINT', () => {
      sigints++;
      if (sigints === 1) {
        out('\nstopping (Ctrl-C again to cancel open orders and stop now)');
        resolveDone();
      } else {
        void engine.kill('SIGINT twice').finally(() => resolveDone());
      }
    });
    process.once('SIGTERM', () => resolveDone());
  });
  await finished;
  clearInterval(status);
  clearTimeout(timer);
  if (tty) process.stdout.write('\n');
  const s = await engine.stop();
  // After the engine's final reconcile, so open pages get the final figures.
  await dashboard?.stop();
  out('');
  out('summary');
  out(`  fills        ${s.fills}`);
  out(`  orders       ${s.orders} (rejected ${s.rejected})`);
  out(`  positions    ${s.positions.map((p) => `${p.symbol} ${p.quantity}`).join(', ') || 'flat'}`);
  out(`  equity       ${s.startEquity.toFixed(2)} -> ${s.equity.toFixed(2)}`);
  out(`  P&L          ${s.pnl >= 0 ? '+' : ''}${s.pnl.toFixed(2)}`);
  if (s.missedFillsRecovered) out(`  recovered    ${s.missedFillsRecovered} fills missed on the push stream (via order_transactions)`);
  if (s.halted) out(`  halted       ${s.halted}`);
  if (s.strategyErrors) out(`  strategy     ${s.strategyErrors} error(s), last: ${s.lastStrategyError ?? ''}`);
  out(`  journal      ${s.journalPath}`);
  return 0;
}
