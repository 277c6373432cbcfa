import { parseArgs } from 'node:util';
import type { CommandSpec, OptionTable } from './CommandSpec.ts';

/** What `parseArgs` returns for a command's options (values typed by the table). */
export type ParsedCommandArgs<O extends OptionTable> = ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>>;

/** True when the arguments ask for help (`--help` or `-h` as an option, not as another option's value). */
export function wantsHelp(argv: readonly string[], options: OptionTable): boolean {
  const { tokens } = parseArgs({ args: [...argv], options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: false, allowPositionals: true, tokens: true });
  return tokens.some((t) => t.kind === 'option' && t.name === 'help');
}

/** `a, b or c`. */
function oneOf(values: readonly string[]): string {
  return values.length < 2 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]!}`;
}

/** The option a parseArgs message is about (`'--data <value>'` → `data`). */
function flagIn(message: string): string | undefined {
  return /'-{1,2}([^' ]+)/.exec(message)?.[1];
}

/**
 * Parses a command's arguments with `parseArgs` against its declared options, with errors that name
 * the flag and what is accepted: an unknown flag lists the command's flags, a missing or extra value
 * says what the flag takes, and a value outside an option's `choices` lists them.
 * @example
 * const spec = { name: 'demo', usage: '[options]', summary: 'A demo.', options: { level: { type: 'string', choices: ['low', 'high'], help: 'how much' } } } as const;
 * parseCommandArgs(spec, ['--level', 'high']).values.level; // 'high'
 */
export function parseCommandArgs<O extends OptionTable>(spec: CommandSpec<O>, argv: string[]): ParsedCommandArgs<O> {
  const see = `(pounce ${spec.name} --help)`;
  let parsed: ParsedCommandArgs<O>;
  try {
    parsed = parseArgs({ args: argv, options: spec.options, allowPositionals: true, strict: true });
  } catch (err) {
    const code = (err as { code?: string }).code;
    const message = (err as Error).message;
    const flag = flagIn(message);
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const known = Object.keys(spec.options).map((n) => `--${n}`).join(', ');
      throw new Error(`unknown flag ${flag && message.includes(`'--`) ? `--${flag}` : `-${flag ?? '?'}`} for ${spec.name}; accepted: ${known || '(none)'} ${see}`);
    }
    const option = flag === undefined ? undefined : spec.options[flag];
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
      const takes = option.type === 'boolean' ? 'takes no value' : `expects a value: ${option.choices ? oneOf(option.choices) : (option.value ?? 'VALUE')}`;
      throw new Error(`--${flag}: ${takes} ${see}`);
    }
    throw new Error(`${message} ${see}`);
  }
  for (const [name, option] of Object.entries(spec.options)) {
    if (!option.choices) continue;
    const given = (parsed.values as Record<string, unknown>)[name];
    for (const v of Array.isArray(given) ? given : given === undefined ? [] : [given]) {
      if (!option.choices.includes(String(v))) throw new Error(`--${name}: expected ${oneOf(option.choices)}, got "${String(v)}"`);
    }
  }
  return parsed;
}
