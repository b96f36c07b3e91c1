// tpod console. Everything shown is built with DOM calls and text nodes:
// names, log lines and messages come from pods and providers and are never
// parsed as HTML (docs/console.md). No inline script: CSP forbids it.
"use strict";

const csrf = document.querySelector('meta[name="csrf-token"]').content;
const main = document.getElementById("main");
let deployments = [];     // the last live list
let current = null;       // the view shown: {kind, id, ...}
let logSource = null;     // the open log stream
const charts = [];        // uPlot instances of the page
const maxLogLines = 2000; // lines a log view keeps

// el builds an element; children are nodes or strings (as text).
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "on") for (const [ev, fn] of Object.entries(v)) e.addEventListener(ev, fn);
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

// safeLink links an endpoint only when it is http(s).
function safeLink(addr) {
  try {
    const u = new URL(addr);
    if (u.protocol === "http:" || u.protocol === "https:") return el("a", { href: u.href, target: "_blank", rel: "noopener noreferrer" }, addr);
  } catch (_) { /* not a URL: shown as text */ }
  return el("span", { class: "mono" }, addr);
}

function short(s) { return s && s.length > 14 ? s.slice(0, 8) + "…" + s.slice(-4) : (s || ""); }
function stateEl(s) { return el("span", { class: "state state-" + s }, s); }

