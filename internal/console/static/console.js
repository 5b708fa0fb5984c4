// The crawlkit console: plain JavaScript over the mock's admin API, served
// from the mock itself. Every call goes to the page's own origin; every
// call that changes something says its body's type (JSON, or YAML for
// rules); text from the server is set as text, never as HTML.
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
  for (const c of children) {
    if (c === "" || c === null || c === undefined) continue;
    node.append(c instanceof Node ? c : document.createTextNode(printable(c, tag === "pre")));
  }
  return node;
}

function statusClass(status) {
  return "status s" + String(status || 0)[0];
}

// formatMS says a duration as a person reads it: "225 ms", "3.0 s", "5 min".
function formatMS(ms) {
  if (!(ms >= 0)) return "-";
  if (ms < 1) return "< 1 ms";
  if (ms < 1000) return Math.round(ms) + " ms";
  if (ms < 60000) return (ms / 1000).toFixed(1) + " s";
  const min = Math.floor(ms / 60000);
  const s = Math.round((ms % 60000) / 1000);
  return s ? min + " min " + s + " s" : min + " min";
}

// announce tells screen readers what an action did, in one status region.
function announce(text) {
  const region = $("#announce");
  region.textContent = "";
  requestAnimationFrame(() => { region.textContent = text; });
}

// keepFocus re-renders part of the page and gives the focus back to the
// control with the same data-focus-key, or to fallback() when it is gone.
function keepFocus(render, fallback) {
  const key = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.focusKey : "";
  render();
  if (!key) return;
  const again = document.querySelector('[data-focus-key="' + CSS.escape(key) + '"]');
  if (again && !again.disabled) again.focus();
  else if (fallback) fallback();
}

// --- The admin API, and its token: asked for when the mock wants one. ---

// AdminRefused is thrown when the admin API refuses the page: the token
// form, or the page's error line, says why.
class AdminRefused extends Error {}

let tokenWaiters = [];
function waitForToken() {
  return new Promise((resolve) => tokenWaiters.push(resolve));
}

function askForToken(code, message) {
  const form = $("#token-form");
  const state = $("#token-state");
  const wasHidden = form.hidden;
  form.hidden = false;
  if (code === "ADMIN_TOKEN_WRONG") {
    state.textContent = "That token is wrong: it is not this mock's --admin-token. Check it and use it again.";
    $("#token").setAttribute("aria-invalid", "true");
  } else {
    state.textContent = "This mock needs its admin token (the --admin-token it was started with).";
    $("#token").removeAttribute("aria-invalid");
  }
  state.dataset.code = code || "";
  if (wasHidden || code === "ADMIN_TOKEN_WRONG") $("#token").focus();
  if (!code && message) state.textContent = message;
}

function showPageError(message) {
  const line = $("#page-error");
  line.hidden = !message;
  line.textContent = message || "";
}

async function api(path, options) {
  const opts = Object.assign({ credentials: "same-origin", cache: "no-store" }, options);
  const headers = Object.assign({}, opts.headers);
  // A call that changes something says its type: the admin API refuses the
  // types a cross-site form could send.
  if (opts.method && opts.method !== "GET" && opts.method !== "HEAD" && !headers["Content-Type"]) headers["Content-Type"] = "application/json";
  const token = sessionStorage.getItem(tokenKey);
  if (token) headers["X-Crawlkit-Admin-Token"] = token;
  opts.headers = headers;
  const res = await fetch(admin + path, opts);
  if (res.status === 401 || res.status === 403) {
    let body = {};
    try { body = await res.clone().json(); } catch { /* not the envelope */ }
    if (res.status === 401) askForToken(body.code, body.error);
    else showPageError("The admin API refused this page: " + (body.error || "403"));
    throw new AdminRefused(body.error || "refused");
  }
  return res;
}

async function apiJSON(path, options) {
  const res = await api(path, options);
  const body = res.status === 204 ? null : await res.json();
  return { res, body };
}

function postJSON(path, value) {
  return apiJSON(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(value) });
}

function postYAML(path, text) {
  return apiJSON(path, { method: "POST", headers: { "Content-Type": "application/yaml" }, body: text });
}

// safely runs an event handler: a refusal is shown by the token form, any
// other failure on the page's error line, never only in the devtools.
function safely(fn) {
  return async (...args) => {
    try {
      await fn(...args);
    } catch (err) {
      if (!(err instanceof AdminRefused)) showPageError("The mock did not answer as expected: " + err.message);
    }
  };
}

$("#token-form").addEventListener("submit", safely(async (e) => {
  e.preventDefault();
  sessionStorage.setItem(tokenKey, $("#token").value);
  $("#token-state").textContent = "Checking the token...";
  if (await loadAll()) {
    $("#token-state").textContent = "Token accepted.";
    $("#token").removeAttribute("aria-invalid");
    const waiters = tokenWaiters;
    tokenWaiters = [];
    for (const w of waiters) w();
  }
}));

