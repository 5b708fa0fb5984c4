"use strict";
// Finds the crawlkit binary that npm installed for this machine: each
// platform's binary is its own package (@crawlkit/cli-linux-x64, ...), an
// optional dependency that npm installs only where its os and cpu match.
// Nothing is downloaded at install time.

const platforms = {
  "linux x64": "@crawlkit/cli-linux-x64",
  "linux arm64": "@crawlkit/cli-linux-arm64",
  "darwin x64": "@crawlkit/cli-darwin-x64",
  "darwin arm64": "@crawlkit/cli-darwin-arm64",
  "win32 x64": "@crawlkit/cli-win32-x64",
  "win32 arm64": "@crawlkit/cli-win32-arm64",
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
    throw new Error(missingHint(key, pkg));
  }
}

// missingHint says how to get the platform package: from the registry it
// is an optional dependency, which --omit=optional leaves out; from local
// tarballs (scripts/dist) npm cannot find it by itself, so both are named.
function missingHint(key, pkg) {
  const version = require("./package.json").version;
  const tarball = (name) => name.replace(/^@/, "").replace("/", "-") + "-" + version + ".tgz";
  return "the crawlkit binary for " + key + " is missing: " + pkg + " was not installed. " +
    "From the registry, reinstall without --no-optional (or --omit=optional); " +
    "from local tarballs (scripts/dist), install both: npm install ./" + tarball("@crawlkit/cli") + " ./" + tarball(pkg) +
    "; or set CRAWLKIT_BINARY to a crawlkit you built with go install";
}

module.exports = { binaryPath, platforms };
