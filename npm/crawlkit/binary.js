"use strict";
// Finds the crawlkit binary that npm installed for this machine: each
// platform's binary is its own package (@crawlkit/linux-x64, ...), an
// optional dependency that npm installs only where its os and cpu match.
// Nothing is downloaded at install time.

const platforms = {
  "linux x64": "@crawlkit/linux-x64",
  "linux arm64": "@crawlkit/linux-arm64",
  "darwin x64": "@crawlkit/darwin-x64",
  "darwin arm64": "@crawlkit/darwin-arm64",
  "win32 x64": "@crawlkit/win32-x64",
  "win32 arm64": "@crawlkit/win32-arm64",
};

function binaryPath() {
  if (process.env.CRAWLKIT_BINARY) return process.env.CRAWLKIT_BINARY;
  const key = process.platform + " " + process.arch;
  const pkg = platforms[key];
  if (!pkg) {
    throw new Error("crawlkit has no binary for " + key + "; supported: " + Object.keys(platforms).join(", ") +
      " (or set CRAWLKIT_BINARY to a crawlkit you built with go install)");
  }
  const exe = process.platform === "win32" ? "crawlkit.exe" : "crawlkit";
  try {
    return require.resolve(pkg + "/bin/" + exe);
  } catch {
    throw new Error("the crawlkit binary for " + key + " is missing: " + pkg + " was not installed. " +
      "Reinstall without --no-optional (or --omit=optional), or set CRAWLKIT_BINARY");
  }
}

module.exports = { binaryPath, platforms };