// --- Tabs (the ARIA tabs pattern): arrows, Home and End move and open. ---

const tabs = Array.from(document.querySelectorAll('[role="tab"]'));
function openTab(tab) {
  for (const t of tabs) {
    const on = t === tab;
    t.setAttribute("aria-selected", String(on));
    t.tabIndex = on ? 0 : -1;
    document.getElementById(t.getAttribute("aria-controls")).hidden = !on;
  }
  if (tab.id === "tab-scenarios") safely(loadScenarios)();
  if (tab.id === "tab-progressions") safely(loadProgressions)();
}
tabs.forEach((tab, i) => {
  tab.addEventListener("click", () => openTab(tab));
  tab.addEventListener("keydown", (e) => {
    let next;
    if (e.key === "ArrowRight") next = tabs[(i + 1) % tabs.length];
    else if (e.key === "ArrowLeft") next = tabs[(i - 1 + tabs.length) % tabs.length];
    else if (e.key === "Home") next = tabs[0];
    else if (e.key === "End") next = tabs[tabs.length - 1];
    if (!next) return;
    e.preventDefault();
    next.focus();
    openTab(next);
  });
});

// --- Catalog: every entry, grouped and searchable, each with a Try. ---

let catalog = { entries: [], max_hang_ms: 0, statuses: [], examples: [] };

const faultSays = {
  reset: "the connection is reset",
  empty: "the connection closes without a response",
  malformed: "a 200 whose JSON body is cut short",
  hang: "no answer until the client gives up",
  "bad-gateway": "a 502 HTML page, as a proxy sends",
};

async function loadCatalog() {
  const { body } = await apiJSON("catalog");
  catalog = body;
  $("#catalog-now").textContent = "Generated crawls are timed relative to " + body.now +
    " (crawlkit gen --now " + body.now + " prints them).";
  fillRuleChoices();
  renderCatalog();
}

function renderCatalog() {
  // The answer panel may sit inside an entry: take it out first.
  $("#try-home").append($("#try-result"));
  const groups = new Map();
  for (const entry of catalog.entries) {
    const group = entry.group || "Other";
    if (!groups.has(group)) groups.set(group, []);
    groups.get(group).push(entry);
  }
  // Rules added here come first: the ones a QA engineer just made.
  const ordered = Array.from(groups).sort(([, a], [, b]) =>
    Number(b[0].source === "admin API") - Number(a[0].source === "admin API"));
  const sections = ordered.map(([name, entries], gi) => el("section", { class: "group", "data-group": name, "aria-labelledby": "group-" + gi },
    el("h2", { id: "group-" + gi }, name, " ", el("span", { class: "hint" }, "(" + entries.length + ")")),
    el("ul", { class: "entries" }, ...entries.map(entryRow))));
  keepFocus(() => $("#catalog-groups").replaceChildren(...sections));
  placeResult();
  applySearch();
}

function entryRow(entry) {
  const row = el("li", { class: "entry", "data-entry": entry.name },
    el("div", { class: "ids mono" }, entry.ids),
    el("div", { class: "what" },
      el("strong", {}, entry.name),
      entry.off_contract ? el("span", { class: "badge off", title: "Answered off the contract on purpose: not validated" }, "off-contract") : "",
      entry.fault ? el("span", { class: "badge fault" }, "fault") : "",
      entry.description ? el("p", {}, entry.description) : "",
      entry.fault === "hang" ? el("p", { class: "hint" }, "Lasts up to " + formatMS(catalog.max_hang_ms) + ", this mock's --max-hang; a Try can be cancelled.") : "",
      el("p", { class: "hint" }, entry.source)),
    el("div", { class: "act" },
      el("button", { type: "button", "aria-label": "Try " + entry.name, "data-entry": entry.name, "data-focus-key": "try|" + entry.name,
        onclick: (e) => tryEntry(entry, e.currentTarget) }, "Try")));
  row.searchText = [entry.name, entry.ids, entry.description, entry.group, entry.source, entry.fault].join(" ").toLowerCase();
  return row;
}

function applySearch() {
  const words = $("#catalog-search").value.toLowerCase().split(/\s+/).filter(Boolean);
  let shown = 0;
  for (const section of document.querySelectorAll("#catalog-groups .group")) {
    let inGroup = 0;
    for (const row of section.querySelectorAll(".entry")) {
      const match = words.every((w) => row.searchText.includes(w));
      row.hidden = !match;
      if (match) inGroup++;
    }
    section.hidden = inGroup === 0;
    shown += inGroup;
  }
  const total = catalog.entries.length;
  $("#catalog-shown").textContent = !words.length ? total + " entries"
    : shown ? shown + " of " + total + " entries" : "No entry matches.";
}
$("#catalog-search").addEventListener("input", applySearch);

