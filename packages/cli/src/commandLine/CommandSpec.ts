/**
 * One option of a command: what `parseArgs` needs (`type`, `multiple`) plus its help. The same
 * object is given to `parseArgs` and to the help text, so the two cannot drift apart.
 */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  /** The value's placeholder in the help, e.g. `FILE` or `SYM=FILE`. */
  readonly value?: string;
  /** The accepted values: any other is refused, naming the flag and these. */
  readonly choices?: readonly string[];
  /** One line: what the option does, and its default. */
  readonly help: string;
}

export type OptionTable = Readonly<Record<string, OptionSpec>>;

/** A command's one declaration: usage, options and help. `--help` and the parser both read it. */
export interface CommandSpec<O extends OptionTable = OptionTable> {
  /** The words after `pounce`, e.g. `backtest` or `config check`. */
  readonly name: string;
  /** What follows the name in the usage line, e.g. `<strategy> [options]`. */
  readonly usage: string;
  /** One or two sentences: what the command does. */
  readonly summary: string;
  readonly options: O;
  /** Options listed under their own heading (e.g. the risk checks), in this order. */
  readonly groups?: ReadonlyArray<{ readonly title: string; readonly names: ReadonlyArray<keyof O & string> }>;
  readonly examples?: readonly string[];
  /** Where the command is documented, e.g. `docs/backtest.md`. */
  readonly doc?: string;
}
