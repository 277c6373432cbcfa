/** The dashboard page: self-contained (no network but its own WebSocket), canvas charts. */
export function dashboardPage(): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Pounce dashboard</title>
<style>
body{font:13px system-ui,sans-serif;margin:16px;color:#222;background:#fafafa}h1{font-size:18px;margin:0 0 8px}
.row{display:flex;gap:16px;flex-wrap:wrap}.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px}
table{border-collapse:collapse}td,th{padding:2px 8px;text-align:right;border-bottom:1px solid #eee}th:first-child,td:first-child{text-align:left}
.up{color:#0a7d28}.down{color:#b3261e}#kill{background:#b3261e;color:#fff;border:0;border-radius:4px;padding:8px 14px;font-weight:600;cursor:pointer}
#conn.ok{color:#0a7d28}#conn.bad{color:#b3261e}.bar{height:8px;background:#eee;width:160px;display:inline-block;vertical-align:middle}.bar>i{display:block;height:8px;background:#1f6feb}
</style></head><body>
<h1>Pounce <span id="strategy"></span></h1>
<div class="row">
 <div class="card">dashboard <b id="conn" class="bad">connecting</b> · venue <b id="venue">-</b> · time <b id="time">-</b></div>
 <div class="card">equity <b id="equity">-</b> · P&amp;L <b id="pnl">-</b> · fills <b id="fill-count">0</b> · orders <b id="orders">0</b></div>
 <div class="card"><button id="kill">Kill switch</button> <span id="killed"></span></div>
</div>
<div class="row" style="margin-top:12px">
 <div class="card"><select id="symbol"></select><br><canvas id="candles" width="760" height="300"></canvas></div>
 <div class="card">Equity<br><canvas id="equity-chart" width="420" height="300"></canvas></div>
</div>
<div class="row" style="margin-top:12px">
 <div class="card"><b>Positions</b><table id="positions"></table></div>
 <div class="card"><b>Open orders</b><table id="open-orders"></table></div>
 <div class="card"><b>Risk limits</b><table id="risk"></table></div>
 <div class="card"><b>Recent fills</b><table id="fills"></table></div>
</div>
<script>
const token = new URLSearchParams(location.search).get('token') || '';
const $ = (id) => document.getElementById(id);
const money = (x) => x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
// Times in the exchange's zone, named (13:30 UTC is 09:30 in New York).
let zoneFormat = null;
function day(t) {
  const zone = (state && state.zone) || 'UTC';
  if (!zoneFormat || zoneFormat.zone !== zone) {
    const f = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    zoneFormat = { zone, f };
  }
  const p = Object.fromEntries(zoneFormat.f.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
  return p.year + '-' + p.month + '-' + p.day + ' ' + p.hour + ':' + p.minute;
}
const zoneName = () => ((state && state.zone) || 'UTC').split('/').pop().replace(/_/g, ' ');
let state = null;
let ws;
function connect() {
  ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws?token=' + encodeURIComponent(token));
  ws.onopen = () => { $('conn').textContent = 'live'; $('conn').className = 'ok'; };
  ws.onclose = () => { $('conn').textContent = 'disconnected'; $('conn').className = 'bad'; };
  ws.onmessage = (ev) => { state = JSON.parse(ev.data); render(); };
}
function table(el, head, rows) {
  el.innerHTML = '<tr>' + head.map((h) => '<th>' + h + '</th>').join('') + '</tr>' + rows.map((r) => '<tr>' + r.map((c) => '<td>' + c + '</td>').join('') + '</tr>').join('');
}
function render() {
  const s = state.status;
  $('strategy').textContent = '— ' + state.strategy;
  $('venue').textContent = s.connection + (s.halted ? ' · HALTED: ' + s.halted : '') + (s.strategyErrors ? ' · strategy errors: ' + s.strategyErrors + ' (last: ' + s.lastStrategyError + ')' : '');
  $('time').textContent = day(s.venueTime) + ' ' + zoneName();
  $('equity').textContent = money(s.equity);
  $('pnl').textContent = (s.pnl >= 0 ? '+' : '') + money(s.pnl);
  $('pnl').className = s.pnl >= 0 ? 'up' : 'down';
  $('fill-count').textContent = String(state.fillCount);
  $('orders').textContent = String(s.orders);
  const sel = $('symbol');
  if (sel.options.length !== state.symbols.length) sel.innerHTML = state.symbols.map((x) => '<option>' + x + '</option>').join('');
  table($('positions'), ['symbol', 'qty'], s.positions.map((p) => [p.symbol, p.quantity]));
  table($('open-orders'), ['symbol', 'side', 'type', 'qty', 'price', 'status'], state.openOrders.map((o) => [o.symbol, o.action, o.orderType, o.totalQuantity - o.filledQuantity, o.limitPrice ?? o.auxPrice ?? 'mkt', o.status]));
  table($('risk'), ['limit', 'used', ''], state.risk.map((r) => [r.limit, money(r.used) + ' / ' + money(r.max), '<span class="bar"><i style="width:' + Math.min(100, (100 * r.used) / r.max).toFixed(0) + '%"></i></span>']));
  table($('fills'), ['time (' + zoneName() + ')', 'symbol', 'side', 'qty', 'price'], state.fills.slice(-12).reverse().map((f) => [day(f.time), f.symbol, f.action, f.quantity, f.price.toFixed(4)]));
  drawCandles(sel.value || state.symbols[0]);
  drawEquity();
}
function scale(min, max, from, to) { const k = max > min ? (to - from) / (max - min) : 0; return (v) => to - (v - min) * k; }
// Chart area inside each canvas: room on the left for prices, below for times.
const PAD = { left: 70, right: 10, top: 10, bottom: 34 };
/** Axes: three price labels on the left, first and last time below (exchange time, zone named). */
function axes(g, c, lo, hi, t0, t1, money) {
  g.strokeStyle = '#999'; g.fillStyle = '#555'; g.lineWidth = 1; g.font = '11px system-ui,sans-serif';
  g.beginPath(); g.moveTo(PAD.left, PAD.top); g.lineTo(PAD.left, c.height - PAD.bottom); g.lineTo(c.width - PAD.right, c.height - PAD.bottom); g.stroke();
  const y = scale(lo, hi, PAD.top, c.height - PAD.bottom);
  g.textAlign = 'right'; g.textBaseline = 'middle';
  for (const v of [lo, (lo + hi) / 2, hi]) g.fillText(money(v), PAD.left - 4, y(v));
  g.textBaseline = 'top'; g.textAlign = 'left'; g.fillText(day(t0), PAD.left, c.height - PAD.bottom + 4);
  g.textAlign = 'right'; g.fillText(day(t1), c.width - PAD.right, c.height - PAD.bottom + 4);
  g.textAlign = 'center'; g.fillText('time (' + zoneName() + ')', (PAD.left + c.width - PAD.right) / 2, c.height - PAD.bottom + 18);
}
function drawCandles(symbol) {
  const c = $('candles'); const g = c.getContext('2d'); g.clearRect(0, 0, c.width, c.height);
  const bars = (state.bars[symbol] || []).slice(-120); if (!bars.length) return;
  const lo = Math.min(...bars.map((b) => b.low)); const hi = Math.max(...bars.map((b) => b.high));
  axes(g, c, lo, hi, bars[0].time, bars[bars.length - 1].time, (v) => v.toFixed(2));
  const y = scale(lo, hi, PAD.top, c.height - PAD.bottom); const w = (c.width - PAD.left - PAD.right) / bars.length;
  bars.forEach((b, i) => {
    const x = PAD.left + i * w + w / 2; const up = b.close >= b.open;
    g.strokeStyle = g.fillStyle = up ? '#0a7d28' : '#b3261e';
    g.beginPath(); g.moveTo(x, y(b.high)); g.lineTo(x, y(b.low)); g.stroke();
    g.fillRect(x - w * 0.35, Math.min(y(b.open), y(b.close)), w * 0.7, Math.max(1, Math.abs(y(b.open) - y(b.close))));
  });
  // Fills marked on their bar: triangles up for buys, down for sells.
  const first = bars[0].time;
  for (const f of state.fills) {
    if (f.symbol !== symbol || f.time < first) continue;
    const i = bars.findIndex((b) => b.time >= f.time); if (i < 0) continue;
    const x = PAD.left + i * w + w / 2; const py = y(f.price); const buy = f.action === 'BUY';
    g.fillStyle = buy ? '#1f6feb' : '#e36209'; g.beginPath();
    g.moveTo(x, py); g.lineTo(x - 6, py + (buy ? 10 : -10)); g.lineTo(x + 6, py + (buy ? 10 : -10)); g.fill();
  }
}
function drawEquity() {
  const c = $('equity-chart'); const g = c.getContext('2d'); g.clearRect(0, 0, c.width, c.height);
  // One point per bar the run received: the path, not a line from start to now.
  const pts = state.equity; c.dataset.points = String(pts.length); if (pts.length < 2) return;
  let lo = Infinity; let hi = -Infinity;
  for (const p of pts) { if (p[1] < lo) lo = p[1]; if (p[1] > hi) hi = p[1]; }
  axes(g, c, lo, hi, pts[0][0], pts[pts.length - 1][0], (v) => Math.round(v).toLocaleString('en-US'));
  const y = scale(lo, hi, PAD.top, c.height - PAD.bottom); const dx = (c.width - PAD.left - PAD.right) / (pts.length - 1);
  g.strokeStyle = '#1f6feb'; g.lineWidth = 1.5; g.beginPath();
  pts.forEach((p, i) => (i ? g.lineTo(PAD.left + i * dx, y(p[1])) : g.moveTo(PAD.left, y(p[1])))); g.stroke();
}
$('symbol').onchange = () => state && render();
$('kill').onclick = () => {
  if (!confirm('Cancel all open orders and stop the strategy?')) return;
  ws.send(JSON.stringify({ type: 'kill' }));
  $('killed').textContent = 'kill switch sent';
};
connect();
</script></body></html>`;
}
