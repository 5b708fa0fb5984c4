// The crawlkit console: plain JavaScript over the mock's admin API, served
// from the mock itself. Every call goes to the page's own origin.
"use strict";

const admin = "/__crawlkit/";
const tokenKey = "crawlkit-admin-token";
const $ = (sel) => document.querySelector(sel);

// printable writes the characters a client or server may send to act on
// whoever reads them (controls, line separators, bidi overrides) as
// \u001b escapes; a <pre> keeps its line breaks and tabs.
const unprintable = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const layout = /[\u0000-\u0008\u000b-\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
function printable(s, keepLayout) {
  return String(s).replace(keepLayout ? layout : unprintable, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
}

// el builds an element: el("td", {class: "x"}, "text", child...). Text is
// always a text node, never HTML, and printable.
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (v !== false && v !== undefined && v !== null) node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(printable(c, tag === "pre")));
  return node;
}

function statusClass(status) {
  return "status s" + String(status || 0)[0];
}

// --- The admin token: asked for once, when the mock refuses a call. ---

function headers(extra) {
  const h = Object.assign({}, extra);
  const token = sessionStorage.getItem(tokenKey);
  if (token) h["X-Crawlkit-Admin-Token"] = token;
  return h;
}

async function api(path, options) {
  const opts = Object.assign({}, options);
  opts.headers = headers(opts.headers);
  const res = await fetch(admin + path, opts);
  if (res.status === 403) {
    $("#token-form").hidden = false;
    $("#token-state").textContent = "This mock needs its admin token.";
    throw new Error("the admin token is needed");
  }
  return res;
}

async function apiJSON(path, options) {
  const res = await api(path, options);
  const body = res.status === 204 ? null : await res.json();
  return { res, body };
}

$("#token-form").addEventListener("submit", (e) => {
  e.preventDefault();
  sessionStorage.setItem(tokenKey, $("#token").value);
  $("#token-state").textContent = "Token set.";
  loadAll();
});

// --- Tabs, usable with the keyboard: arrows move, Enter or click opens. ---

const tabs = Array.from(document.querySelectorAll('[role="tab"]'));
function openTab(tab) {
  for (const t of tabs) {
    const on = t === tab;
    t.setAttribute("aria-selected", String(on));
    t.tabIndex = on ? 0 : -1;
    document.getElementById(t.getAttribute("aria-controls")).hidden = !on;
  }
  if (tab.id === "tab-scenarios") loadScenarios();
  if (tab.id === "tab-progressions") loadProgressions();
}
tabs.forEach((tab, i) => {
  tab.addEventListener("click", () => openTab(tab));
  tab.addEventListener("keydown", (e) => {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[e.key];
    if (!step) return;
    const next = tabs[(i + step + tabs.length) % tabs.length];
    next.focus();
    openTab(next);
  });
});

// --- Catalog: every entry with a Try button. ---

async function loadCatalog() {
  const { body } = await apiJSON("catalog");
  $("#catalog-now").textContent = "Generated crawls are timed relative to " + body.now +
    " (crawlkit gen --now " + body.now + " prints them).";
  const rows = body.entries.map((entry) => el("tr", {},
    el("td", { class: "mono" }, entry.ids),
    el("td", {}, el("strong", {}, entry.name), entry.off_contract ? el("span", { class: "badge off", title: "Answered off the contract on purpose: not validated" }, "off-contract") : "",
      el("br"), el("span", { class: "hint" }, entry.source)),
    el("td", {}, entry.description || ""),
    el("td", {}, el("button", { type: "button", "aria-label": "Try " + entry.name, "data-entry": entry.name, onclick: () => tryEntry(entry) }, "Try"))));
  $("#catalog-table tbody").replaceChildren(...rows);
}

// shellQuote quotes a word for a POSIX shell.
function shellQuote(s) {
  return "'" + s.replace(/'/g, "'\\''") + "'";
}

// renderJSON shows a body, its screenshots folded away.
function renderJSON(text) {
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    return [el("pre", {}, text)];
  }
  const shots = value && value.data && Array.isArray(value.data.screenshots) ? value.data.screenshots : null;
  if (!shots) return [el("pre", {}, JSON.stringify(value, null, 2))];
  const rest = structuredClone(value);
  rest.data.screenshots = "(" + shots.length + " below)";
  return [
    el("pre", {}, JSON.stringify(rest, null, 2)),
    el("details", {}, el("summary", {}, "screenshots (" + shots.length + ")"), el("pre", {}, JSON.stringify(shots, null, 2))),
  ];
}

