import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadData, runBacktest } from '@pounce/backtest';
import { DEFAULT_DATA } from '@pounce/gateway';
import smaCross from '../../../strategies/sma-cross/index.ts';
import { checkRiskArgs, describeRisk, parseRiskFlags, riskFromReport, RISK_FLAGS, RISK_OPTIONS } from '../src/commands/riskFlags.ts';
import { runParity } from '../src/parity/runParity.ts';
import { runPounce } from './childProcess.ts';
import { tempDirs } from '../../gateway/test/testGateway.ts';

const run = (args: string[], cwd: string) => runPounce(args, { cwd });

const newTempDir = tempDirs();
const tempDir = () => newTempDir('pounce-risk-cli-');

describe('the risk flags, declared once', () => {
  it('parse every flag into its limit; absent flags set nothing', () => {
    expect(parseRiskFlags({})).toEqual({});
    expect(parseRiskFlags({
      'max-order-qty': '50', 'max-order-notional': '10000', 'max-position': '200', 'max-gross': '50000', 'daily-loss': '500', allow: 'NVDA, ORCL', 'max-orders-per-min': '30', cash: '5',
    })).toEqual({ maxOrderQuantity: 50, maxOrderNotional: 10_000, maxPositionPerSymbol: 200, maxGrossExposure: 50_000, dailyLossLimit: 500, allowedSymbols: ['NVDA', 'ORCL'], maxOrdersPerMinute: 30 });
    expect(Object.keys(RISK_OPTIONS)).toEqual(Object.keys(RISK_FLAGS));
  });

  it('name the flag and what it expects', () => {
    expect(() => parseRiskFlags({ 'max-order-qty': '0' })).toThrow('--max-order-qty: expected a positive number, got "0"');
    expect(() => parseRiskFlags({ 'max-position': 'lots' })).toThrow('--max-position: expected a positive number, got "lots"');
    expect(() => parseRiskFlags({ 'max-order-qty': '' })).toThrow('--max-order-qty: expected a positive number, got ""');
    expect(() => parseRiskFlags({ 'daily-loss': '-5' })).toThrow(/^--daily-loss: expected a positive amount \(.*\), got "-5"$/);
    expect(() => parseRiskFlags({ 'max-orders-per-min': '1.5' })).toThrow('--max-orders-per-min: expected a positive whole number, got "1.5"');
    expect(() => parseRiskFlags({ allow: ' , ' })).toThrow('--allow: expected a comma-separated list of symbols, got " , "');
    // Given as a separate argument, parseArgs would call a negative value "ambiguous".
    expect(() => checkRiskArgs(['sma-cross', '--daily-loss', '-5'])).toThrow(/^--daily-loss: expected a positive amount .*, got "-5"$/);
    expect(() => checkRiskArgs(['sma-cross', '--max-gross', '-.5'])).toThrow('--max-gross: expected a positive number, got "-.5"');
    expect(() => checkRiskArgs(['sma-cross', '--daily-loss', '500', '--cash', '-1'])).not.toThrow();
  });

  it('read limits back from a report, refusing what a flag would refuse and limits it does not know', () => {
    expect(riskFromReport(undefined, 'r')).toEqual({});
    expect(riskFromReport({ maxOrderQuantity: 50, allowedSymbols: ['NVDA'] }, 'r')).toEqual({ maxOrderQuantity: 50, allowedSymbols: ['NVDA'] });
    expect(() => riskFromReport({ maxOrderQuantity: -1 }, 'r')).toThrow('r: config.risk.maxOrderQuantity: expected a positive number, got -1');
    expect(() => riskFromReport({ maxLeverage: 2 }, 'r')).toThrow(/r: config.risk.maxLeverage: not a risk limit this version knows/);
    expect(() => riskFromReport([1], 'r')).toThrow('r: config.risk: expected an object of risk limits');
    expect(describeRisk({})).toBe('none');
    expect(describeRisk({ maxOrderQuantity: 50, allowedSymbols: ['A', 'B'] }, () => 'report')).toBe('max-order-qty=50 (report) allow=A,B (report)');
  });
});

