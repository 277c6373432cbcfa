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
const day = (t) => new Date(t).toISOString().slice(0, 16).replace('T', ' ');
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
  $('time').textContent = day(s.venueTime);
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
  table($('fills'), ['time', 'symbol', 'side', 'qty', 'price'], state.fills.slice(-12).reverse().map((f) => [day(f.time), f.symbol, f.action, f.quantity, f.price.toFixed(4)]));
  drawCandles(sel.value || state.symbols[0]);
  drawEquity();
}
function scale(min, max, from, to) { const k = max > min ? (to - from) / (max - min) : 0; return (v) => to - (v - min) * k; }
function drawCandles(symbol) {
  const c = $('candles'); const g = c.getContext('2d'); g.clearRect(0, 0, c.width, c.height);
  const bars = (state.bars[symbol] || []).slice(-120); if (!bars.length) return;
  const lo = Math.min(...bars.map((b) => b.low)); const hi = Math.max(...bars.map((b) => b.high));
  const y = scale(lo, hi, 10, c.height - 10); const w = (c.width - 20) / bars.length;
  bars.forEach((b, i) => {
    const x = 10 + i * w + w / 2; const up = b.close >= b.open;
    g.strokeStyle = g.fillStyle = up ? '#0a7d28' : '#b3261e';
    g.beginPath(); g.moveTo(x, y(b.high)); g.lineTo(x, y(b.low)); g.stroke();
    g.fillRect(x - w * 0.35, Math.min(y(b.open), y(b.close)), w * 0.7, Math.max(1, Math.abs(y(b.open) - y(b.close))));
  });
  // Fills marked on their bar: triangles up for buys, down for sells.
  const first = bars[0].time;
  for (const f of state.fills) {
    if (f.symbol !== symbol || f.time < first) continue;
    const i = bars.findIndex((b) => b.time >= f.time); if (i < 0) continue;
    const x = 10 + i * w + w / 2; const py = y(f.price); const buy = f.action === 'BUY';
    g.fillStyle = buy ? '#1f6feb' : '#e36209'; g.beginPath();
    g.moveTo(x, py); g.lineTo(x - 6, py + (buy ? 10 : -10)); g.lineTo(x + 6, py + (buy ? 10 : -10)); g.fill();
  }
}
function drawEquity() {
  const c = $('equity-chart'); const g = c.getContext('2d'); g.clearRect(0, 0, c.width, c.height);
  const pts = state.equity; if (pts.length < 2) return;
  const lo = Math.min(...pts.map((p) => p[1])); const hi = Math.max(...pts.map((p) => p[1]));
  const y = scale(lo, hi, 10, c.height - 10); const dx = (c.width - 20) / (pts.length - 1);
  g.strokeStyle = '#1f6feb'; g.lineWidth = 1.5; g.beginPath();
  pts.forEach((p, i) => (i ? g.lineTo(10 + i * dx, y(p[1])) : g.moveTo(10, y(p[1])))); g.stroke();
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
