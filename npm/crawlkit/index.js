"use strict";
// The JavaScript API of crawlkit, for test runners' global setup (Vitest,
// Jest, Playwright): start the mock on a free loopback port, use its URL,
// drive it from the tests (scenarios, requests, reset), stop it at the end.
const { spawn } = require("child_process");
const { binaryPath } = require("./binary.js");
const { adminClient, AdminError } = require("./admin.js");

const listening = /^listening on (http:\/\/\S+)/;

/**
 * Starts `crawlkit serve` on 127.0.0.1 and a free port.
 * @param {import("./index").StartOptions} [options]
 * @returns {Promise<import("./index").Mock>}
 */
function start(options) {
  const o = options || {};
  const args = ["serve", "--addr", o.addr || "127.0.0.1:0"];
  if (o.seed !== undefined) args.push("--seed", String(o.seed));
  if (o.fixtures) args.push("--fixtures", o.fixtures);
  if (o.scenarios) args.push("--scenarios", o.scenarios);
  if (o.spec) args.push("--spec", o.spec);
  if (o.pactOut) args.push("--pact-out", o.pactOut);
  if (o.pactConsumer) args.push("--pact-consumer", o.pactConsumer);
  if (o.pactProvider) args.push("--pact-provider", o.pactProvider);
  if (o.args) args.push(...o.args);
  const env = Object.assign({}, process.env, o.env);
  // In the environment, not the arguments: process lists show those.
  if (o.adminToken) env.CRAWLKIT_ADMIN_TOKEN = o.adminToken;
  const token = adminTokenOf(o.args || [], env);
  return new Promise((resolve, reject) => {
    let child;
    try {
      child = spawn(o.binary || binaryPath(), args, { stdio: ["ignore", "pipe", "pipe"], env });
    } catch (err) {
      reject(err);
      return;
    }
    let out = "";
    let errors = "";
    let started = false;
    const exited = new Promise((done) => child.on("exit", (code, signal) => done({ code, signal })));
    child.stderr.on("data", (chunk) => {
      errors += chunk;
      if (o.stderr) o.stderr.write(chunk);
    });
    child.stdout.on("data", (chunk) => {
      if (started) return;
      out += chunk;
      const line = out.split("\n")[0];
      const m = listening.exec(line);
      if (!m) return;
      started = true;
      resolve({
        url: m[1],
        process: child,
        ...adminClient(m[1], token),
        stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
          return exited.then(() => undefined);
        },
      });
    });
    child.on("error", (err) => { if (!started) reject(err); });
    exited.then(({ code, signal }) => {
      if (started) return;
      const said = errors.trim().split("\n").filter(Boolean).pop();
      reject(new Error(said || "crawlkit exited before listening (" + (signal || "exit code " + code) + ")"));
    });
  });
}

// adminTokenOf finds the admin token the mock is started with: --admin-token
// in args (the command line wins), or CRAWLKIT_ADMIN_TOKEN.
function adminTokenOf(args, env) {
  for (let i = args.length - 1; i >= 0; i--) {
    if (args[i] === "--admin-token" && i + 1 < args.length) return args[i + 1];
    if (args[i].startsWith("--admin-token=")) return args[i].slice("--admin-token=".length);
  }
  return env.CRAWLKIT_ADMIN_TOKEN || "";
}

module.exports = { start, binaryPath, AdminError };
