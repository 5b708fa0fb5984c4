// The mock's verbs (scenarios, requests, reset, progressions, catalog)
// from node's test runner, against the crawlkit binary.
import { test, before, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { start, AdminError } from "@crawlkit/cli";

const require = createRequire(import.meta.url);
let mock;
before(async () => { mock = await start({ seed: 1 }); });
after(() => mock.stop());
afterEach(() => Promise.all([mock.reset(), mock.scenarios.remove()]));

const crawl = (id) => fetch(`${mock.url}/crawl/info?id=${id}&key=demo`);

test("scenarios.add takes one rule, answers from then on, and remove takes it back", async () => {
  const added = await mock.scenarios.add({ name: "checkout-down", match: { id: 4242 }, respond: { status: 500, delay: "50ms" } });
  assert.deepEqual(added.map((r) => [r.name, r.source, r.match.id, r.respond.delay]), [["checkout-down", "admin API", "4242", "50ms"]]);
  const res = await crawl(4242);
  assert.equal(res.status, 500);
  assert.equal(res.headers.get("x-crawlkit-answered-by"), "scenario checkout-down");

  await mock.scenarios.remove("checkout-down");
  assert.equal((await crawl(4242)).status, 200);
  await assert.rejects(mock.scenarios.remove("checkout-down"), (err) => err instanceof AdminError && err.status === 404 && /checkout-down/.test(err.message));
});

test("scenarios.add takes an array, in the scenarios file's format", async () => {
  await mock.scenarios.add([
    { name: "gone", match: { id: [1, "10-20"] }, respond: { example: "not_found" } },
    { name: "queued", match: { id: 30 }, respond: { crawl: { status: "in_queue" } } },
    { name: "steps", match: { id: 31 }, respond: { progression: { statuses: ["in_queue", "processing", "finished"], screenshots: 2 } } },
  ]);
  assert.equal((await crawl(15)).status, 404);
  assert.equal((await (await crawl(30)).json()).data.status, "in_queue");
  const names = (await mock.scenarios.list()).map((r) => r.name);
  assert.deepEqual(names.slice(0, 3), ["gone", "queued", "steps"], "runtime rules are tried first");
});

test("a refused add lists every problem, adds nothing", async () => {
  const refused = mock.scenarios.add([
    { name: "teapot", match: { id: 418 }, respond: { status: 418 } },
    { name: "slow", match: { id: 419 }, respond: { delay: "300" } },
    { name: "typo", match: { id: 420 }, respnd: { status: 404 } },
    { name: "Bad Name", respond: { fault: "explode" } },
  ]);
  await assert.rejects(refused, (err) => {
    assert.ok(err instanceof AdminError);
    assert.equal(err.status, 400);
    assert.equal(err.code, "VALIDATION_ERROR");
    assert.deepEqual(err.problems, [
      'scenario "teapot": respond.status 418: the contract does not document it (documented: 200, 400, 404, 500); add off_contract: true to answer it on purpose',
      'scenario "slow": delay: 300: a duration needs a unit, as 300ms or 2s',
      'scenario "typo": respnd is not a key of a rule, which is a mapping of name, description, match and respond',
      'scenario "Bad Name": name "Bad Name": lower-case letters, digits, \'.\', \'_\' and \'-\', up to 64',
      'scenario "Bad Name": respond.fault "explode": one of reset, empty, malformed, hang, bad-gateway',
    ]);
    for (const p of err.problems) assert.ok(err.message.includes(p), "the message lists " + p);
    assert.match(err.message, /^crawlkit refused to add the scenarios \(400 VALIDATION_ERROR\), 5 problems:\n/);
    return true;
  });
  assert.equal((await crawl(418)).status, 200, "nothing was added");
  await assert.rejects(mock.scenarios.add([]), TypeError);
  await assert.rejects(mock.scenarios.add("scenarios: []"), TypeError);
});

test("requests lists the journal newest first, with each answer, filtered", async () => {
  await mock.scenarios.add({ name: "broken-body", match: { id: 77 }, respond: { crawl: { screenshots: 2 }, fault: "malformed" } });
  await crawl(12345);
  await (await crawl(77)).text();
  await crawl(404);

  const all = await mock.requests();
  assert.deepEqual(all.map((e) => e.crawl_id), [404, 77, 12345]);
  const [notFound, broken, fixture] = all;
  assert.equal(notFound.status, 404);
  assert.equal(notFound.url, "/crawl/info?id=404&key=REDACTED");
  assert.equal(notFound.response.headers["Content-Type"], "application/json; charset=utf-8");
  assert.equal(JSON.parse(notFound.response.body).code, "NOT_FOUND");
  assert.equal(notFound.response.body_json, true);
  assert.equal(broken.fault, "malformed");
  assert.equal(broken.response.body_json, false, "the malformed fault's body is not JSON");
  assert.equal(broken.response.body_truncated, false);
  assert.equal(JSON.parse(fixture.response.body).data.id, 12345);

  assert.deepEqual((await mock.requests({ id: 77 })).map((e) => e.crawl_id), [77]);
  assert.deepEqual((await mock.requests({ status: 404 })).map((e) => e.crawl_id), [404]);
  assert.deepEqual((await mock.requests({ rule: "broken-body" })).map((e) => e.crawl_id), [77]);
  assert.deepEqual((await mock.requests({ limit: 1 })).map((e) => e.crawl_id), [404]);
  const [byId] = await mock.requests({ request_id: broken.request_id });
  assert.deepEqual([byId.crawl_id, byId.response.body], [77, broken.response.body], "the entry of that request, with its body");
  assert.deepEqual(await mock.requests({ request_id: "req_0000000000000000" }), []);
  await assert.rejects(mock.requests({ crawl: 1 }), TypeError);
  await assert.rejects(mock.requests({ status: "teapot" }), (err) => err instanceof AdminError && err.problems[0] === "status: must be a whole number of at least 100");
});

test("a large body is kept cut at 16 KiB", async () => {
  await mock.scenarios.add({ name: "big", match: { id: 900 }, respond: { crawl: { status: "finished", screenshots: 1200 } } });
  const body = await (await crawl(900)).text();
  const [entry] = await mock.requests({ id: 900 });
  assert.equal(entry.response.body_truncated, true);
  assert.equal(entry.response.body_bytes, Buffer.byteLength(body));
  assert.equal(entry.response.body, body.slice(0, 16384));
  assert.equal(entry.response.body_json, true);
});

test("reset empties the journal and restarts progressions", async () => {
  await crawl(7001);
  await crawl(7001);
  const [p] = (await mock.progressions()).filter((x) => x.id === 7001);
  assert.equal(p.polls, 2);
  assert.deepEqual(p.steps.slice(0, 2), ["in_queue", "processing"]);
  await mock.reset();
  assert.deepEqual(await mock.requests(), []);
  assert.deepEqual(await mock.progressions(), []);
});

test("catalog lists the magic ids", async () => {
  const c = await mock.catalog();
  const notFound = c.entries.find((e) => e.name === "not-found");
  assert.equal(notFound.ids, "404");
  assert.equal(notFound.try, "/crawl/info?id=404&key=demo");
  assert.match(c.now, /^\d{4}-\d\d-\d\dT/);
});

test("with an admin token, the verbs send it", async () => {
  const guarded = await start({ seed: 1, adminToken: "qa-secret" });
  try {
    const res = await fetch(guarded.url + "/__crawlkit/requests");
    assert.ok([401, 403].includes(res.status), "the admin API asks for the token: " + res.status);
    await guarded.scenarios.add({ name: "down", match: { id: 1 }, respond: { status: 500 } });
    assert.equal((await fetch(guarded.url + "/crawl/info?id=1&key=k")).status, 500);
    assert.equal((await guarded.requests()).length, 1);
  } finally {
    await guarded.stop();
  }
  const fromArgs = await start({ args: ["--admin-token", "other"] });
  try {
    assert.equal((await fromArgs.catalog()).entries.length > 0, true);
  } finally {
    await fromArgs.stop();
  }
});

test("CommonJS has the verbs too", () => {
  const cjs = require("@crawlkit/cli");
  assert.equal(cjs.AdminError, AdminError);
  assert.equal(typeof cjs.start, "function");
});