describe('risk flags in the commands (real processes)', () => {
  it('a backtest with --max-order-qty 50 refuses the 100-share orders and reports them', async () => {
    const dir = tempDir();
    const report = join(dir, 'report');
    const bt = await run(['backtest', 'sma-cross', '--to', '2003-01-01', '--max-order-qty', '50', '--report', report], dir);
    expect(bt.status).toBe(0);
    expect(bt.stdout).toMatch(/^risk\s+max-order-qty=50$/m);
    const json = JSON.parse(readFileSync(join(report, 'report.json'), 'utf8')) as { config: { risk: unknown }; rejected: { count: number; reasons: Array<{ reason: string; count: number }> }; fills: unknown[]; fillCount: number };
    expect(json.config.risk).toEqual({ maxOrderQuantity: 50 });
    expect(json.rejected.count).toBeGreaterThan(5);
    expect(json.rejected.reasons).toEqual([{ reason: 'risk: order quantity 100 exceeds max 50', count: json.rejected.count }]);
    expect(json.fills).toEqual([]);
    expect(json.fillCount).toBe(0);
    expect(bt.stdout).toMatch(new RegExp(`Rejected orders\\s+${json.rejected.count}\\n\\s+${json.rejected.count} x risk: order quantity 100 exceeds max 50`));
    expect(existsSync(join(report, 'fills.jsonl'))).toBe(false);

    // Without the flag the same run trades.
    const free = await run(['backtest', 'sma-cross', '--to', '2003-01-01', '--report', join(dir, 'free')], dir);
    expect(free.status).toBe(0);
    expect((JSON.parse(readFileSync(join(dir, 'free', 'report.json'), 'utf8')) as { fills: unknown[] }).fills.length).toBeGreaterThan(10);
  });

  it('--from-report carries the report\'s limits to paper; a flag on the command line wins for its limit', async () => {
    const dir = tempDir();
    const report = join(dir, 'report');
    expect((await run(['backtest', 'sma-cross', '--to', '2002-01-01', '--max-order-qty', '50', '--allow', 'NVDA', '--report', report], dir)).status).toBe(0);
    const paper = await run(['strategy', 'sma-cross', '--paper', '--from-report', report, '--max-order-qty', '80', '--duration', '1s', '--speed', '100', '--run-dir', join(dir, 'run')], dir);
    expect(paper.status).toBe(0);
    expect(paper.stdout).toMatch(/^risk\s+max-order-qty=80 \(command line\) allow=NVDA \(report\)$/m);
  });

  it('bad values fail before anything runs, naming the flag and what it expects', async () => {
    const dir = tempDir();
    const cases: Array<[string[], RegExp]> = [
      [['backtest', 'sma-cross', '--max-order-qty', '0'], /^error: --max-order-qty: expected a positive number, got "0"$/m],
      [['strategy', 'sma-cross', '--paper', '--max-order-qty', '0'], /^error: --max-order-qty: expected a positive number, got "0"$/m],
      [['strategy', 'sma-cross', '--paper', '--daily-loss', '-5'], /^error: --daily-loss: expected a positive amount \(.*\), got "-5"$/m],
      [['backtest', 'sma-cross', '--daily-loss=-5'], /^error: --daily-loss: expected a positive amount \(.*\), got "-5"$/m],
      [['parity', 'sma-cross', '--daily-loss', '-5'], /^error: --daily-loss: expected a positive amount \(.*\), got "-5"$/m],
    ];
    for (const [args, message] of cases) {
      const r = await run(args, dir);
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
    // Nothing started: no run folder, no report.
    expect(existsSync(join(dir, '.pounce'))).toBe(false);
  });
});

describe('parity with risk limits', () => {
  it('applies the same limits to the backtest and to the paper side', async () => {
    const { bars } = loadData([`NVDA=${DEFAULT_DATA.NVDA!}`], { to: Date.UTC(2003, 0, 1) });
    expect((await runBacktest({ def: smaCross, bars })).fills.length).toBeGreaterThan(10);
    const r = await runParity({ def: smaCross, bars, risk: { maxOrderQuantity: 50 } });
    expect(r.backtest).toEqual([]);
    expect(r.paper).toEqual([]);
  }, 120_000);
});