async function tryEntry(entry) {
  const out = $("#try-result");
  out.replaceChildren(el("p", { class: "hint" }, "Asking " + entry.try + " ..."));
  const started = performance.now();
  let res, text;
  try {
    res = await fetch(entry.try);
    text = await res.text();
  } catch (err) {
    out.replaceChildren(el("h2", {}, entry.name), el("p", { class: "error" }, "No answer: " + err.message + " (a fault, as this entry plays?)"));
    return;
  }
  const ms = Math.round(performance.now() - started);
  const url = new URL(entry.try, location.href).href;
  const curl = "curl -i " + shellQuote(url);
  let code = "";
  try { code = JSON.parse(text).code || ""; } catch { /* not JSON: a fault */ }
  const copy = el("button", { type: "button", onclick: async () => {
    try { await navigator.clipboard.writeText(curl); copy.textContent = "Copied"; } catch { copy.textContent = "Select and copy"; }
  } }, "Copy curl");
  out.replaceChildren(
    el("h2", {}, entry.name),
    el("dl", { class: "meta" },
      el("dt", {}, "Status"), el("dd", { id: "try-status", class: statusClass(res.status) }, String(res.status) + (code ? " " + code : "")),
      el("dt", {}, "Answered by"), el("dd", {}, res.headers.get("X-Crawlkit-Answered-By") || "-"),
      el("dt", {}, "Request id"), el("dd", { class: "mono" }, res.headers.get("X-Request-Id") || "-"),
      el("dt", {}, "Time"), el("dd", {}, ms + " ms"),
      res.headers.get("X-Crawlkit-Off-Contract") ? el("dt", {}, "Off contract") : "",
      res.headers.get("X-Crawlkit-Off-Contract") ? el("dd", {}, "yes: not validated") : "",
      res.headers.get("X-Crawlkit-Violations") ? el("dt", { class: "violations" }, "Violations") : "",
      res.headers.get("X-Crawlkit-Violations") ? el("dd", { class: "violations" }, res.headers.get("X-Crawlkit-Violations")) : ""),
    el("div", { class: "row" }, el("code", { class: "mono" }, curl), copy),
    ...renderJSON(text));
}

// --- Journal: the latest requests, then each new one as it is answered. ---

let journalCount = 0;
function entryMatches(entry) {
  const id = $("#filter-id").value.trim();
  const status = $("#filter-status").value.trim();
  return (!id || String(entry.crawl_id || "") === id) && (!status || String(entry.status) === status);
}

function journalRow(entry) {
  const violations = entry.violations || [];
  const row = el("li", { class: violations.length ? "violates" : "", "data-crawl-id": entry.crawl_id || "", "data-status": entry.status },
    el("details", {},
      el("summary", {},
        el("span", { class: "mono" }, new Date(entry.time).toLocaleTimeString()),
        el("span", {}, entry.method),
        el("span", { class: statusClass(entry.status) }, entry.status),
        el("span", { class: "mono" }, entry.url),
        el("span", {}, entry.answered_by || "", entry.off_contract ? " (off-contract)" : "", entry.fault ? " fault " + entry.fault : ""),
        el("span", {}, entry.duration_ms + " ms")),
      violations.length ? el("p", { class: "violations" }, "Breaks the contract: " + violations.join("; ")) : "",
      el("pre", {}, JSON.stringify(entry, null, 2))));
  row.hidden = !entryMatches(entry);
  row.entry = entry;
  return row;
}

function addJournal(entry, atTop) {
  const list = $("#journal-list");
  const row = journalRow(entry);
  if (atTop) list.prepend(row); else list.append(row);
  while (list.children.length > 500) list.lastElementChild.remove();
  $("#journal-count").textContent = String(++journalCount);
}

function refilter() {
  for (const row of $("#journal-list").children) row.hidden = !entryMatches(row.entry);
}
$("#filter-id").addEventListener("input", refilter);
$("#filter-status").addEventListener("input", refilter);
$("#journal-filter").addEventListener("submit", (e) => e.preventDefault());
$("#journal-clear").addEventListener("click", async () => {
  await api("requests", { method: "DELETE" });
  $("#journal-list").replaceChildren();
  journalCount = 0;
  $("#journal-count").textContent = "0";
});

async function loadJournal() {
  const { body } = await apiJSON("requests?limit=100");
  $("#journal-list").replaceChildren();
  journalCount = 0;
  for (const entry of body.requests) addJournal(entry, false);
}

// stream reads the server-sent events with fetch, which, unlike
// EventSource, can send the admin token.
async function stream() {
  const state = $("#stream-state");
  for (;;) {
    try {
      const res = await api("requests/stream", { headers: { Accept: "text/event-stream" } });
      if (!res.ok) throw new Error("status " + res.status);
      state.textContent = "Live.";
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buf = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += value;
        let cut;
        while ((cut = buf.indexOf("\n\n")) >= 0) {
          const event = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          const data = event.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
          if (!data || event.startsWith("event: dropped")) continue;
          onRequest(JSON.parse(data));
        }
      }
      state.textContent = "Stream ended; reconnecting...";
    } catch (err) {
      state.textContent = "Not live (" + err.message + "); retrying...";
    }
    await new Promise((r) => setTimeout(r, 1000));
    await loadJournal().catch(() => {});
  }
}