// On a narrow screen the answer shows right below the entry tried; on a
// wide one, in the column beside the list.
const narrow = window.matchMedia("(max-width: 900px)");
let triedName = "";
function placeResult() {
  const out = $("#try-result");
  const row = triedName && document.querySelector('#catalog-groups .entry[data-entry="' + CSS.escape(triedName) + '"]');
  for (const r of document.querySelectorAll("#catalog-groups .entry.tried")) r.classList.remove("tried");
  if (row) row.classList.add("tried");
  const home = narrow.matches && row ? row : $("#try-home");
  if (out.parentElement !== home) home.append(out);
}
narrow.addEventListener("change", placeResult);

// shellQuote quotes a word for a POSIX shell.
function shellQuote(s) {
  return "'" + s.replace(/'/g, "'\\''") + "'";
}

// parseJSON returns {value} for a JSON text, or {error} saying why not.
function parseJSON(text) {
  try {
    return { value: JSON.parse(text) };
  } catch (err) {
    return { error: err.message };
  }
}

// bodyView shows a body: JSON pretty-printed, screenshots folded away, or
// the text as it came, marked as not JSON.
function bodyView(text, label) {
  const parsed = parseJSON(text);
  if (parsed.error !== undefined) {
    return [el("p", { class: "is-fault" }, "Not JSON: " + parsed.error),
      el("pre", { tabindex: "0", "aria-label": label + " (not JSON)" }, text === "" ? "(empty)" : text)];
  }
  const value = parsed.value;
  const shots = value && value.data && Array.isArray(value.data.screenshots) ? value.data.screenshots : null;
  if (!shots) return [el("pre", { tabindex: "0", "aria-label": label }, JSON.stringify(value, null, 2))];
  const rest = structuredClone(value);
  rest.data.screenshots = "(" + shots.length + " below)";
  return [
    el("pre", { tabindex: "0", "aria-label": label }, JSON.stringify(rest, null, 2)),
    el("details", {}, el("summary", {}, "screenshots (" + shots.length + ")"),
      el("pre", { tabindex: "0", "aria-label": "Screenshots" }, JSON.stringify(shots, null, 2))),
  ];
}

// The Try in flight: a newer one aborts it, and only the newest may show.
let pending = null;
let trySeq = 0;

function cancelPending() {
  if (pending) pending.controller.abort();
}

document.addEventListener("keydown", (e) => {
  if (e.key === "Escape" && pending) {
    const button = pending.button;
    cancelPending();
    if (button && button.isConnected) button.focus();
  }
});

async function tryEntry(entry, button) {
  cancelPending();
  const seq = ++trySeq;
  const controller = new AbortController();
  const started = performance.now();
  const out = $("#try-result");
  triedName = entry.name;
  placeResult();

  const elapsed = el("span", { class: "elapsed", id: "try-elapsed" }, "0 ms");
  const cancel = el("button", { type: "button", id: "try-cancel", onclick: () => { controller.abort(); button.focus(); } }, "Cancel");
  const notice = entry.fault === "hang"
    ? el("p", { class: "notice", id: "try-notice" }, "This entry hangs: the mock holds the connection up to " +
      formatMS(catalog.max_hang_ms) + " (its --max-hang), then closes it without an answer. Cancel, or Escape, stops waiting.")
    : entry.fault ? el("p", { class: "notice", id: "try-notice" }, "This entry plays the fault " + entry.fault + ": " + (faultSays[entry.fault] || "a broken answer") + ".")
      : "";
  out.replaceChildren(el("h2", {}, entry.name), notice,
    el("p", { class: "row" }, el("span", {}, "Asking " + entry.try + ": "), elapsed, cancel));
  const timer = setInterval(() => { elapsed.textContent = formatMS(performance.now() - started); }, 100);
  pending = { controller, button, seq };

  let res, text, failure;
  try {
    res = await fetch(entry.try, { signal: controller.signal, cache: "no-store" });
    text = await res.text();
  } catch (err) {
    failure = err;
  }
  clearInterval(timer);
  if (seq !== trySeq) return; // a newer Try owns the panel
  pending = null;
  const ms = performance.now() - started;
  const cancelHadFocus = document.activeElement === cancel;

  if (failure) {
    const aborted = failure.name === "AbortError";
    const what = aborted ? "Cancelled after " + formatMS(ms)
      : "No answer: " + (entry.fault ? "fault " + entry.fault + ", " + (faultSays[entry.fault] || "a broken answer")
        : "the connection closed without a response (" + failure.message + ")");
    out.replaceChildren(el("h2", {}, entry.name), notice,
      el("dl", { class: "meta" },
        el("dt", {}, "Status"), el("dd", { id: "try-status", class: aborted ? "" : "is-fault" }, what),
        el("dt", {}, "Time"), el("dd", {}, formatMS(ms))));
    if (cancelHadFocus) button.focus();
    announce(entry.name + ": " + what);
    return;
  }

  const fault = res.headers.get("X-Crawlkit-Fault") || "";
  const parsed = parseJSON(text);
  const code = parsed.value && typeof parsed.value === "object" ? parsed.value.code || "" : "";
  const isJSON = parsed.error === undefined;
  const statusText = String(res.status) + (code ? " " + code : "") +
    (fault ? ", fault " + fault + ": " + (faultSays[fault] || "a broken answer") : "") +
    (!isJSON && !fault ? ", the body is not JSON" : "");
  const url = new URL(entry.try, location.href).href;
  const curl = "curl -i " + shellQuote(url);
  const copy = el("button", { type: "button", onclick: async () => {
    try { await navigator.clipboard.writeText(curl); copy.textContent = "Copied"; } catch { copy.textContent = "Select and copy"; }
  } }, "Copy curl");
  const violations = res.headers.get("X-Crawlkit-Violations");
  out.replaceChildren(
    el("h2", {}, entry.name),
    el("dl", { class: "meta" },
      el("dt", {}, "Status"), el("dd", { id: "try-status", class: fault || !isJSON ? "is-fault" : statusClass(res.status) }, statusText),
      el("dt", {}, "Answered by"), el("dd", {}, res.headers.get("X-Crawlkit-Answered-By") || "-"),
      el("dt", {}, "Request id"), el("dd", { class: "mono" }, res.headers.get("X-Request-Id") || "-"),
      el("dt", {}, "Time"), el("dd", { id: "try-time" }, formatMS(ms)),
      el("dt", {}, "Body"), el("dd", { id: "try-body-kind", class: isJSON ? "" : "is-fault" },
        isJSON ? "JSON, " + text.length + " bytes" : "not JSON (" + (res.headers.get("Content-Type") || "no Content-Type") + "), " + text.length + " bytes"),
      res.headers.get("X-Crawlkit-Off-Contract") ? el("dt", {}, "Off contract") : "",
      res.headers.get("X-Crawlkit-Off-Contract") ? el("dd", {}, "yes: not validated") : "",
      violations ? el("dt", { class: "violations" }, "Violations") : "",
      violations ? el("dd", { class: "violations" }, violations) : ""),
    el("div", { class: "row" }, el("code", { class: "curl" }, curl), copy),
    ...bodyView(text, "Body of " + entry.name));
  announce(entry.name + ": " + statusText + " in " + formatMS(ms));
}

// --- Journal: the latest requests, then each new one as it is answered. ---

let journalCount = 0;
function entryMatches(entry) {
  const id = $("#filter-id").value.trim();
  const status = $("#filter-status").value.trim();
  return (!id || String(entry.crawl_id || "") === id) && (!status || String(entry.status) === status);
}

// A streamed entry is a summary: its response has headers and sizes but no
// body, which the journal lists by request id (see fetchBody).
const isSummary = (entry) => Boolean(entry.response) && typeof entry.response.body !== "string";

// responseView shows the answer the journal kept, when it kept one; for a
// summary, the headers, and the body once fetched.
function responseView(response) {
  if (!response) return [];
  const headers = Object.entries(response.headers || {}).sort(([a], [b]) => a.localeCompare(b));
  const body = typeof response.body === "string" ? response.body : "";
  return [
    el("h3", {}, "Response headers"),
    headers.length
      ? el("dl", { class: "meta" }, ...headers.flatMap(([k, v]) => [el("dt", { class: "mono" }, k), el("dd", { class: "mono" }, Array.isArray(v) ? v.join(", ") : String(v))]))
      : el("p", { class: "hint" }, "none"),
    el("h3", {}, "Response body"),
    response.body_truncated ? el("p", { class: "hint body-truncated" }, "Cut at 16 KiB: the rest was not kept.") : "",
    ...(typeof response.body !== "string" ? [el("p", { class: "hint body-pending", role: "status" }, "Loading the body (" + response.body_bytes + " bytes)...")]
      : body === "" ? [el("p", { class: "hint" }, "(empty)")]
        : response.body_truncated ? [el("pre", { tabindex: "0", "aria-label": "Response body, cut" }, body)]
          : bodyView(body, "Response body")),
  ];
}

// fetchBody completes a streamed row, the first time it is opened: the
// entry of the same request, with its body, from the journal. The journal
// keeps the latest requests only: an entry it has let go is said so.
async function fetchBody(row) {
  const entry = row.entry;
  const pending = row.querySelector(".body-pending");
  try {
    const { body } = await apiJSON("requests?request_id=" + encodeURIComponent(entry.request_id));
    // The same request: an id relayed from an upstream may come back.
    const whole = body.requests.find((e) => e.time === entry.time && e.method === entry.method && e.url === entry.url);
    if (!whole || !whole.response) {
      pending.textContent = "No longer kept: the journal holds the latest requests only.";
      return;
    }
    row.entry = whole;
    row.querySelector(".answer").replaceChildren(...responseView(whole.response));
    row.querySelector(".whole-entry").textContent = printable(JSON.stringify(whole, null, 2), true);
  } catch (err) {
    pending.textContent = err instanceof AdminRefused ? "Not loaded: the admin API refused this page." : "Not loaded: " + err.message;
  }
}

function journalRow(entry) {
  const violations = entry.violations || [];
  // A summary's body is fetched when the row is first opened.
  const ontoggle = isSummary(entry) ? (e) => {
    if (e.target.open && !row.fetched) {
      row.fetched = true;
      fetchBody(row);
    }
  } : undefined;
  const row = el("li", { class: violations.length ? "violates" : "", "data-crawl-id": entry.crawl_id || "", "data-status": entry.status },
    el("details", { ontoggle },
      el("summary", {},
        el("span", { class: "mono" }, new Date(entry.time).toLocaleTimeString()),
        el("span", {}, entry.method),
        el("span", { class: entry.fault ? "is-fault" : statusClass(entry.status) }, entry.fault ? (entry.status ? entry.status + " " : "") + "fault" : entry.status),
        el("span", { class: "mono url" }, entry.url),
        el("span", { class: "by" }, entry.answered_by || "", entry.off_contract ? " (off-contract)" : "", entry.fault ? " fault " + entry.fault : ""),
        el("span", {}, formatMS(entry.duration_ms))),
      violations.length ? el("p", { class: "violations" }, "Breaks the contract: " + violations.join("; ")) : "",
      el("div", { class: "answer" }, ...responseView(entry.response)),
      el("details", {}, el("summary", {}, "The whole entry, as JSON"),
        el("pre", { class: "whole-entry", tabindex: "0", "aria-label": "Journal entry" }, JSON.stringify(entry, null, 2)))));
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
$("#journal-clear").addEventListener("click", safely(async () => {
  await api("requests", { method: "DELETE" });
  $("#journal-list").replaceChildren();
  journalCount = 0;
  $("#journal-count").textContent = "0";
  announce("Journal cleared.");
}));

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
      if (err instanceof AdminRefused) {
        state.textContent = "Not live: waiting for the admin token.";
        await waitForToken();
        continue;
      }
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
    progressionsTimer = setTimeout(safely(loadProgressions), 200);
  }
}

