import type { ReplayCheckReport } from './runReplayCheck.ts';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');

/** A self-contained page (no scripts, no network) of a replay-check report: summary, then every difference. */
export function replayCheckHtml(r: ReplayCheckReport): string {
  const causes = Object.entries(r.causes).map(([c, n]) => `<tr><td>${esc(c)}</td><td>${n}</td></tr>`).join('');
  const rows = r.differences.map((d) => `<tr class="${d.follows ? 'follows' : 'root'}"><td>${d.n}</td><td>${esc(iso(d.time))}</td><td>${esc(d.symbol ?? '')}</td><td>${esc(d.cause)}</td><td>${esc(d.what)}</td><td>${esc(d.why)}${d.follows ? ` (see #${d.follows})` : ''}</td></tr>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>replay-check ${esc(r.strategy)}</title>
<style>
body{font:14px system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f3f3f3}.follows td{color:#666}.ok{color:#070;font-weight:bold}.bad{color:#a00;font-weight:bold}
</style></head><body>
<h1>replay-check: ${esc(r.strategy)}</h1>
<p>run <code>${esc(r.run)}</code>; params <code>${esc(JSON.stringify(r.params))}</code>; symbols ${esc(r.symbols.join(', '))}</p>
<p>market: ${r.market.bars} bars from ${esc(r.market.source)}; the strategy saw ${r.market.seenByStrategy} (missed ${r.market.missed}, late ${r.market.late})</p>
<table><tr><th></th><th>run</th><th>backtest</th></tr>
<tr><td>decisions</td><td>${r.decisions.run}</td><td>${r.decisions.backtest}</td></tr>
<tr><td>fills</td><td>${r.fills.run}</td><td>${r.fills.backtest}</td></tr></table>
${r.differences.length === 0 ? '<p class="ok">no differences: the run did what the backtest did</p>' : `<p class="bad">${r.differences.length} differences</p><table><tr><th>cause</th><th>count</th></tr>${causes}</table>
<table><tr><th>#</th><th>bar</th><th>symbol</th><th>cause</th><th>what differed</th><th>why</th></tr>
${rows}</table>`}
</body></html>
`;
}