let progressionsTimer = 0;
function onRequest(entry) {
  addJournal(entry, true);
  if (!$("#progressions").hidden) {
    clearTimeout(progressionsTimer);
    progressionsTimer = setTimeout(loadProgressions, 200);
  }
}

// --- Scenarios: the rules in order, rules added here, the last reload. ---

function summary(obj) {
  return Object.entries(obj || {}).map(([k, v]) => k + ": " + (typeof v === "object" ? JSON.stringify(v) : v)).join(", ") || "anything";
}

async function loadScenarios() {
  const { body } = await apiJSON("scenarios");
  const reload = $("#reload-error");
  reload.hidden = !body.reload_error;
  if (body.reload_error) {
    reload.textContent = printable("The last reload failed (" + body.reload_error.at + "); the rules below are the last good ones: " + body.reload_error.message);
  }
  const rows = body.scenarios.map((rule, i) => el("tr", { "data-name": rule.name },
    el("td", {}, i + 1),
    el("td", {}, el("strong", {}, rule.name), rule.respond.off_contract ? el("span", { class: "badge off" }, "off-contract") : "",
      rule.description ? el("div", { class: "hint" }, rule.description) : ""),
    el("td", { class: "mono" }, summary(rule.match)),
    el("td", { class: "mono" }, summary(rule.respond)),
    el("td", { class: "hint" }, rule.source + (rule.line ? ":" + rule.line : "")),
    el("td", {}, rule.source === "admin API"
      ? el("button", { type: "button", "aria-label": "Remove " + rule.name, onclick: () => removeRule(rule.name) }, "Remove") : "")));
  $("#scenarios-table tbody").replaceChildren(...rows);
}

async function removeRule(name) {
  await api("scenarios?name=" + encodeURIComponent(name), { method: "DELETE" });
  await Promise.all([loadScenarios(), loadCatalog()]);
}

$("#remove-runtime").addEventListener("click", async () => {
  await api("scenarios", { method: "DELETE" });
  await Promise.all([loadScenarios(), loadCatalog()]);
});

$("#add-scenario").addEventListener("submit", async (e) => {
  e.preventDefault();
  const errors = $("#scenario-errors");
  errors.replaceChildren();
  const { res, body } = await apiJSON("scenarios", {
    method: "POST", headers: { "Content-Type": "application/yaml" }, body: $("#scenario-yaml").value,
  });
  if (!res.ok) {
    const fields = body.fields || {};
    const items = Object.keys(fields).sort((a, b) => parseInt(a.slice(5), 10) - parseInt(b.slice(5), 10))
      .flatMap((where) => fields[where].map((msg) => el("li", {}, where + ": " + msg)));
    errors.replaceChildren(...(items.length ? items : [el("li", {}, body.error)]));
    return;
  }
  errors.replaceChildren(el("li", { class: "hint" }, "Added " + body.scenarios.map((r) => r.name).join(", ") + "."));
  await Promise.all([loadScenarios(), loadCatalog()]);
});

// --- Progressions: each crawl's step, reset one or all. ---

async function loadProgressions() {
  const { body } = await apiJSON("progressions");
  const rows = body.progressions.map((p) => el("tr", { "data-rule": p.rule, "data-id": p.id },
    el("td", {}, p.rule),
    el("td", { class: "mono" }, p.id),
    el("td", {}, p.polls),
    el("td", { class: "steps" }, ...(p.steps || []).flatMap((s, i) => [
      el("span", { class: i === Math.min(Math.max(p.polls - 1, 0), p.steps.length - 1) ? "now" : "" }, s), " "])),
    el("td", {}, el("button", { type: "button", "aria-label": "Reset " + p.rule + " " + p.id,
      onclick: async () => { await api("progressions?rule=" + encodeURIComponent(p.rule) + "&id=" + p.id, { method: "DELETE" }); loadProgressions(); } }, "Reset"))));
  $("#progressions-table tbody").replaceChildren(...rows);
  $("#progressions-empty").hidden = rows.length > 0;
}
$("#progressions-refresh").addEventListener("click", loadProgressions);
$("#progressions-reset").addEventListener("click", async () => {
  await api("progressions", { method: "DELETE" });
  loadProgressions();
});

async function loadAll() {
  try {
    await Promise.all([loadCatalog(), loadJournal()]);
    $("#token-form").hidden = !sessionStorage.getItem(tokenKey);
  } catch (err) {
    return; // the token form says what is needed
  }
}

loadAll().then(stream);