// --- Scenarios: the rules in order, rules added here, the last reload. ---

function summary(obj) {
  return Object.entries(obj || {}).map(([k, v]) => k + ": " + (typeof v === "object" ? JSON.stringify(v) : v)).join(", ") || "anything";
}

const cell = (label, attrs, ...children) => el("td", Object.assign({ "data-label": label }, attrs), ...children);

async function loadScenarios() {
  const { body } = await apiJSON("scenarios");
  const reload = $("#reload-error");
  reload.hidden = !body.reload_error;
  if (body.reload_error) {
    reload.textContent = printable("The last reload failed (" + body.reload_error.at + "); the rules below are the last good ones: " + body.reload_error.message);
  }
  const rows = body.scenarios.map((rule, i) => el("tr", { "data-name": rule.name },
    cell("#", {}, i + 1),
    cell("Name", {}, el("strong", {}, rule.name), rule.respond.off_contract ? el("span", { class: "badge off" }, "off-contract") : "",
      rule.respond.fault ? el("span", { class: "badge fault" }, "fault") : "",
      rule.description ? el("div", { class: "hint" }, rule.description) : ""),
    cell("Matches", {}, el("span", { class: "mono" }, summary(rule.match))),
    cell("Answers", {}, el("span", { class: "mono" }, summary(rule.respond))),
    cell("From", {}, el("span", { class: "hint" }, rule.source + (rule.line ? ":" + rule.line : ""))),
    cell("", {}, rule.source === "admin API"
      ? el("button", { type: "button", class: "remove", "aria-label": "Remove " + rule.name, "data-focus-key": "remove|" + rule.name,
        onclick: safely(() => removeRule(rule.name)) }, "Remove") : "")));
  keepFocus(() => $("#scenarios-table tbody").replaceChildren(...rows));
}