async function api(method, path, body) {
  const opts = { method, headers: {} };
  if (body !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  if (method !== "GET") opts.headers["X-CSRF-Token"] = csrf;
  const r = await fetch(path, opts);
  const text = await r.text();
  let v;
  try { v = JSON.parse(text); } catch (_) { v = { error: text }; }
  if (!r.ok) throw new Error(v && v.error ? v.error : r.status + " " + r.statusText);
  return v;
}

function setMain(...nodes) {
  while (charts.length) charts.pop().destroy();
  main.replaceChildren(...nodes);
}

// ---- deployments list ----

function renderList() {
  const rows = deployments.map(d => el("tr", { "data-id": d.id },
    el("td", {}, el("a", { href: "#/d/" + encodeURIComponent(d.id), class: "mono" }, d.id)),
    el("td", {}, d.name),
    el("td", {}, stateEl(d.state)),
    el("td", {}, d.funds ? d.funds.balance : "-"),
    el("td", {}, d.funds ? d.funds.runway : "-"),
    el("td", { class: "mono", title: d.channel || "" }, short(d.channel)),
    el("td", {}, (d.endpoints || []).map(e => el("div", {}, safeLink(e.address)))),
  ));
  const table = deployments.length === 0 ? el("p", { class: "muted" }, "No deployments yet. ", el("a", { href: "#/deploy" }, "Deploy a pod.")) :
    el("table", { id: "deployments" },
      el("thead", {}, el("tr", {}, ["ID", "Name", "State", "Balance", "Runway", "Channel", "Endpoints"].map(h => el("th", {}, h)))),
      el("tbody", {}, rows));
  setMain(el("h1", {}, "Deployments"), table);
}

// ---- one deployment ----

function fundsFacts(f) {
  if (!f) return el("p", { class: "muted" }, "No channel.");
  return el("dl", { class: "facts", id: "funds" },
    el("dt", {}, "Channel"), el("dd", {}, f.status),
    el("dt", {}, "Balance"), el("dd", { id: "balance" }, f.balance),
    el("dt", {}, "Deposited"), el("dd", {}, f.deposited),
    el("dt", {}, "Spent"), el("dd", { id: "spent" }, f.spent),
    el("dt", {}, "Burn"), el("dd", {}, f.burn),
    el("dt", {}, "Runway"), el("dd", { id: "runway" }, f.runway),
    f.unlock ? [el("dt", {}, "Unlocking"), el("dd", {}, f.unlock)] : [],
    el("dt", {}, "Usage"), el("dd", {}, f.usage));
}

async function showDeployment(id) {
  current = { kind: "deployment", id };
  setMain(el("h1", {}, "Deployment ", el("span", { class: "mono" }, id)), el("p", { class: "muted" }, "Loading…"));
  let v;
  try {
    v = await api("GET", "/api/deployments/" + encodeURIComponent(id));
  } catch (e) {
    setMain(el("h1", {}, "Deployment ", el("span", { class: "mono" }, id)), el("p", { class: "error" }, e.message));
    return;
  }
  if (!current || current.id !== id) return;
  const amount = el("input", { type: "text", id: "amount", placeholder: "amount, e.g. 1000000 or 0.5TPT", size: 28 });
  current.tls = null;
  const status = el("div", { class: "card", id: "status-card" }, statusFacts(v));
  const funds = el("div", { class: "card", id: "funds-card" }, fundsFacts(v.funds));
  const actions = el("div", { class: "actions" }, amount,
    el("button", { id: "deposit", class: "primary", on: { click: () => confirmAction(id, "deposit", amount.value) } }, "Deposit…"),
    el("button", { id: "unlock", on: { click: () => confirmAction(id, "unlock", amount.value) } }, "Unlock…"),
    el("button", { id: "withdraw", on: { click: () => confirmAction(id, "withdraw") } }, "Withdraw…"),
    el("button", { id: "delete", class: "danger", on: { click: () => confirmAction(id, "delete") } }, "Delete…"),
    el("span", { id: "action-result", class: "muted" }));
  const chartsBox = el("div", { class: "charts", id: "charts" });
  const logs = el("pre", { class: "logs", id: "logs" });
  const events = el("div", { id: "events" }, el("p", { class: "muted" }, "Loading…"));
  setMain(el("h1", {}, "Deployment ", el("span", { class: "mono" }, id)), status,
    el("h2", {}, "Funds"), funds, actions,
    el("h2", {}, "Spend and usage"), el("p", { class: "muted", id: "receipts" }, "Reading claims…"), chartsBox,
    el("h2", {}, "Logs"), logs,
    el("h2", {}, "Events"), events);
  followLogs(id, logs);
  checkTLS(id);
  refreshCharts(id);
  refreshEvents(id);
}

// statusFacts lists a pod's state at its provider; the TLS check's result
// is kept across refreshes (it is checked once per visit).
function statusFacts(v) {
  const tls = current && current.tls;
  return el("dl", { class: "facts" },
    el("dt", {}, "Name"), el("dd", {}, v.name),
    el("dt", {}, "State"), el("dd", { id: "state" }, stateEl(v.state)),
    v.message ? [el("dt", {}, "Message"), el("dd", {}, v.message)] : [],
    v.unreachable ? [el("dt", {}, "Provider"), el("dd", { class: "error" }, "unreachable: " + v.unreachable)] : [],
    el("dt", {}, "Step"), el("dd", { id: "step" }, v.step),
    el("dt", {}, "Endpoints"), el("dd", { id: "endpoints" }, (v.endpoints || []).map(e => el("div", {}, e.name + " " + e.protocol + " ", safeLink(e.address)))),
    el("dt", {}, "Attested TLS"), el("dd", { id: "tls", class: tls ? tls.cls : "muted" }, tls ? tls.text : "checking…"),
    el("dt", {}, "Containers"), el("dd", {}, (v.containers || []).map(c => el("div", {}, `${c.name}: ${c.state} (restarts ${c.restarts})`))),
    (v.warnings || []).map(w => [el("dt", {}, "Warning"), el("dd", {}, w)]));
}

// checkTLS shows whether the HTTPS endpoint holds the attested key.
async function checkTLS(id) {
  let r;
  try { r = await api("GET", "/api/deployments/" + encodeURIComponent(id) + "/tls"); } catch (e) { r = { applicable: true, message: e.message }; }
  if (!current || current.id !== id) return;
  current.tls = { cls: r.passed ? "" : r.applicable ? "error" : "muted", text: (r.passed ? "passed: " : r.applicable ? "FAILED: " : "not applicable: ") + r.message };
  const dd = document.getElementById("tls");
  if (!dd) return;
  dd.className = current.tls.cls;
  dd.textContent = current.tls.text;
}

function followLogs(id, pre) {
  if (logSource) logSource.close();
  logSource = new EventSource("/api/deployments/" + encodeURIComponent(id) + "/logs");
  logSource.addEventListener("line", ev => {
    const l = JSON.parse(ev.data);
    const t = l.time ? new Date(l.time).toLocaleTimeString() + " " : "";
    const stick = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
    pre.append(document.createTextNode(t + l.container + " " + l.line + "\n"));
    while (pre.childNodes.length > maxLogLines) pre.firstChild.remove();
    if (stick) pre.scrollTop = pre.scrollHeight;
  });
  logSource.addEventListener("end", () => {
    pre.append(document.createTextNode("[end of the logs]\n"));
    logSource.close();
  });
  logSource.addEventListener("failure", ev => {
    pre.append(document.createTextNode("[logs: " + JSON.parse(ev.data).error + "]\n"));
    logSource.close();
  });
}

async function refreshEvents(id) {
  let evs;
  try { evs = await api("GET", "/api/deployments/" + encodeURIComponent(id) + "/events"); } catch (e) { evs = e; }
  const box = document.getElementById("events");
  if (!box || !current || current.id !== id) return;
  if (evs instanceof Error) { box.replaceChildren(el("p", { class: "error" }, evs.message)); return; }
  box.replaceChildren(el("table", {},
    el("thead", {}, el("tr", {}, ["Time", "Source", "Kind", "What"].map(h => el("th", {}, h)))),
    el("tbody", {}, evs.slice().reverse().slice(0, 100).map(e => el("tr", {},
      el("td", {}, new Date(e.time).toLocaleString()), el("td", {}, e.source), el("td", {}, e.kind), el("td", {}, e.message))))));
}

// tokenTicks labels token amounts that may be far below one token.
function tokenTicks(u, ticks) {
  return ticks.map(v => v === 0 ? "0" : Math.abs(v) < 1e-3 ? v.toExponential(2) : v.toLocaleString(undefined, { maximumSignificantDigits: 6 }));
}

// refreshCharts draws spend over time and each non-zero usage counter.
async function refreshCharts(id) {
  let s;
  try { s = await api("GET", "/api/deployments/" + encodeURIComponent(id) + "/spending"); } catch (e) { s = e; }
  const box = document.getElementById("charts");
  const note = document.getElementById("receipts");
  if (!box || !current || current.id !== id) return;
  if (s instanceof Error) { note.textContent = s.message; note.className = "error"; return; }
  const sym = s.token.symbol || "base units";
  note.textContent = `${s.time.length} claimed receipts on-chain`;
  note.className = "muted";
  if (typeof uPlot === "undefined" || s.time.length === 0) return;
  while (charts.length) charts.pop().destroy();
  box.replaceChildren();
  const width = Math.min(560, Math.max(320, (main.clientWidth - 40) / 2));
  const plot = (title, unit, ys, color, values) => {
    const holder = el("div", { class: "chart" }, el("h3", {}, title));
    box.append(holder);
    charts.push(new uPlot({
      width, height: 200,
      scales: { x: { time: true } },
      axes: [{}, values ? { label: unit, size: 80, values } : { label: unit, size: 80 }],
      series: [{}, { label: title, stroke: color, width: 2, points: { show: s.time.length < 60 } }],
      legend: { show: false },
    }, [s.time, ys], holder));
  };
  plot("Spent (" + sym + ")", sym, s.spent, "#0b5cad", tokenTicks);
  s.counters.forEach((c, i) => {
    if (s.usage[i].some(v => v > 0)) plot(c.label + " (" + c.unit + ")", c.unit, s.usage[i], "#6e40c9");
  });
}

// confirmAction estimates the fee, states amount and fee in a dialog, and
// acts only when confirmed.
async function confirmAction(id, action, amount) {
  const result = document.getElementById("action-result");
  result.className = "muted";
  result.textContent = "estimating…";
  let est;
  try {
    est = await api("POST", "/api/deployments/" + encodeURIComponent(id) + "/estimate", { action, amount: amount || "" });
  } catch (e) {
    result.className = "error";
    result.textContent = action + ": " + e.message;
    return;
  }
  result.textContent = "";
  const d = document.getElementById("confirm");
  document.getElementById("confirm-title").textContent = action[0].toUpperCase() + action.slice(1) + " — deployment " + id;
  document.getElementById("confirm-facts").replaceChildren(...[
    est.amount ? [el("dt", {}, "Amount"), el("dd", { id: "confirm-amount" }, est.amount)] : [],
    el("dt", {}, "Network fee"), el("dd", { id: "confirm-fee" }, est.fee),
    el("dt", {}, "At most"), el("dd", {}, est.maxFee)].flat());
  document.getElementById("confirm-note").textContent = est.note || "";
  const ok = document.getElementById("confirm-ok");
  const cancel = document.getElementById("confirm-cancel");
  const done = () => { ok.onclick = null; cancel.onclick = null; d.close(); };
  cancel.onclick = done;
  ok.onclick = async () => {
    done();
    result.className = "muted";
    result.textContent = action + ": sending…";
    try {
      await api("POST", "/api/deployments/" + encodeURIComponent(id) + "/" + action, { amount: amount || "" });
      result.textContent = action + ": done";
    } catch (e) {
      result.className = "error";
      result.textContent = action + ": " + e.message;
    }
    if (current && current.id === id) refreshDetail(id);
  };
  d.showModal();
}

// refreshDetail re-reads what changes on a deployment's page.
async function refreshDetail(id) {
  try {
    const v = await api("GET", "/api/deployments/" + encodeURIComponent(id));
    if (!current || current.id !== id) return;
    const sc = document.getElementById("status-card");
    if (sc) sc.replaceChildren(statusFacts(v));
    const fc = document.getElementById("funds-card");
    if (fc) fc.replaceChildren(fundsFacts(v.funds));
  } catch (_) { /* the next tick tries again */ }
  refreshCharts(id);
  refreshEvents(id);
}

// ---- providers ----

// offersTable ranks the registry's offers (cheapest for the manifest first);
// with verify (a function returning whether simulated evidence is
// accepted) each row can have its provider's attestation checked.
function offersTable(offers, verify) {
  if (offers.length === 0) return el("p", { class: "muted" }, "No providers in the registry.");
  const heads = ["#", "Provider", "TEE", "Region", "Your pod", "Prices", "Capacity", "Min dispute"];
  if (verify) heads.push("Attestation");
  return el("table", {},
    el("thead", {}, el("tr", {}, heads.map(h => el("th", {}, h)))),
    el("tbody", {}, offers.map((o, i) => el("tr", { "data-provider": o.provider },
      el("td", {}, String(i + 1)),
      el("td", { class: "mono" }, o.provider, o.active ? "" : " (inactive)"),
      el("td", {}, o.tee), el("td", {}, o.region),
      el("td", {}, o.hourly ? o.hourly + (o.fits ? "" : " (does not fit)") : "-"),
      el("td", {}, (o.prices || []).map(p => el("div", {}, p))),
      el("td", {}, o.capacity), el("td", {}, o.minDispute),
      verify ? el("td", { class: "attestation" }, el("button", { type: "button", class: "verify", on: { click: ev => verifyRow(ev.target.parentNode, o.provider, verify()) } }, "Verify")) : null))));
}

// verifyRow fetches and verifies a provider's evidence; the policy it
// passed says whether the release policy pins its measurement.
async function verifyRow(cell, provider, insecure) {
  cell.replaceChildren("verifying…");
  try {
    const a = await api("GET", "/api/attestation?provider=" + encodeURIComponent(provider) + (insecure ? "&insecure=1" : ""));
    cell.replaceChildren(el("strong", {}, "passed"), ` ${a.tee}, policy ${a.policy}` + (a.measurement ? `, measurement ${a.measurement.slice(0, 16)}…` : ""));
  } catch (e) {
    cell.className = "attestation error";
    cell.textContent = "failed: " + e.message;
  }
}

function showProviders() {
  current = { kind: "providers" };
  const input = el("input", { type: "text", id: "rank-manifest", size: 60, placeholder: "a manifest path, to rank by what it would cost" });
  const box = el("div", { id: "providers" }, el("p", { class: "muted" }, "Loading…"));
  const load = async () => {
    let offers;
    try {
      offers = await api("GET", "/api/providers?manifest=" + encodeURIComponent(input.value));
    } catch (e) {
      box.replaceChildren(el("p", { class: "error" }, e.message));
      return;
    }
    box.replaceChildren(offersTable(offers, () => insecure.checked));
  };
  const insecure = el("input", { type: "checkbox", id: "providers-insecure" });
  const form = el("form", { class: "actions", id: "rank-form" }, input, el("button", { type: "submit", id: "rank" }, "Rank"),
    el("label", {}, insecure, " verifying, accept simulated TEE evidence (INSECURE: development networks only)"));
  form.addEventListener("submit", ev => { ev.preventDefault(); load(); });
  setMain(el("h1", {}, "Providers"), form, box);
  load();
}

// ---- provider operator ----

async function showOperator() {
  current = { kind: "operator" };
  if (!document.getElementById("operator")) setMain(el("h1", {}, "Provider"), el("div", { id: "operator" }, el("p", { class: "muted" }, "Loading…")));
  let v;
  try { v = await api("GET", "/api/operator"); } catch (e) { v = e; }
  const box = document.getElementById("operator");
  if (!box || !current || current.kind !== "operator") return;
  if (v instanceof Error) { box.replaceChildren(el("p", { class: "error" }, v.message)); return; }
  while (charts.length) charts.pop().destroy();
  const st = v.status;
  const cap = st ? el("dl", { class: "facts" },
    el("dt", {}, "Account"), el("dd", { class: "mono" }, v.account),
    el("dt", {}, "Peer"), el("dd", { class: "mono" }, st.peerId),
    el("dt", {}, "CPU"), el("dd", { id: "cap-cpu" }, `${st.used.cpuMilli}m of ${st.capacity.cpuMilli}m used, ${st.free.cpuMilli}m free`),
    el("dt", {}, "Memory"), el("dd", {}, `${st.used.memoryMiB} of ${st.capacity.memoryMiB} MiB used, ${st.free.memoryMiB} MiB free`),
    el("dt", {}, "Storage"), el("dd", {}, `${st.used.storageMiB} of ${st.capacity.storageMiB} MiB used, ${st.free.storageMiB} MiB free`))
    : el("p", { class: v.statusError ? "error" : "muted" }, v.statusError || "No status endpoint: pods and capacity unknown (--url).");
  const pods = el("table", { id: "op-pods" },
    el("thead", {}, el("tr", {}, ["Deployment", "Channel", "State", "Reserved", "Earns", "Runway", "Publisher"].map(h => el("th", {}, h)))),
    el("tbody", {}, v.pods.map(p => el("tr", {},
      el("td", { class: "mono" }, p.deployment), el("td", { class: "mono", title: p.channel }, short(p.channel)), el("td", {}, stateEl(p.state)),
      el("td", {}, `${p.reserved.cpuMilli}m, ${p.reserved.memoryMiB} MiB`), el("td", {}, p.earns || "-"), el("td", {}, p.runway),
      el("td", { class: "mono" }, short(p.publisher))))));
  const earnings = el("table", { id: "op-earnings" },
    el("thead", {}, el("tr", {}, ["Token", "Owed (collect)", "Collected", "Held by publishers", "Channels"].map(h => el("th", {}, h)))),
    el("tbody", {}, v.earnings.map(e => el("tr", {},
      el("td", {}, e.token.symbol || e.token.address), el("td", {}, e.owed), el("td", {}, e.collected), el("td", {}, e.held), el("td", {}, String(e.channels))))));
  const chartBox = el("div", { class: "charts", id: "op-charts" });
  const claims = el("table", { id: "op-claims" },
    el("thead", {}, el("tr", {}, ["Time", "Transaction", "Receipts", "Skipped", "Gas used", "Fee"].map(h => el("th", {}, h)))),
    el("tbody", {}, v.claims.map(c => el("tr", {},
      el("td", {}, c.time ? new Date(c.time * 1000).toLocaleString() : "-"), el("td", { class: "mono", title: c.tx }, short(c.tx)),
      el("td", {}, String(c.receipts)), el("td", {}, String(c.skipped)), el("td", {}, String(c.gasUsed)), el("td", {}, c.fee)))));
  const alerts = el("ul", { id: "op-alerts" }, v.alerts.length ? v.alerts.map(a => el("li", { class: "error" }, a)) : el("li", { class: "muted" }, "none"));
  box.replaceChildren(el("div", { class: "card" }, cap), el("h2", {}, "Alerts"), alerts, el("h2", {}, "Pods"), pods,
    el("h2", {}, "Earnings"), earnings, chartBox, el("h2", {}, "Claims sent"), claims);
  if (typeof uPlot === "undefined") return;
  for (const e of v.earnings) {
    if (e.time.length === 0) continue;
    const sym = e.token.symbol || "base units";
    const holder = el("div", { class: "chart" }, el("h3", {}, "Earned (" + sym + ")"));
    chartBox.append(holder);
    charts.push(new uPlot({
      width: 560, height: 200, scales: { x: { time: true } }, legend: { show: false },
      axes: [{}, { label: sym, size: 80, values: tokenTicks }],
      series: [{}, { label: "earned", stroke: "#067647", width: 2, points: { show: e.time.length < 60 } }],
    }, [e.time, e.earned], holder));
  }
}

// ---- deploy form ----

function showDeploy() {
  current = { kind: "deploy" };
  const f = el("form", { class: "deploy card", id: "deploy-form" },
    el("label", { for: "manifest" }, "Manifest file (a path on this machine: tpod, Kubernetes or Compose)"),
    el("input", { type: "text", id: "manifest", required: true }),
    el("label", { for: "images" }, "Images, one REF=PATH per line (docker archive or OCI layout)"),
    el("textarea", { id: "images" }),
    el("label", { for: "funds-in" }, "Initial deposit (empty: one hour of the estimate)"),
    el("input", { type: "text", id: "funds-in" }),
    el("label", { for: "provider" }, "Provider (address, or auto: the cheapest that fits)"),
    el("input", { type: "text", id: "provider", value: "auto" }),
    el("label", {}, el("input", { type: "checkbox", id: "insecure" }), " accept simulated TEE evidence (INSECURE: development networks only)"),
    el("p", { class: "actions" },
      el("button", { type: "button", id: "check", on: { click: () => preflight() } }, "Check providers and attestation"),
      el("button", { type: "submit", class: "primary", id: "deploy-submit" }, "Deploy")));
  const checked = el("div", { id: "preflight" });
  const progress = el("ol", { class: "progress", id: "progress" });
  const outcome = el("p", { id: "deploy-outcome" });
  f.addEventListener("submit", async ev => {
    ev.preventDefault();
    progress.replaceChildren();
    outcome.className = "muted";
    outcome.textContent = "starting…";
    try {
      await api("POST", "/api/deploy", {
        manifest: document.getElementById("manifest").value,
        images: document.getElementById("images").value,
        funds: document.getElementById("funds-in").value,
        provider: document.getElementById("provider").value,
        insecureSimulated: document.getElementById("insecure").checked,
      });
      // The outcome may have arrived first (a deploy failing at once).
      if (outcome.textContent === "starting…") outcome.textContent = "deploying…";
    } catch (e) {
      outcome.className = "error";
      outcome.textContent = e.message;
    }
  });
  // preflight shows what a deploy would pick and its fresh attestation,
  // before any money moves.
  const preflight = async () => {
    checked.replaceChildren(el("p", { class: "muted" }, "Checking…"));
    const manifest = document.getElementById("manifest").value;
    const insecure = document.getElementById("insecure").checked;
    let offers;
    try {
      offers = await api("GET", "/api/providers?manifest=" + encodeURIComponent(manifest));
    } catch (e) {
      checked.replaceChildren(el("p", { class: "error" }, e.message));
      return;
    }
    let chosen = document.getElementById("provider").value.trim();
    if (!/^0x[0-9a-fA-F]{40}$/.test(chosen)) {
      const o = offers.find(o => o.active && o.fits);
      chosen = o ? o.provider : "";
    }
    const att = el("p", { id: "attestation" }, chosen ? "Verifying the attestation of " + chosen + "…" : "No provider fits.");
    checked.replaceChildren(el("h2", {}, "Providers for this pod"), offersTable(offers), el("h2", {}, "Attestation"), att);
    if (!chosen) return;
    try {
      const a = await api("GET", "/api/attestation?provider=" + encodeURIComponent(chosen) + (insecure ? "&insecure=1" : ""));
      att.className = "";
      att.replaceChildren(el("strong", {}, "passed"), ` — provider ${a.provider}, TEE ${a.tee}, policy ${a.policy}` +
        (a.measurement ? `, measurement ${a.measurement}` : "") + (a.configSha256 ? `, configuration sha256 ${a.configSha256}` : ""));
    } catch (e) {
      att.className = "error";
      att.textContent = "failed — " + chosen + ": " + e.message;
    }
  };
  setMain(el("h1", {}, "Deploy a pod"), f, checked, el("h2", {}, "Progress"), progress, outcome);
}

// onProgress shows a deploy step: started (→), still waiting, done (✓),
// one line per step.
function onProgress(p) {
  const list = document.getElementById("progress");
  if (!list) return;
  const key = p.deployment + "/" + p.step;
  let li = Array.from(list.children).find(x => x.dataset.key === key && !x.classList.contains("done"));
  if (!li) {
    li = el("li", {});
    li.dataset.key = key;
    list.append(li);
  }
  li.className = p.done ? "done" : "";
  li.textContent = (p.done ? "✓ " : "→ ") + p.message;
}

function onDeployOutcome(ok, v) {
  const out = document.getElementById("deploy-outcome");
  if (!out) return;
  if (ok) {
    out.className = "";
    out.replaceChildren("Deployed: ", el("a", { href: "#/d/" + encodeURIComponent(v.id), id: "deployed-link" }, v.id));
  } else {
    out.className = "error";
    out.textContent = "Deploy failed" + (v.id ? " (" + v.id + ", resumable)" : "") + ": " + v.error;
  }
}

// ---- live updates and routing ----

function connectLive() {
  const live = document.getElementById("live");
  const src = new EventSource("/api/live");
  src.onopen = () => { live.className = "live on"; live.textContent = "live"; };
  src.onerror = () => { live.className = "live off"; live.textContent = "reconnecting…"; };
  src.addEventListener("deployments", ev => {
    deployments = JSON.parse(ev.data);
    if (current && current.kind === "list") renderList();
    if (current && current.kind === "deployment") refreshDetail(current.id);
    if (current && current.kind === "operator") showOperator();
  });
  src.addEventListener("progress", ev => onProgress(JSON.parse(ev.data)));
  src.addEventListener("deployed", ev => onDeployOutcome(true, JSON.parse(ev.data)));
  src.addEventListener("deploy-failed", ev => onDeployOutcome(false, JSON.parse(ev.data)));
}

function route() {
  if (logSource) { logSource.close(); logSource = null; }
  const h = location.hash || "#/";
  if (h.startsWith("#/d/")) return showDeployment(decodeURIComponent(h.slice(4)));
  if (h === "#/deploy") return showDeploy();
  if (h === "#/providers") return showProviders();
  if (h === "#/operator") return showOperator();
  current = { kind: "list" };
  renderList();
}

window.addEventListener("hashchange", route);
connectLive();
route();
