#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds Release (g++) and ASan+UBSan (clang),
# and runs every test of both with ctest. Exit status is ctest's.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
for preset in release asan; do
  echo "=== ${preset}: configure and build" >&2
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
done
for preset in release asan; do
  echo "=== ${preset}: ctest" >&2
  ctest --preset "$preset"
done
