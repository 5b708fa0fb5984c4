// A frontend's view of GET /crawl/info, written the way the official SDKs
// behave: the key in X-API-KEY, an error whenever success is false, and
// polling every 2 s until the crawl's status is final.
//
// Page parameters: ?api=<base URL>&key=<API key>&poll=<ms>&crawl=<id>&progress=<id>

const params = new URLSearchParams(location.search);
const API = (params.get("api") || "http://127.0.0.1:4010").replace(/\/$/, "");
const KEY = params.get("key") || "demo";
const POLL_MS = Number(params.get("poll") || 2000);
const FINAL = ["finished", "error", "cancelled"];

class ApiError extends Error {
  constructor(message, status, code, requestId) {
    super(message);
    this.status = status;
    this.code = code;
    this.requestId = requestId;
  }
}

async function getCrawl(id) {
  const res = await fetch(`${API}/crawl/info?id=${encodeURIComponent(id)}`, {
    headers: { "X-API-KEY": KEY },
  });
  let body;
  try {
    body = await res.json();
  } catch {
    throw new ApiError(`Unreadable answer (HTTP ${res.status})`, res.status, "BAD_RESPONSE", res.headers.get("X-Request-Id"));
  }
  if (!res.ok || !body.success) {
    throw new ApiError(body.error || `HTTP ${res.status}`, res.status, body.code, body.details && body.details.request_id);
  }
  return body.data;
}

// What a user should read for an error, not what the API says to programs.
function explain(err) {
  switch (err.status) {
    case 404: return "This crawl does not exist, or it is not yours.";
    case 400: return err.code === "INVALID_API_KEY" ? "Your API key was refused." : `The request was refused: ${err.message}.`;
    default: return `The screenshot service had a problem. Try again later (reference ${err.requestId || "unknown"}).`;
  }
}

function text(id, value) {
  document.getElementById(id).textContent = value;
}

async function showCrawl(id) {
  text("crawl-id", id);
  try {
    const crawl = await getCrawl(id);
    text("crawl-summary", `${crawl.domain}: ${crawl.status}, ${crawl.processed} of ${crawl.total_discovered} pages done, ${crawl.failed} failed.`);
    const rows = document.querySelector("#crawl-pages tbody");
    for (const shot of crawl.screenshots) {
      const tr = document.createElement("tr");
      for (const value of [shot.url, shot.status, shot.response_code]) {
        const td = document.createElement("td");
        td.textContent = value;
        tr.appendChild(td);
      }
      rows.appendChild(tr);
    }
  } catch (err) {
    text("crawl-summary", explain(err));
    document.getElementById("crawl-summary").className = "error";
  }
}

// percentDone is how far a crawl is, in whole percent: the pages taken
// (processed or failed) of those discovered, never max_urls, which is only
// a ceiling; 100 once it is finished, and never 100 before.
function percentDone(crawl) {
  if (crawl.status === "finished") {
    return 100;
  }
  if (crawl.total_discovered <= 0) {
    return 0;
  }
  const taken = crawl.processed + crawl.failed;
  return Math.min(99, Math.floor((100 * taken) / crawl.total_discovered));
}

async function followProgress(id) {
  const log = document.getElementById("progress-log");
  const status = document.getElementById("progress-status");
  for (;;) {
    let crawl;
    try {
      crawl = await getCrawl(id);
    } catch (err) {
      status.textContent = explain(err);
      status.className = "error";
      status.dataset.final = "true";
      return;
    }
    const li = document.createElement("li");
    li.textContent = `${crawl.status}: ${crawl.screenshots.length} screenshots`;
    log.appendChild(li);
    status.textContent = crawl.status;
    const done = percentDone(crawl);
    const bar = document.getElementById("progress-bar");
    bar.max = 100;
    bar.value = done;
    text("progress-percent", `${done}%`);
    if (FINAL.includes(crawl.status)) {
      status.dataset.final = "true";
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function showError(id, target) {
  try {
    await getCrawl(id);
    text(target, "No error?");
  } catch (err) {
    text(target, explain(err));
    document.getElementById(target).className = "error";
    document.getElementById(target).dataset.status = err.status;
  }
}

text("api", API);
showCrawl(params.get("crawl") || "1003");
followProgress(params.get("progress") || "7001");
showError("404", "error-404");
showError("500", "error-500");