async function removeRule(name) {
  const buttons = Array.from(document.querySelectorAll("#scenarios-table button.remove"));
  const at = buttons.findIndex((b) => b.dataset.focusKey === "remove|" + name);
  await api("scenarios?name=" + encodeURIComponent(name), { method: "DELETE" });
  await Promise.all([loadScenarios(), loadCatalog()]);
  // The focus goes to the Remove button now in that place, or the one
  // before it, or, with none left, to the rule form.
  const left = document.querySelectorAll("#scenarios-table button.remove");
  const next = left[Math.min(at, left.length - 1)];
  (next || $("#rule-name")).focus();
  announce("Removed " + name + ".");
}

$("#remove-runtime").addEventListener("click", safely(async () => {
  await api("scenarios", { method: "DELETE" });
  await Promise.all([loadScenarios(), loadCatalog()]);
  announce("Removed every rule added here.");
}));

// --- YAML: the scenarios file's format, written from rule objects. ---

const yamlWords = /^(true|false|yes|no|on|off|y|n|null|~)$/i;
const durationRE = /^\d+(\.\d+)?(ns|us|µs|ms|s|m|h)(-\d+(\.\d+)?(ns|us|µs|ms|s|m|h))?$/;

function yamlScalar(v) {
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  const s = String(v);
  if ((/^[A-Za-z_][A-Za-z0-9_.\- ]*$/.test(s) && !yamlWords.test(s) && !/ $/.test(s)) || durationRE.test(s)) return s;
  return JSON.stringify(s); // a JSON string is a YAML double-quoted one
}

