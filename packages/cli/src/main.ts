#!/usr/bin/env node
import { redact } from '@pounce/core';
import type { CommandSpec } from './commandLine/CommandSpec.ts';
import { commandHelp } from './commandLine/commandHelp.ts';
import { wantsHelp } from './commandLine/parseCommandArgs.ts';

type Print = (line: string) => void;

interface Command {
  /** One line for `pounce --help`. */
  synopsis: string;
  /** Loaded on use only, so `pounce <command>` pays for its own imports alone. */
  load: () => Promise<{ spec: CommandSpec; run: (argv: string[], print: Print) => Promise<number> | number }>;
}

const COMMANDS: Record<string, Command> = {
  'config check': {
    synopsis: 'validate tiger_openapi_config.properties (never prints keys)',
    load: async () => {
      const { CONFIG_CHECK_COMMAND, configCheck } = await import('./commands/configCheck.ts');
      const { parseCommandArgs } = await import('./commandLine/parseCommandArgs.ts');
      return { spec: CONFIG_CHECK_COMMAND, run: (argv, print) => configCheck(parseCommandArgs(CONFIG_CHECK_COMMAND, argv).values, print) };
    },
  },
  gateway: {
    synopsis: 'start the local OpenAPI gateway (see docs/gateway.md)',
    load: async () => {
      const m = await import('./commands/gateway.ts');
      return { spec: m.GATEWAY_COMMAND, run: m.runGatewayCommand };
    },
  },
  strategy: {
    synopsis: 'run a strategy plugin on paper, live or the embedded gateway; --list lists them',
    load: async () => {
      const m = await import('./commands/strategy.ts');
      return { spec: m.STRATEGY_COMMAND, run: m.runStrategyCommand };
    },
  },
  backtest: {
    synopsis: 'backtest on history, write a report; --sweep for parameter sweeps',
    load: async () => {
      const m = await import('./commands/backtest.ts');
      return { spec: m.BACKTEST_COMMAND, run: (argv: string[], out: (l: string) => void) => m.runBacktestCommand(argv, out, { tuneGc: true }) };
    },
  },
  parity: {
    synopsis: 'compare backtest fills with local-gateway fills',
    load: async () => {
      const m = await import('./commands/parity.ts');
      return { spec: m.PARITY_COMMAND, run: m.runParityCommand };
    },
  },
  node: {
    synopsis: 'many strategies on one account and one connection (see docs/node.md)',
    load: async () => {
      const m = await import('./commands/node.ts');
      return { spec: m.NODE_COMMAND, run: m.runNodeCommand };
    },
  },
  ctl: {
    synopsis: 'pause, resume, flatten, stop or start one strategy of a running node (see docs/node.md)',
    load: async () => {
      const m = await import('./commands/ctl.ts');
      return { spec: m.CTL_COMMAND, run: m.runCtlCommand };
    },
  },
  'sweep merge': {
    synopsis: 'combine the reports of backtest --shard runs into the single-run ranking',
    load: async () => {
      const m = await import('./commands/sweepMerge.ts');
      return { spec: m.SWEEP_MERGE_COMMAND, run: m.runSweepMergeCommand };
    },
  },
  'data import': {
    synopsis: 'write CSV bars once into the columnar bar store (see docs/data.md)',
    load: async () => {
      const m = await import('./commands/data.ts');
      return { spec: m.DATA_IMPORT_COMMAND, run: m.runDataImportCommand };
    },
  },
  'data list': {
    synopsis: 'list the bar store: symbols, periods, bar counts, first and last times',
    load: async () => {
      const m = await import('./commands/data.ts');
      return { spec: m.DATA_LIST_COMMAND, run: m.runDataListCommand };
    },
  },
  'data info': {
    synopsis: 'one symbol\'s stored bars: files, sizes, time spans',
    load: async () => {
      const m = await import('./commands/data.ts');
      return { spec: m.DATA_INFO_COMMAND, run: m.runDataInfoCommand };
    },
  },
  doctor: {
    synopsis: 'read-only checks of a real account\'s setup (see docs/doctor.md)',
    load: async () => {
      const m = await import('./commands/doctor.ts');
      return { spec: m.DOCTOR_COMMAND, run: m.runDoctorCommand };
    },
  },
  new: {
    synopsis: 'create strategies/<name> with a backtest test',
    load: async () => {
      const m = await import('./commands/new.ts');
      return { spec: m.NEW_COMMAND, run: m.runNewCommand };
    },
  },
  'replay-check': {
    synopsis: 'replay a paper/live run through the backtester, explain differences',
    load: async () => {
      const m = await import('./commands/replayCheck.ts');
      return { spec: m.REPLAY_CHECK_COMMAND, run: m.runReplayCheckCommand };
    },
  },
};

const USAGE = `usage: pounce <command> [options]      (in the repo: npm run pounce -- <command>, or npm run <command> -- ...)

${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(14)} ${c.synopsis}`).join('\n')}

pounce <command> --help shows a command's options.
`;

async function main(argv: string[]): Promise<number> {
  const print: Print = (l) => process.stdout.write(redact(l) + '\n');
  const [first, second] = argv;
  const name = first !== undefined && second !== undefined && `${first} ${second}` in COMMANDS ? `${first} ${second}` : first;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(USAGE);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`unknown command: ${argv.join(' ')}\n\n${USAGE}`);
    return 64;
  }
  const rest = argv.slice(name.split(' ').length);
  const { spec, run } = await command.load();
  if (wantsHelp(rest, spec.options)) {
    process.stdout.write(commandHelp(spec));
    return 0;
  }
  return run(rest, print);
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
