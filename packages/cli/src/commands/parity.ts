import { loadData } from '@pounce/backtest';
import { defaultDataFiles } from '@pounce/gateway';
import { DEFAULT_STARTING_CASH } from '@pounce/matching';
import { loadStrategy, paramPairs } from '@pounce/runtime';
import { runParity } from '../parity/runParity.ts';
import { numberFlag } from './gateway.ts';
import { progressBar } from './progressBar.ts';
import type { CommandSpec } from '../commandLine/CommandSpec.ts';
import { parseCommandArgs } from '../commandLine/parseCommandArgs.ts';
import { checkRiskArgs, describeRisk, parseRiskFlags, riskHelpLines, RISK_FLAG_NAMES, RISK_OPTIONS } from './riskFlags.ts';
import { STRATEGIES_DIR } from './strategiesDir.ts';

const OPTIONS = {
  data: { type: 'string', multiple: true, value: 'SYM=FILE', help: 'CSV history (default: the shipped history of the strategy\'s symbols)' },
  param: { type: 'string', multiple: true, value: 'k=v', help: 'a strategy parameter, checked against its declaration' },
  symbols: { type: 'string', value: 'A,B', help: 'symbols to trade instead of the strategy\'s own' },
  cash: { type: 'string', value: 'N', help: 'starting cash (default 100000)' },
  fees: { type: 'string', value: 'tradeup|zero|per-share:X', help: 'fee model (default tradeup)' },
  ...RISK_OPTIONS,
} as const;

/** `pounce parity`: its one declaration, read by the parser and by `--help`. */
export const PARITY_COMMAND = {
  name: 'parity',
  usage: '<strategy|path> [options]',
  summary: 'Runs the same data through the backtester and through the local gateway, prints every difference between the two fill lists, and exits 1 if there is any.',
  options: OPTIONS,
  groups: [{ title: 'Risk checks (applied to both sides)', names: RISK_FLAG_NAMES }],
  examples: ['npm run parity -- sma-cross'],
  doc: 'docs/backtest.md',
} as const satisfies CommandSpec<typeof OPTIONS>;

/**
 * `pounce parity <name> --data FILE...`: the same data through the backtester and through the
 * local gateway; prints every difference in the fill lists and exits 1 if there is any.
 */
export async function runParityCommand(argv: string[], out: (l: string) => void): Promise<number> {
  checkRiskArgs(argv);
  const { values: v, positionals } = parseCommandArgs(PARITY_COMMAND, argv);
  const risk = parseRiskFlags(v);
  const name = positionals[0];
  if (!name) throw new Error(`usage: npm run parity -- <strategy> --data FILE...\nrisk checks (applied to both sides):\n${riskHelpLines().join('\n')}`);
  const { def } = await loadStrategy(name, STRATEGIES_DIR);
  const symbols = v.symbols ? v.symbols.split(',') : [...def.symbols];
  const data = loadData(v.data ?? defaultDataFiles(symbols));
  out(`parity    ${def.name} on ${symbols.join(',')} (${data.bars.length} bars): backtest vs local gateway`);
  const cash = numberFlag('cash', v.cash, DEFAULT_STARTING_CASH, (n) => n > 0);
  out(`cash      ${cash.toLocaleString('en-US', { minimumFractionDigits: 2 })} on both sides${v.cash === undefined ? ' (default)' : ''}`);
  out(`risk      ${describeRisk(risk)}`);
  const r = await runParity({ def, rawParams: paramPairs(v.param ?? []), symbols, bars: data.bars, cash, fees: v.fees, risk, onProgress: progressBar('paper') });
  out(`fills     backtest ${r.backtest.length}, paper ${r.paper.length}`);
  if (r.differences.length === 0) {
    out('identical fill lists');
    return 0;
  }
  out(`${r.differences.length} differences:`);
  for (const d of r.differences.slice(0, 50)) out(`  ${d}`);
  return 1;
}
