// A frontend's tests with node's test runner (in Vitest or Jest, the same with beforeAll and afterAll):
// the mock starts once; each test adds the case it needs, checks what the
// app asked for and got, and the mock is reset after each.
import { test, before, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import { start } from "@crawlkit/cli";
import { crawlSummary } from "./app.mjs";

let mock;
before(async () => { mock = await start({ seed: 1 }); });
afterEach(() => Promise.all([mock.reset(), mock.scenarios.remove()]));
after(() => mock.stop());

test("a crawl that fails shows the service's message", async () => {
  await mock.scenarios.add({ name: "crawl-fails", match: { id: 4242 }, respond: { status: 500, delay: "300ms" } });

  const shown = await crawlSummary(mock.url, 4242);

  assert.equal(shown, "The screenshot service had a problem (INTERNAL_ERROR). Try again later.");
  const [call] = await mock.requests({ rule: "crawl-fails" });
  assert.equal(call.url, "/crawl/info?id=4242");
  assert.equal(JSON.parse(call.response.body).code, "INTERNAL_ERROR");
});

test("a crawl still running shows its progress", async () => {
  await mock.scenarios.add({ name: "running", match: { id: 7 }, respond: { crawl: { status: "processing", screenshots: 5 } } });

  assert.match(await crawlSummary(mock.url, 7), /^processing: \d+ of \d+ pages done\.$/);
  assert.equal((await mock.requests()).length, 1, "one call, no retries");
});

test("an unknown crawl says so", async () => {
  assert.equal(await crawlSummary(mock.url, 404), "This crawl does not exist.");
  const [call] = await mock.requests({ status: 404 });
  assert.equal(call.answered_by, "scenario not-found");
});
