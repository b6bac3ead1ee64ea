// The admin dashboard: /admin/stats every second, with the X-Admin-Key the operator types (kept for this tab only).
const $ = (id) => document.getElementById(id);
const samples = [];
let key = sessionStorage.getItem("adminKey");
let timer = null;

$("key-form").addEventListener("submit", (event) => {
  event.preventDefault();
  key = $("admin-key").value;
  start();
});

function start() {
  clearInterval(timer);
  samples.length = 0;
  refresh().then((ok) => { if (ok) timer = setInterval(refresh, 1000); });
}

async function refresh() {
  const response = await fetch("/admin/stats", { headers: { "X-Admin-Key": key ?? "" } });
  if (response.status === 401) {
    clearInterval(timer);
    sessionStorage.removeItem("adminKey");
    $("key-error").hidden = false;
    for (const id of ["counters-section", "charts-section", "faults-section"]) $(id).hidden = true;
    $("login").hidden = false;
    return false;
  }
  if (!response.ok) return true;
  sessionStorage.setItem("adminKey", key);
  $("key-error").hidden = true;
  $("login").hidden = true;
  for (const id of ["counters-section", "charts-section", "faults-section"]) $(id).hidden = false;
  show(await response.json());
  return true;
}

function show(stats) {
  const lookups = stats.cache.hits + stats.cache.misses + stats.cache.stale;
  const hitRatio = lookups ? (stats.cache.hits + stats.cache.stale) / lookups : null;
  $("orders-confirmed").textContent = stats.orders.confirmed;
  $("orders-pending").textContent = stats.orders.pending;
  $("orders-failed").textContent = stats.orders.failed;
  $("reserved-units").textContent = stats.reservedUnits;
  $("cache-hit-ratio").textContent = hitRatio === null ? "–" : (hitRatio * 100).toFixed(1) + " %";
  $("cache-factory-calls").textContent = stats.cache.factoryCalls;
  $("outbox-pending").textContent = stats.outbox.pending;
  $("outbox-oldest").textContent = stats.outbox.oldestPendingAgeSeconds.toFixed(1);
  $("notifications-sent").textContent = stats.notifications.sent;
  $("rate-limit-rejections").textContent = stats.rateLimitRejections;
  $("updated").textContent = new Date().toLocaleTimeString();

  const previous = samples[samples.length - 1];
  samples.push({
    confirmed: stats.orders.confirmed,
    failed: stats.orders.failed,
    rejections: stats.rateLimitRejections,
    confirmedPerSecond: previous ? stats.orders.confirmed - previous.confirmed : 0,
    failedPerSecond: previous ? stats.orders.failed - previous.failed : 0,
    rejectionsPerSecond: previous ? stats.rateLimitRejections - previous.rejections : 0,
    hitRatio: hitRatio ?? 0,
    outboxPending: stats.outbox.pending,
    outboxOldest: stats.outbox.oldestPendingAgeSeconds,
  });
  if (samples.length > 60) samples.shift();
  draw("chart-orders", [["confirmedPerSecond", "#2e7d32"], ["failedPerSecond", "#c62828"]]);
  draw("chart-cache", [["hitRatio", "#2f6fed"]], 1);
  draw("chart-outbox", [["outboxPending", "#8e24aa"], ["outboxOldest", "#ef6c00"]]);
  draw("chart-rejections", [["rejectionsPerSecond", "#c62828"]]);
}

// A small line chart of the last 60 samples, one line per series, scaled to the largest value shown.
function draw(id, series, fixedMax) {
  const canvas = $(id);
  const context = canvas.getContext("2d");
  canvas.width = canvas.clientWidth * devicePixelRatio;
  canvas.height = canvas.clientHeight * devicePixelRatio;
  context.clearRect(0, 0, canvas.width, canvas.height);
  const max = fixedMax ?? Math.max(1, ...samples.flatMap((sample) => series.map(([name]) => sample[name])));
  const step = canvas.width / 59;
  for (const [name, color] of series) {
    context.strokeStyle = color;
    context.lineWidth = 2 * devicePixelRatio;
    context.beginPath();
    samples.forEach((sample, i) => {
      const x = i * step;
      const y = canvas.height - (sample[name] / max) * (canvas.height - 8) - 4;
      if (i === 0) context.moveTo(x, y); else context.lineTo(x, y);
    });
    context.stroke();
  }
  context.fillStyle = "#5f6b7a";
  context.font = `${11 * devicePixelRatio}px system-ui`;
  context.fillText(String(Math.round(max * 100) / 100), 4, 12 * devicePixelRatio);
}

async function inject(faults) {
  const response = await fetch("/admin/faults", {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Admin-Key": key ?? "" },
    body: JSON.stringify(faults),
  });
  $("fault-result").textContent = response.ok ? `Applied to ${faults.target}.` : `Refused (${response.status}).`;
}

$("faults").addEventListener("submit", (event) => {
  event.preventDefault();
  inject({ target: $("fault-target").value, failureRate: Number($("fault-rate").value), latencyMs: Number($("fault-latency").value), outage: $("fault-outage").checked });
});
$("fault-clear").addEventListener("click", () => inject({ target: $("fault-target").value, failureRate: 0, latencyMs: 0, outage: false }));

if (key) start();
