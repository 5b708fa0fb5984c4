#!/usr/bin/env bash
# Starts the crawlkit mock in the background for the rest of the job, waits
# until it answers its health route (crawlkit health), and gives its URL as the step's output `url` and as
# CRAWLKIT_URL to later steps.
#   INPUT_PORT  port on 127.0.0.1 (default 4010)
#   INPUT_ARGS  more crawlkit serve flags, as "--seed 7 --latency 100ms"
# and the runner's RUNNER_TEMP, GITHUB_OUTPUT, GITHUB_ENV.
set -euo pipefail
port=${INPUT_PORT:-4010}
log="$RUNNER_TEMP/crawlkit-serve.log"
# shellcheck disable=SC2086 # the args are flags, split as a shell would
nohup crawlkit serve --addr "127.0.0.1:$port" ${INPUT_ARGS:-} > "$log" 2>&1 &
pid=$!
url="http://127.0.0.1:$port"
for _ in $(seq 150); do
  if crawlkit health --url "$url" --timeout 1s > "$RUNNER_TEMP/crawlkit-health" 2>&1; then
    echo "url=$url" >> "$GITHUB_OUTPUT"
    echo "pid=$pid" >> "$GITHUB_OUTPUT"
    echo "CRAWLKIT_URL=$url" >> "$GITHUB_ENV"
    echo "crawlkit serves at $url (log: $log)"
    exit 0
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    cat "$log"
    echo "::error::crawlkit serve exited before answering"
    exit 1
  fi
  sleep 0.2
done
cat "$log"
echo "::error::crawlkit serve did not answer within 30 s: $(cat "$RUNNER_TEMP/crawlkit-health")"
exit 1