function yamlKey(k) {
  return /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(k) && !yamlWords.test(k) ? k : JSON.stringify(k);
}

function isScalar(v) {
  return v === null || typeof v !== "object";
}

// yamlLines writes a mapping in block style; lists of plain values and
// bodies in flow style, as JSON, which YAML reads.
function yamlLines(obj, indent) {
  const pad = " ".repeat(indent);
  const lines = [];
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined || v === null || v === "") continue;
    if (k === "body" || k === "seed") lines.push(pad + yamlKey(k) + ": " + JSON.stringify(v));
    else if (Array.isArray(v)) lines.push(pad + yamlKey(k) + ": " + (v.every(isScalar) ? "[" + v.map(yamlScalar).join(", ") + "]" : JSON.stringify(v)));
    else if (typeof v === "object") {
      if (Object.keys(v).length) lines.push(pad + yamlKey(k) + ":", ...yamlLines(v, indent + 2));
    } else lines.push(pad + yamlKey(k) + ": " + yamlScalar(v));
  }
  return lines;
}

// idsValue turns "4242", "1, 2" or "5000-5099" into what the file holds.
function idsValue(text) {
  const items = String(text).split(",").map((s) => s.trim()).filter(Boolean)
    .map((s) => (/^\d+$/.test(s) && Number.isSafeInteger(Number(s)) ? Number(s) : s));
  return items.length === 1 ? items[0] : items;
}

function scenariosYAML(rules) {
  const lines = ["scenarios:"];
  for (const rule of rules) {
    const body = yamlLines(rule, 4);
    body[0] = "  - " + body[0].trimStart();
    lines.push(...body);
  }
  return lines.join("\n") + "\n";
}

// fileRule is a listed rule as a scenarios file writes it.
function fileRule(rule) {
  const match = Object.assign({}, rule.match);
  if (match.id !== undefined) match.id = idsValue(match.id);
  return { name: rule.name, description: rule.description, match, respond: rule.respond };
}

