import { describe, expect, it } from 'vitest';
import type { CommandSpec } from '../src/commandLine/CommandSpec.ts';
import { parseCommandArgs, wantsHelp } from '../src/commandLine/parseCommandArgs.ts';
import { BACKTEST_COMMAND } from '../src/commands/backtest.ts';
import { CONFIG_CHECK_COMMAND } from '../src/commands/configCheck.ts';
import { CTL_COMMAND } from '../src/commands/ctl.ts';
import { DATA_IMPORT_COMMAND, DATA_INFO_COMMAND, DATA_LIST_COMMAND } from '../src/commands/data.ts';
import { DOCTOR_COMMAND } from '../src/commands/doctor.ts';
import { GATEWAY_COMMAND } from '../src/commands/gateway.ts';
import { NEW_COMMAND } from '../src/commands/new.ts';
import { NODE_COMMAND } from '../src/commands/node.ts';
import { PARITY_COMMAND } from '../src/commands/parity.ts';
import { REPLAY_CHECK_COMMAND } from '../src/commands/replayCheck.ts';
import { STRATEGY_COMMAND } from '../src/commands/strategy.ts';
import { runPounce } from './childProcess.ts';

const pounce = (args: string[]) => runPounce(args);

const COMMANDS: CommandSpec[] = [CONFIG_CHECK_COMMAND, GATEWAY_COMMAND, STRATEGY_COMMAND, BACKTEST_COMMAND, PARITY_COMMAND, REPLAY_CHECK_COMMAND, DOCTOR_COMMAND, NEW_COMMAND, NODE_COMMAND, CTL_COMMAND, DATA_IMPORT_COMMAND, DATA_LIST_COMMAND, DATA_INFO_COMMAND];

describe('pounce --help (real process)', () => {
  it('lists every command', async () => {
    const r = await pounce(['--help']);
    expect(r.status).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toContain(`  ${c.name} `);
  });

  for (const spec of COMMANDS) {
    it(`${spec.name} --help shows its usage and every declared option with its help line, and exits 0`, async () => {
      const r = await pounce([...spec.name.split(' '), '--help']);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(`usage: pounce ${spec.name} ${spec.usage}`);
      for (const [name, option] of Object.entries(spec.options)) {
        const line = r.stdout.split('\n').find((l) => l.startsWith(`  --${name} `));
        expect(line, `--${name} in ${spec.name} --help`).toBeDefined();
        expect(line).toContain(option.help);
      }
    });
  }
});

describe('argument errors name the flag and what is accepted', () => {
  it('an unknown flag lists the command\'s flags', async () => {
    const r = await pounce(['backtest', 'sma-cross', '--bogus']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('unknown flag --bogus for backtest; accepted: --data, --from');
    expect(r.stderr).toContain('--max-order-qty');
  });

  it('a flag without its value says what it expects; a switch given a value says it takes none', () => {
    expect(() => parseCommandArgs(BACKTEST_COMMAND, ['sma-cross', '--data'])).toThrow('--data: expects a value: SYM=FILE');
    expect(() => parseCommandArgs(BACKTEST_COMMAND, ['sma-cross', '--stream=yes'])).toThrow('--stream: takes no value');
  });

  it('a value outside the declared choices lists them', () => {
    expect(() => parseCommandArgs(STRATEGY_COMMAND, ['sma-cross', '--log-level', 'loud'])).toThrow('--log-level: expected debug, info, warn or error, got "loud"');
  });

  it('--help is found as an option, not as another option\'s value', () => {
    expect(wantsHelp(['sma-cross', '--help'], BACKTEST_COMMAND.options)).toBe(true);
    expect(wantsHelp(['sma-cross', '-h'], BACKTEST_COMMAND.options)).toBe(true);
    expect(wantsHelp(['sma-cross', '--report', '--help'], BACKTEST_COMMAND.options)).toBe(false);
  });
});
