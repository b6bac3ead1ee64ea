// The storefront: plain JavaScript over the shop's HTTP API (docs/reference-shop.md).
const $ = (id) => document.getElementById(id);
// crypto.randomUUID needs a secure context (https or localhost); getRandomValues works everywhere.
const newKey = () => crypto.randomUUID?.() ?? Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
const customer = $("customer");
customer.value = localStorage.getItem("customer") || "customer-" + newKey().slice(0, 8);
customer.addEventListener("change", () => { localStorage.setItem("customer", customer.value); refreshNotifications(); });
localStorage.setItem("customer", customer.value);
$("email").value = localStorage.getItem("email") || customer.value + "@example.com";

const euros = (cents) => (cents / 100).toFixed(2) + " EUR";
const cell = (text) => { const td = document.createElement("td"); td.textContent = text ?? ""; return td; };

async function refreshProducts() {
  const items = [];
  for (let cursor = null, page = 0; page < 10; page++) {
    const response = await fetch("/products?limit=100" + (cursor ? "&cursor=" + encodeURIComponent(cursor) : ""));
    if (!response.ok) return;
    const body = await response.json();
    items.push(...body.items);
    if (!(cursor = body.nextCursor)) break;
  }
  const rows = $("products").tBodies[0];
  rows.replaceChildren(...items.map((product) => {
    const row = document.createElement("tr");
    row.dataset.sku = product.sku;
    const buy = document.createElement("button");
    buy.textContent = "Buy";
    buy.type = "button";
    buy.addEventListener("click", () => { $("sku").value = product.sku; $("quantity").focus(); });
    const action = document.createElement("td");
    action.append(buy);
    const available = cell(product.available);
    available.className = "available";
    row.append(cell(product.sku), cell(product.name), cell(euros(product.priceCents)), available, action);
    return row;
  }));
  const select = $("sku");
  if (select.options.length !== items.length) {
    const chosen = select.value;
    select.replaceChildren(...items.map((product) => new Option(`${product.name} (${product.sku})`, product.sku)));
    if (chosen) select.value = chosen;
  }
}

async function showOrder(orderId) {
  const response = await fetch("/orders/" + encodeURIComponent(orderId), { headers: { "X-Customer-Id": customer.value } });
  if (!response.ok) return null;
  const order = await response.json();
  $("order-status").textContent = order.status;
  $("order-status").className = order.status === "confirmed" ? "ok" : order.status === "failed" ? "error" : "";
  $("order-error").textContent = order.failureCode ?? "";
  $("saga-steps").replaceChildren(...order.saga.steps.map((step) => {
    const item = document.createElement("li");
    item.textContent = `${step.name}: ${step.status}` + (step.attempts > 1 ? ` (${step.attempts} attempts)` : "") + (step.error ? ` – ${step.error}` : "");
    return item;
  }));
  return order.status;
}

$("buy").addEventListener("submit", async (event) => {
  event.preventDefault();
  localStorage.setItem("email", $("email").value);
  $("order").hidden = false;
  $("order-id").textContent = "";
  $("order-status").textContent = "placing…";
  $("order-status").className = "";
  $("order-error").textContent = "";
  $("saga-steps").replaceChildren();
  // One key per attempt: a retry of this very attempt (the browser resending it) is answered from the first.
  const response = await fetch("/orders", {
    method: "POST",
    headers: { "Content-Type": "application/json", "Idempotency-Key": newKey(), "X-Customer-Id": customer.value },
    body: JSON.stringify({ items: [{ sku: $("sku").value, quantity: Number($("quantity").value) }], paymentToken: $("token").value, email: $("email").value }),
  });
  const body = await response.json().catch(() => ({}));
  if (body.orderId) $("order-id").textContent = body.orderId;
  if (!response.ok) {
    $("order-status").textContent = "failed";
    $("order-status").className = "error";
    $("order-error").textContent = `${body.code ?? response.status}: ${body.detail ?? body.title ?? ""}`;
  }
  if (body.orderId) {
    for (let poll = 0; poll < 120 && (await showOrder(body.orderId)) === "pending"; poll++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  refreshProducts();
  refreshNotifications();
});

async function refreshNotifications() {
  const response = await fetch("/customers/" + encodeURIComponent(customer.value) + "/notifications", { headers: { "X-Customer-Id": customer.value } });
  if (!response.ok) return;
  const notifications = await response.json();
  $("notifications").tBodies[0].replaceChildren(...notifications.map((n) => {
    const row = document.createElement("tr");
    row.append(cell(n.channel), cell(n.template), cell(n.status), cell(n.provider), cell(n.sentAt ? new Date(n.sentAt).toLocaleTimeString() : ""));
    return row;
  }));
}

refreshProducts();
refreshNotifications();
setInterval(refreshProducts, 2000);
setInterval(refreshNotifications, 2000);