$("#export-runtime").addEventListener("click", safely(async () => {
  const { body } = await apiJSON("scenarios");
  const added = body.scenarios.filter((r) => r.source === "admin API");
  if (!added.length) {
    announce("No rule was added here: nothing to download.");
    showErrors($("#rule-errors"), [], "No rule was added here yet: nothing to download.");
    return;
  }
  const url = URL.createObjectURL(new Blob(["# Rules added in the crawlkit console\n" + scenariosYAML(added.map(fileRule))], { type: "application/yaml" }));
  const link = el("a", { href: url, download: "scenarios.yaml", hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
  announce("Downloading scenarios.yaml: " + added.length + " rule" + (added.length > 1 ? "s" : "") + ".");
}));

// --- The rule form: a rule made field by field, its YAML shown live. ---

const stepStatuses = ["in_queue", "processing", "finished", "error", "cancelled"];

function fillRuleChoices() {
  $("#rule-statuses").replaceChildren(...(catalog.statuses || []).map((s) => el("option", { value: s })));
  $("#rule-status-hint").textContent = "documented: " + (catalog.statuses || []).join(", ");
  const example = $("#rule-example");
  const chosen = example.value;
  example.replaceChildren(...(catalog.examples || []).map((x) => el("option", { value: x.name }, x.name + " (" + x.status + ")")));
  if (chosen) example.value = chosen;
  $("#rule-fault-hint").textContent = "a hang lasts up to " + formatMS(catalog.max_hang_ms) + " (--max-hang)";
  updateRuleYAML();
}

function addStep(value) {
  const list = $("#rule-step-list");
  const n = list.children.length + 1;
  const select = el("select", { id: "rule-step-" + n, "aria-label": "Step " + n },
    ...stepStatuses.map((s) => el("option", { value: s }, s)));
  select.value = value;
  list.append(el("li", {}, select));
  $("#rule-step-remove").disabled = list.children.length <= 1;
}
for (const s of ["in_queue", "processing", "finished"]) addStep(s);
$("#rule-step-add").addEventListener("click", () => {
  const last = $("#rule-step-list").lastElementChild;
  addStep(last ? last.querySelector("select").value : "in_queue");
  updateRuleYAML();
});
$("#rule-step-remove").addEventListener("click", () => {
  const list = $("#rule-step-list");
  if (list.children.length > 1) list.lastElementChild.remove();
  $("#rule-step-remove").disabled = list.children.length <= 1;
  if ($("#rule-step-remove").disabled) $("#rule-step-add").focus();
  updateRuleYAML();
});

function ruleKind() {
  return document.querySelector('#rule-kind input[name="kind"]:checked').value;
}

function numberField(sel) {
  const raw = $(sel).value.trim();
  return raw === "" ? undefined : (/^-?\d+$/.test(raw) ? Number(raw) : raw);
}

// formRule is the rule the form describes, as the scenarios file has it.
function formRule() {
  const respond = {};
  switch (ruleKind()) {
    case "status":
      respond.status = numberField("#rule-status");
      if ($("#rule-off-contract").checked) respond.off_contract = true;
      break;
    case "example":
      respond.example = $("#rule-example").value;
      break;
    case "crawl":
      respond.crawl = { status: $("#rule-crawl-status").value, screenshots: numberField("#rule-crawl-screenshots") };
      break;
    case "progression":
      respond.progression = {
        statuses: Array.from(document.querySelectorAll("#rule-step-list select"), (s) => s.value),
        screenshots: numberField("#rule-progression-screenshots"),
      };
      break;
    case "fault":
      respond.fault = $("#rule-fault").value;
      break;
  }
  respond.delay = $("#rule-delay").value.trim();
  const id = $("#rule-id").value.trim();
  return {
    name: $("#rule-name").value.trim(),
    description: $("#rule-description").value.trim(),
    match: id ? { id: idsValue(id) } : {},
    respond,
  };
}

function updateRuleYAML() {
  const kind = ruleKind();
  for (const part of document.querySelectorAll("#rule-form [data-kind]")) part.hidden = part.dataset.kind !== kind;
  $("#rule-yaml").textContent = scenariosYAML([formRule()]);
}
$("#rule-form").addEventListener("input", updateRuleYAML);
$("#rule-form").addEventListener("change", updateRuleYAML);
updateRuleYAML();

$("#rule-to-yaml").addEventListener("click", () => {
  $("#scenario-yaml").value = $("#rule-yaml").textContent;
  $("#scenario-yaml").focus();
});

// showErrors lists a refusal's problems by line, each with the line it
// names when the text sent is at hand.
function showErrors(list, problems, single, sent) {
  const lines = sent ? sent.split("\n") : [];
  const items = problems.map(([where, msg]) => {
    const n = /^line (\d+)$/.exec(where);
    const text = n && lines[Number(n[1]) - 1];
    return el("li", {}, where + (text ? " (" + text.trim() + ")" : "") + ": " + msg);
  });
  list.replaceChildren(...(items.length ? items : single ? [el("li", {}, single)] : []));
}

function problemsOf(body) {
  const fields = (body && body.fields) || {};
  const num = (k) => (/^line (\d+)$/.exec(k) ? Number(/\d+/.exec(k)[0]) : Infinity);
  return Object.keys(fields).sort((a, b) => num(a) - num(b)).flatMap((where) => fields[where].map((msg) => [where, msg]));
}

// addRules sends a scenarios text; it says what was added, or every problem.
async function addRules(text, errors) {
  errors.replaceChildren();
  const { res, body } = await postYAML("scenarios", text);
  if (!res.ok) {
    showErrors(errors, problemsOf(body), (body && body.error) || "Refused: " + res.status, text);
    announce("Not added: " + errors.children.length + " problem" + (errors.children.length > 1 ? "s" : "") + ".");
    return false;
  }
  const names = body.scenarios.map((r) => r.name).join(", ");
  errors.replaceChildren(el("li", { class: "hint" }, "Added " + names + ": tried before every other rule."));
  announce("Added " + names + ".");
  await Promise.all([loadScenarios(), loadCatalog()]);
  return true;
}

$("#rule-form").addEventListener("submit", safely(async (e) => {
  e.preventDefault();
  const rule = formRule();
  const missing = [];
  for (const [sel, what, ok] of [["#rule-name", "Name: give the rule a name", rule.name !== ""],
    ["#rule-id", "Crawl id: give one (a rule without one would answer every request)", $("#rule-id").value.trim() !== ""]]) {
    $(sel).toggleAttribute("aria-invalid", !ok);
    if (!ok) missing.push([what, sel]);
  }
  if (missing.length) {
    showErrors($("#rule-errors"), [], "");
    $("#rule-errors").replaceChildren(...missing.map(([what]) => el("li", {}, what)));
    $(missing[0][1]).focus();
    return;
  }
  await addRules(scenariosYAML([rule]), $("#rule-errors"));
}));

$("#add-scenario").addEventListener("submit", safely(async (e) => {
  e.preventDefault();
  await addRules($("#scenario-yaml").value, $("#scenario-errors"));
}));

// --- Progressions: each crawl's step; advance or reset one, reset all. ---

async function loadProgressions() {
  const { body } = await apiJSON("progressions");
  renderProgressions(body.progressions);
}

function renderProgressions(list) {
  const rows = list.map((p) => {
    const steps = p.steps || [];
    const now = Math.min(Math.max(p.polls - 1, 0), steps.length - 1);
    const key = p.rule + "|" + p.id;
    return el("tr", { "data-rule": p.rule, "data-id": p.id },
      cell("Rule", {}, p.rule),
      cell("Id", {}, el("span", { class: "mono" }, p.id)),
      cell("Polls", {}, p.polls),
      cell("Steps", {}, el("span", { class: "steps" }, ...steps.flatMap((s, i) => [
        el("span", { class: i === now ? "now" : "", "aria-current": i === now ? "step" : false }, s), " "]))),
      cell("", {}, el("div", { class: "row" },
        el("button", { type: "button", class: "advance", "aria-label": "Advance " + p.rule + " " + p.id, "data-focus-key": "advance|" + key,
          disabled: p.polls >= steps.length, onclick: safely(() => advance(p)) }, "Advance"),
        el("button", { type: "button", class: "reset", "aria-label": "Reset " + p.rule + " " + p.id, "data-focus-key": "reset|" + key,
          onclick: safely(() => resetProgression(p)) }, "Reset"))));
  });
  keepFocus(() => $("#progressions-table tbody").replaceChildren(...rows), () => {
    const active = document.activeElement;
    if (!active || active === document.body) $("#progressions-table").focus();
  });
  $("#progressions-empty").hidden = rows.length > 0;
}

async function advance(p) {
  const { res, body } = await postJSON("progressions/advance", { rule: p.rule, id: p.id });
  if (!res.ok) {
    announce((body && body.error) || "Not advanced.");
    await loadProgressions();
    return;
  }
  const key = p.rule + "|" + p.id;
  renderProgressions(body.progressions);
  const now = body.progressions.find((x) => x.rule === p.rule && x.id === p.id);
  const advanceButton = document.querySelector('[data-focus-key="advance|' + CSS.escape(key) + '"]');
  if (advanceButton && advanceButton.disabled) document.querySelector('[data-focus-key="reset|' + CSS.escape(key) + '"]').focus();
  if (now) announce(p.rule + " " + p.id + " is now " + now.status + ", step " + Math.min(now.polls, now.steps.length) + " of " + now.steps.length + ".");
}

async function resetProgression(p) {
  const buttons = Array.from(document.querySelectorAll("#progressions-table button.reset"));
  const at = buttons.findIndex((b) => b.dataset.focusKey === "reset|" + p.rule + "|" + p.id);
  await api("progressions?rule=" + encodeURIComponent(p.rule) + "&id=" + p.id, { method: "DELETE" });
  await loadProgressions();
  const left = document.querySelectorAll("#progressions-table button.reset");
  const next = left[Math.min(at, left.length - 1)];
  (next || $("#progressions-table")).focus();
  announce(p.rule + " " + p.id + " starts over.");
}

$("#progressions-refresh").addEventListener("click", safely(loadProgressions));
$("#progressions-reset").addEventListener("click", safely(async () => {
  await api("progressions", { method: "DELETE" });
  await loadProgressions();
  announce("Every progression starts over.");
}));

// loadAll loads what the page shows first; false when the admin API
// refused it (the token form then says why).
async function loadAll() {
  try {
    await Promise.all([loadCatalog(), loadJournal()]);
  } catch (err) {
    if (!(err instanceof AdminRefused)) showPageError("The mock did not answer as expected: " + err.message);
    return false;
  }
  showPageError("");
  $("#token-form").hidden = !sessionStorage.getItem(tokenKey);
  if (!$("#scenarios").hidden) await loadScenarios().catch(() => {});
  if (!$("#progressions").hidden) await loadProgressions().catch(() => {});
  return true;
}

loadAll().then(stream);
