#!/usr/bin/env node
"use strict";
// The crawlkit command, as npx crawlkit and package.json scripts run it: the
// platform's binary, with the same arguments, standard streams and exit.
const { spawn } = require("child_process");
const { binaryPath } = require("../binary.js");

let exe;
try {
  exe = binaryPath();
} catch (err) {
  console.error("crawlkit: " + err.message);
  process.exit(2);
}
const child = spawn(exe, process.argv.slice(2), { stdio: "inherit" });
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(sig, () => child.kill(sig));
}
child.on("error", (err) => {
  console.error("crawlkit: " + err.message);
  process.exit(2);
});
child.on("exit", (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code === null ? 1 : code);
});
