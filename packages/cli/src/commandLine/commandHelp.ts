import type { CommandSpec, OptionSpec } from './CommandSpec.ts';

function flagText(name: string, o: OptionSpec): string {
  if (o.type === 'boolean') return `--${name}`;
  const value = o.choices ? o.choices.join('|') : (o.value ?? 'VALUE');
  return `--${name} ${value}${o.multiple ? ' ...' : ''}`;
}

/** Words of `text` in lines of at most `width` characters. */
function wrap(text: string, width = 100): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return line ? [...lines, line] : lines;
}

/**
 * The `--help` text of a command, generated from its declaration: usage, summary, every option
 * (grouped as declared) with its help line, examples and the doc to read.
 * @example
 * commandHelp({ name: 'replay-check', usage: '<run folder>', summary: 'Replays a run.', options: {} });
 */
export function commandHelp(spec: CommandSpec): string {
  const grouped = new Set((spec.groups ?? []).flatMap((g) => g.names));
  const sections: Array<{ title: string; names: string[] }> = [
    { title: 'Options', names: Object.keys(spec.options).filter((n) => !grouped.has(n)) },
    ...(spec.groups ?? []).map((g) => ({ title: g.title, names: [...g.names] })),
  ];
  const rows = sections.map((s) => ({ title: s.title, rows: s.names.map((n) => [flagText(n, spec.options[n]!), spec.options[n]!.help] as const) }));
  rows[0]!.rows.push(['-h, --help', 'show this help']);
  const width = Math.max(...rows.flatMap((s) => s.rows.map(([f]) => f.length)));
  // In the repo each one-word command has its npm script; the others go through `npm run pounce`.
  const npm = spec.name.includes(' ') ? `npm run pounce -- ${spec.name}` : `npm run ${spec.name} --`;
  const lines = [`usage: pounce ${spec.name} ${spec.usage}`, `       (in the repo: ${npm} ${spec.usage})`, '', ...wrap(spec.summary)];
  for (const s of rows) {
    if (s.rows.length === 0) continue;
    lines.push('', `${s.title}:`, ...s.rows.map(([f, h]) => `  ${f.padEnd(width)}  ${h}`));
  }
  if (spec.examples?.length) lines.push('', 'Examples:', ...spec.examples.map((e) => `  ${e}`));
  if (spec.doc) lines.push('', `See ${spec.doc}.`);
  return lines.join('\n') + '\n';
}
