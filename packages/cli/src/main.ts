#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { redact } from '@pounce/core';
import { configCheck } from './commands/configCheck.ts';

const USAGE = `pounce <command>

  config check [--config FILE]       validate tiger_openapi_config.properties (never prints keys)
  gateway [options]                  start the local OpenAPI gateway (see docs/gateway.md)
  strategy <name> [--paper|--live]   run a strategy plugin (see docs/strategies.md)
  strategy --list                    list strategies in strategies/
  backtest <name> [--data FILE...]   backtest on history, write a report (see docs/backtest.md)
  parity <name> [--data FILE...]     compare backtest fills with local-gateway fills
  doctor --config FILE [--grab]      read-only checks of a real account's setup (see docs/doctor.md)
  replay-check <run folder>          replay a paper/live run through the backtester, explain differences
`;

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  const print = (l: string) => process.stdout.write(redact(l) + '\n');
  switch (cmd) {
    case 'config': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { config: { type: 'string' } } });
      if (positionals[0] !== 'check') break;
      return configCheck(values, print);
    }
    case 'gateway': {
      const { runGatewayCommand } = await import('./commands/gateway.ts');
      return runGatewayCommand(rest, print);
    }
    case 'strategy': {
      const { runStrategyCommand } = await import('./commands/strategy.ts');
      return runStrategyCommand(rest, print);
    }
    case 'backtest': {
      const { runBacktestCommand } = await import('./commands/backtest.ts');
      return runBacktestCommand(rest, print);
    }
    case 'parity': {
      const { runParityCommand } = await import('./commands/parity.ts');
      return runParityCommand(rest, print);
    }
    case 'sweep': return (await import('./commands/sweepMerge.ts')).runSweepCommand(rest, print);
    case 'doctor': return (await import('./commands/doctor.ts')).runDoctorCommand(rest, print);
    case 'new': return (await import('./commands/new.ts')).runNewCommand(rest, print);
    case 'replay-check': {
      const { runReplayCheckCommand } = await import('./commands/replayCheck.ts');
      return runReplayCheckCommand(rest, print);
    }
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(USAGE);
      return 0;
  }
  process.stderr.write(`unknown command: ${argv.join(' ')}\n\n${USAGE}`);
  return 64;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(redact(`error: ${err instanceof Error ? err.message : String(err)}`) + '\n');
    process.exitCode = 1;
  },
);
