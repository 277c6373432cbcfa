/** The node's dashboard page: every strategy with its controls, and the account. Self-contained. */
export function nodeDashboardPage(): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Pounce node</title>
<style>
body{font:13px system-ui,sans-serif;margin:16px;color:#222;background:#fafafa}h1{font-size:18px;margin:0 0 8px}
.row{display:flex;gap:16px;flex-wrap:wrap}.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px}
table{border-collapse:collapse}td,th{padding:2px 8px;text-align:right;border-bottom:1px solid #eee;vertical-align:top}th:first-child,td:first-child{text-align:left}
.up{color:#0a7d28}.down{color:#b3261e}#conn.ok{color:#0a7d28}#conn.bad{color:#b3261e}button{margin:0 2px}
.bar{height:8px;background:#eee;width:160px;display:inline-block;vertical-align:middle}.bar>i{display:block;height:8px;background:#1f6feb}
</style></head><body>
<h1>Pounce node</h1>
<div class="row">
 <div class="card">dashboard <b id="conn" class="bad">connecting</b> · time <b id="time">-</b></div>
 <div class="card">account equity <b id="equity">-</b> · gross exposure <b id="gross">-</b> · outside orders <b id="external">0</b> <span id="account-halt"></span></div>
</div>
<div class="row" style="margin-top:12px"><div class="card"><b>Strategies</b><table id="strategies"></table><div id="result"></div></div></div>
<div class="row" style="margin-top:12px"><div class="card"><b>Account risk</b><table id="risk"></table></div></div>
<script>
const token = new URLSearchParams(location.search).get('token') || '';
const $ = (id) => document.getElementById(id);
const money = (x) => x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const esc = (x) => String(x).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
let state = null;
let ws;
function day(t, zone) {
  const f = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const p = Object.fromEntries(f.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
  return p.year + '-' + p.month + '-' + p.day + ' ' + p.hour + ':' + p.minute + ' ' + zone.split('/').pop().replace(/_/g, ' ');
}
function connect() {
  ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws?token=' + encodeURIComponent(token));
  ws.onopen = () => { $('conn').textContent = 'live'; $('conn').className = 'ok'; };
  ws.onclose = () => { $('conn').textContent = 'disconnected'; $('conn').className = 'bad'; };
  ws.onmessage = (ev) => {
    const msg = JSON.parse(ev.data);
    if (msg.type === 'control-result') { $('result').textContent = (msg.ok ? 'done: ' : 'refused: ') + msg.action + ' ' + msg.tag + ': ' + msg.text; return; }
    state = msg; render();
  };
}
const CONTROLS = { running: ['pause', 'flatten', 'stop'], paused: ['resume', 'flatten', 'stop'], stopped: [] };
const HEAD = ['tag', 'strategy', 'state', 'P&amp;L', 'equity', 'fills', 'orders', 'rejected', 'positions', 'open orders', 'controls'];
/** tag -> its table row, kept across states. */
const rows = new Map();
/** cell -> the HTML it shows. */
const shown = new WeakMap();
function render() {
  const live = state.strategies.find((s) => s.venueTime);
  if (live) $('time').textContent = day(live.venueTime, state.zone);
  const a = state.account;
  $('equity').textContent = a.equity === undefined || a.equity === null ? '-' : money(a.equity);
  $('gross').textContent = money(a.grossExposure);
  $('external').textContent = String(a.externalOrders);
  $('account-halt').textContent = a.halted ? 'HALTED: ' + a.halted : '';
  // Rows and cells are built once and updated in place: a table rebuilt on every state (4 a
  // second) would replace a button between its mousedown and mouseup, and the click be lost.
  const table = $('strategies');
  if (!table.rows.length) table.innerHTML = '<tr>' + HEAD.map((h) => '<th>' + h + '</th>').join('') + '</tr>';
  for (const s of state.strategies) {
    let row = rows.get(s.tag);
    if (!row) {
      row = table.insertRow();
      row.dataset.tag = s.tag;
      for (let k = 0; k < HEAD.length; k++) row.insertCell();
      rows.set(s.tag, row);
    }
    const cells = [
      esc(s.tag), esc(s.strategy), '<span class="state">' + esc(s.state) + '</span>' + (s.halted ? ' HALTED: ' + esc(s.halted) : ''),
      '<span class="' + (s.pnl >= 0 ? 'up' : 'down') + '">' + (s.pnl >= 0 ? '+' : '') + money(s.pnl) + '</span>', money(s.equity),
      '<span class="fills">' + s.fills + '</span>', s.orders, s.rejected,
      esc(s.positions.map((p) => p.symbol + ' ' + p.quantity).join(', ') || 'flat'),
      esc(s.openOrderList.map((o) => o.action + ' ' + (o.totalQuantity - o.filledQuantity) + ' ' + o.symbol + ' ' + o.orderType).join(', ') || 'none'),
      CONTROLS[s.state].map((c) => '<button data-action="' + c + '" data-tag="' + esc(s.tag) + '">' + c + '</button>').join(''),
    ];
    // Only a cell whose content changed is rewritten (the buttons change only with the state).
    cells.forEach((html, k) => {
      const td = row.cells[k];
      if (shown.get(td) !== String(html)) { td.innerHTML = html; shown.set(td, String(html)); }
    });
  }
  $('risk').innerHTML = '<tr><th>limit</th><th>used</th><th></th></tr>' + a.risk.map((r) => '<tr><td>' + esc(r.limit) + '</td><td>' + money(r.used) + ' / ' + money(r.max) + '</td><td><span class="bar"><i style="width:' + Math.min(100, (100 * r.used) / r.max).toFixed(0) + '%"></i></span></td></tr>').join('');
}
$('strategies').onclick = (ev) => {
  const b = ev.target.closest('button'); if (!b) return;
  const { action, tag } = b.dataset;
  if ((action === 'flatten' || action === 'stop') && !confirm(action === 'flatten' ? 'Cancel ' + tag + "'s open orders and close its positions?" : 'Cancel ' + tag + "'s open orders and stop it (positions kept)?")) return;
  ws.send(JSON.stringify({ type: 'control', action, tag }));
  $('result').textContent = action + ' ' + tag + ' sent';
};
connect();
</script></body></html>`;
}
