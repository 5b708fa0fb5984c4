// The JavaScript API from node's test runner, as a test runner's global
// setup uses it, against the binary installed with the package.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { start } from "@crawlkit/cli";

const require = createRequire(import.meta.url);

test("start serves the seed crawl, then stops", async () => {
  const mock = await start({ seed: 1 });
  assert.match(mock.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const res = await fetch(mock.url + "/crawl/info?id=12345&key=demo");
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.data.id, 12345);
  assert.equal(body.data.domain, "example.com");
  await mock.stop();
  assert.notEqual(mock.process.exitCode ?? mock.process.signalCode, null, "the process has exited");
  await assert.rejects(fetch(mock.url + "/crawl/info?id=1&key=demo"), "nothing listens any more");
});

test("the same seed gives the same crawl on two mocks", async () => {
  const [a, b] = await Promise.all([start({ seed: 7, args: ["--now", "2026-12-01T09:00:00Z"] }), start({ seed: 7, args: ["--now", "2026-12-01T09:00:00Z"] })]);
  const [x, y] = await Promise.all([a, b].map((m) => fetch(m.url + "/crawl/info?id=42&key=k").then((r) => r.text())));
  assert.equal(x, y);
  await Promise.all([a.stop(), b.stop()]);
});

test("start rejects with crawlkit's error when it cannot start", async () => {
  await assert.rejects(start({ fixtures: "/does/not/exist" }), /--fixtures: .*no such file or directory/);
});

test("CommonJS has the same API", () => {
  const cjs = require("@crawlkit/cli");
  assert.equal(typeof cjs.start, "function");
  assert.equal(cjs.start, start);
});

test("pactOut records the session as a Pact file, written when the mock stops", async () => {
  const { mkdtempSync, readFileSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const file = join(mkdtempSync(join(tmpdir(), "crawlkit-pact-")), "web-app.json");
  const mock = await start({ pactOut: file, pactConsumer: "web-app" });
  assert.equal((await fetch(mock.url + "/crawl/info?id=12345&key=sk_secret_in_test")).status, 200);
  await mock.stop();
  const pact = JSON.parse(readFileSync(file, "utf8"));
  assert.equal(pact.consumer.name, "web-app");
  assert.equal(pact.interactions.length, 1);
  assert.equal(pact.interactions[0].response.status, 200);
  assert.doesNotMatch(readFileSync(file, "utf8"), /sk_secret_in_test/);
});

test("spec serves crawls shaped by your own OpenAPI document", async () => {
  const { mkdtempSync, writeFileSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const file = join(mkdtempSync(join(tmpdir(), "crawlkit-spec-")), "mine.yaml");
  writeFileSync(file, `openapi: 3.1.0
info: {title: mine, version: "1"}
paths:
  /crawl/info:
    get:
      parameters:
        - {name: id, in: query, required: true, schema: {type: integer, minimum: 1}}
        - {name: key, in: query, schema: {type: string}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [success, data]
                properties:
                  success: {type: boolean}
                  data:
                    type: object
                    required: [id, status, team]
                    properties:
                      id: {type: integer}
                      status: {type: string, enum: [in_queue, processing, finished, error, cancelled]}
                      team: {type: string, enum: [red, blue]}
`);
  const mock = await start({ spec: file });
  const res = await fetch(mock.url + "/crawl/info?id=7&key=demo");
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("x-crawlkit-violations"), null);
  const body = await res.json();
  assert.deepEqual(Object.keys(body.data).sort(), ["id", "status", "team"]);
  assert.ok(["red", "blue"].includes(body.data.team));
  await mock.stop();
  await assert.rejects(start({ spec: join(tmpdir(), "no-such-spec.yaml") }), /no-such-spec\.yaml: cannot read it/);
});
