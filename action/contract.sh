#!/usr/bin/env bash
# Runs the contract kit and passes its exit code on: 0 passed, 1 the
# contract is broken, 2 the run checked too little (no key), the server did
# not answer, or bad usage. The key and token come in CRAWLKIT_API_KEY and
# CRAWLKIT_BEARER, never on a command line, and are never printed.
#   INPUT_BASE_URL  the API base to check (required)
#   INPUT_JUNIT     where the JUnit report goes (default crawlkit-contract.xml)
#   INPUT_ARGS      more crawlkit contract flags, as "--crawl-id 12345 --strict"
# and the runner's GITHUB_OUTPUT.
set -euo pipefail
if [ -z "${INPUT_BASE_URL:-}" ]; then
  echo "::error::the base-url input is required for command: contract"
  exit 2
fi
junit=${INPUT_JUNIT:-crawlkit-contract.xml}
echo "junit=$junit" >> "$GITHUB_OUTPUT"
# shellcheck disable=SC2086 # the args are flags, split as a shell would
exec crawlkit contract --base-url "$INPUT_BASE_URL" --junit "$junit" ${INPUT_ARGS:-}
