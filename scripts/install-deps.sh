#!/usr/bin/env bash
# Installs the Debian 12 packages Tadamun needs to build, test and benchmark, and only those
# that are missing (idempotent). Needs root (or sudo) when something is missing.
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build pkg-config git clang-14 libclang-rt-14-dev
  # libraries (each wrapped in one module; see docs/architecture.md). cpp-httplib and
  # vectorscan are for the TAXII server and the sweep, next on the list.
  libsimdjson-dev libsqlite3-dev libsodium-dev libssl-dev zlib1g-dev libre2-dev libutf8proc-dev
  libidn2-dev libjpeg62-turbo-dev libpng-dev libwebp-dev libcpp-httplib-dev libvectorscan-dev
  # tests and benchmarks
  googletest libgtest-dev libgmock-dev libbenchmark-dev ripgrep wrk python3-faiss
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "install-deps: installing ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
