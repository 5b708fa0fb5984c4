"use strict";
// The verbs a test uses on a running mock, through its admin API under
// /__crawlkit/: add and remove scenarios, list the requests it answered,
// reset it between tests, read its progressions and catalog.

const adminTokenHeader = "X-Crawlkit-Admin-Token";
const filters = { id: "id", status: "status", rule: "rule", request_id: "request_id", limit: "limit" };

/** An admin API call the mock refused: its status, code and every problem it listed. */
class AdminError extends Error {
  constructor(message, { status, code, problems, fields }) {
    super(message);
    this.name = "AdminError";
    this.status = status;
    this.code = code;
    this.problems = problems;
    this.fields = fields;
  }
}

// problemsOf lists the envelope's fields as lines of text, in line order:
// "line 4": ["scenario \"a\": ..."] becomes the reason, which names the
// scenario; the lines are those of the JSON the client sent, not the user's.
function problemsOf(fields) {
  const lineOf = (key) => {
    const m = /^line (\d+)$/.exec(key);
    return m ? Number(m[1]) : Infinity;
  };
  const out = [];
  for (const key of Object.keys(fields || {}).sort((a, b) => lineOf(a) - lineOf(b))) {
    for (const reason of fields[key]) out.push(/^line \d+$/.test(key) ? reason : key + ": " + reason);
  }
  return out;
}

async function refusal(res, what) {
  const text = await res.text();
  let env;
  try {
    env = JSON.parse(text);
  } catch {
    env = { error: text.trim() || res.statusText };
  }
  const problems = problemsOf(env.fields);
  let message = "crawlkit refused to " + what + " (" + res.status + (env.code ? " " + env.code : "") + "): " + (env.error || res.statusText);
  if (problems.length > 0) {
    message = "crawlkit refused to " + what + " (" + res.status + (env.code ? " " + env.code : "") + "), " +
      problems.length + (problems.length === 1 ? " problem" : " problems") + ":\n" + problems.map((p) => "  - " + p).join("\n");
  }
  return new AdminError(message, { status: res.status, code: env.code, problems, fields: env.fields || {} });
}

/**
 * The admin client of the mock at url; token, when given, goes in the
 * X-Crawlkit-Admin-Token header.
 */
function adminClient(url, token) {
  const base = url.replace(/\/+$/, "") + "/__crawlkit/";
  async function call(method, path, what, { query, body } = {}) {
    const target = new URL(path, base);
    for (const [name, value] of Object.entries(query || {})) {
      if (value !== undefined && value !== null && value !== "") target.searchParams.set(name, String(value));
    }
    const headers = {};
    if (token) headers[adminTokenHeader] = token;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const res = await fetch(target, { method, headers, body });
    if (!res.ok) throw await refusal(res, what);
    const text = await res.text();
    return text ? JSON.parse(text) : undefined;
  }
  return {
    scenarios: {
      async add(rules) {
        const list = Array.isArray(rules) ? rules : [rules];
        if (list.length === 0 || list.some((r) => r === null || typeof r !== "object" || Array.isArray(r))) {
          throw new TypeError("scenarios.add takes a rule or an array of rules, each an object as in a scenarios file");
        }
        // Indented: one field a line, so that each problem has its own line.
        const added = await call("POST", "scenarios", "add the scenarios", { body: JSON.stringify({ scenarios: list }, null, 2) });
        return added.scenarios;
      },
      async remove(name) {
        if (name !== undefined && (typeof name !== "string" || name === "")) {
          throw new TypeError("scenarios.remove takes a scenario's name, or nothing to remove every scenario added at run time");
        }
        await call("DELETE", "scenarios", name ? "remove scenario " + JSON.stringify(name) : "remove the scenarios", { query: { name } });
      },
      async list() {
        return (await call("GET", "scenarios", "list the scenarios")).scenarios;
      },
    },
    async requests(filter) {
      const query = {};
      for (const [name, value] of Object.entries(filter || {})) {
        if (!(name in filters)) {
          throw new TypeError("requests: unknown filter " + JSON.stringify(name) + "; it takes " + Object.keys(filters).join(", "));
        }
        query[filters[name]] = value;
      }
      return (await call("GET", "requests", "list the requests", { query })).requests;
    },
    async reset() {
      await call("POST", "reset", "reset");
    },
    async progressions() {
      return (await call("GET", "progressions", "list the progressions")).progressions;
    },
    async catalog() {
      return call("GET", "catalog", "read the catalog");
    },
  };
}

module.exports = { adminClient, AdminError };
