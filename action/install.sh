#!/usr/bin/env bash
# Installs a crawlkit release for the runner's OS and architecture: the
# archive and checksums.txt of the release, the checksum verified, the
# binary put on the job's PATH.
#   INPUT_COMMAND    serve or contract, checked here, before anything runs
#   INPUT_VERSION    a release version (0.1.0), or latest (action.yml's default:
#                    the release the action belongs to)
#   CRAWLKIT_RELEASES where releases are (default: the project's GitHub releases)
# and the runner's RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP, GITHUB_PATH.
set -euo pipefail
case "${INPUT_COMMAND:-serve}" in
  serve | contract) ;;
  *) echo "::error::command: serve or contract, not ${INPUT_COMMAND}"; exit 1 ;;
esac
releases=${CRAWLKIT_RELEASES:-https://github.com/crawlkit/crawlkit/releases}
version=${INPUT_VERSION:-latest}
case "$RUNNER_OS" in
  Linux) os=linux ext=tar.gz ;;
  macOS) os=darwin ext=tar.gz ;;
  Windows) os=windows ext=zip ;;
  *) echo "::error::crawlkit has no release for $RUNNER_OS"; exit 1 ;;
esac
case "$RUNNER_ARCH" in
  X64) arch=amd64 ;;
  ARM64) arch=arm64 ;;
  *) echo "::error::crawlkit has no release for $RUNNER_ARCH"; exit 1 ;;
esac
if [ "$version" = latest ]; then
  # The latest release's page redirects to its tag.
  tag=$(curl -fsSLI -o /dev/null -w '%{url_effective}' "$releases/latest")
  version=${tag##*/v}
fi
version=${version#v}
asset="crawlkit_${version}_${os}_${arch}.${ext}"
dir="$RUNNER_TEMP/crawlkit-$version"
mkdir -p "$dir"
curl -fsSL -o "$dir/$asset" "$releases/download/v$version/$asset"
curl -fsSL -o "$dir/checksums.txt" "$releases/download/v$version/checksums.txt"
want=$(grep " $asset\$" "$dir/checksums.txt" | cut -d' ' -f1)
if command -v sha256sum >/dev/null; then got=$(sha256sum "$dir/$asset" | cut -d' ' -f1); else got=$(shasum -a 256 "$dir/$asset" | cut -d' ' -f1); fi
if [ -z "$want" ] || [ "$want" != "$got" ]; then
  echo "::error::$asset does not match checksums.txt"
  exit 1
fi
tar -xf "$dir/$asset" -C "$dir"
echo "$dir" >> "$GITHUB_PATH"
"$dir/crawlkit" version
