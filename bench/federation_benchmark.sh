#!/usr/bin/env bash
# Federation benchmark: node-to-node pull and push over TAXII 2.1 on loopback, with the local
# import of the same data as the baseline, all in one run.
#
#   bench/federation_benchmark.sh BUILD_DIR [OBJECTS]      (OBJECTS default 1,000,000)
#
# 1. gen_bundle writes OBJECTS generated objects (bench/bundle_generator.h);
# 2. baseline: `tadamun import` of that bundle into node A (a collection shared with member
#    "peer"), objects/s;
# 3. `tadamun serve` runs node A on 127.0.0.1 (a free port); node B runs `tadamun pull` of the
#    whole collection: seconds and objects/s (target: 1M in <= 60 s);
# 4. node D (empty) is served too and node B runs `tadamun push` of everything it pulled into
#    a collection of D: POST ingest objects/s over HTTP (target >= 20,000/s).
# Prints one line per figure. Work files go to a temporary folder, removed at the end.
set -euo pipefail

build=${1:?usage: federation_benchmark.sh BUILD_DIR [OBJECTS]}
objects=${2:-1000000}
tadamun=$build/tools/tadamun/tadamun
gen=$build/bench/gen_bundle
work=$(mktemp -d /tmp/tadamun-federation-bench.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }
# CPU seconds (user + system) a running process has used so far.
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
# Runs a command, writing its CPU seconds (user + system) to $work/cpu.
timed() { /usr/bin/time -f "%U %S" -o "$work/cpu.raw" "$@"; awk '{ printf "%.2f", $1 + $2 }' "$work/cpu.raw" >"$work/cpu"; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# Starts `tadamun serve` for node $1 on a free loopback port (not in a subshell, so the trap
# can stop it); sets $url to its discovery URL.
serve() {
  "$tadamun" serve --node "$1" --listen 127.0.0.1:0 >"$work/$2.log" 2>&1 &
  pids+=($!)
  url=""
  for _ in $(seq 300); do
    url=$(grep -o 'http://127.0.0.1:[0-9]*/taxii2/' "$work/$2.log" || true)
    if [ -n "$url" ]; then return; fi
    sleep 0.1
  done
  echo "serve did not start: $(cat "$work/$2.log")" >&2
  exit 1
}

echo "federation benchmark: $objects objects, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
"$gen" --objects "$objects" >"$work/bundle.json"
echo "bundle: $(du -m "$work/bundle.json" | cut -f1) MB"
for n in a b d; do "$tadamun" init --node "$work/$n" --name "node-$n" >/dev/null; done
"$tadamun" member add --node "$work/a" peer >"$work/token-a" 2>/dev/null
"$tadamun" member add --node "$work/d" peer >"$work/token-d" 2>/dev/null
coll=$("$tadamun" collection create --node "$work/a" shared --reader peer)
inbox=$("$tadamun" collection create --node "$work/d" inbox --writer peer)

t0=$(now)
timed "$tadamun" import --node "$work/a" --collection "$coll" "$work/bundle.json" >/dev/null
t1=$(now)
s=$(secs "$t0" "$t1")
c=$(cat "$work/cpu")
echo "baseline  tadamun import (local file, node A): $objects objects in $s s = $(rate "$objects" "$s") objects/s; $c CPU s = $(rate "$objects" "$c") objects per CPU-second"

serve "$work/a" a
url_a=$url
server_cpu0=$(cpu_of "${pids[0]}")
t0=$(now)
timed "$tadamun" pull --node "$work/b" "${url_a}api/" --collection "$coll" \
  --token-file "$work/token-a" >"$work/pull.out"
t1=$(now)
s=$(secs "$t0" "$t1")
c=$(cat "$work/cpu")
cs=$(awk -v a="$server_cpu0" -v b="$(cpu_of "${pids[0]}")" 'BEGIN { printf "%.2f", b - a }')
echo "pull      node A -> node B over HTTP: $objects objects in $s s = $(rate "$objects" "$s") objects/s (target: 1,000,000 in <= 60 s)"
echo "          CPU: pull $c s + serve $cs s = $(rate "$objects" "$(awk -v a="$c" -v b="$cs" 'BEGIN { print a + b }')") objects per CPU-second"
cat "$work/pull.out" | sed 's/^/          /'
t0=$(now)
"$tadamun" pull --node "$work/b" "${url_a}api/" --collection "$coll" \
  --token-file "$work/token-a" >/dev/null
t1=$(now)
echo "re-pull   (nothing new, cursor remembered): $(secs "$t0" "$t1") s"

serve "$work/d" d
url_d=$url
server_cpu0=$(cpu_of "${pids[1]}")
t0=$(now)
timed "$tadamun" push --node "$work/b" "${url_d}api/" --collection "$inbox" --from "$coll" \
  --token-file "$work/token-d" >"$work/push.out"
t1=$(now)
s=$(secs "$t0" "$t1")
c=$(cat "$work/cpu")
cs=$(awk -v a="$server_cpu0" -v b="$(cpu_of "${pids[1]}")" 'BEGIN { printf "%.2f", b - a }')
echo "push      node B -> node D, POST over HTTP: $objects objects in $s s = $(rate "$objects" "$s") objects/s (target >= 20,000/s)"
echo "          CPU: push $c s + serve $cs s; the server's POST ingest: $(rate "$objects" "$cs") objects per CPU-second"
cat "$work/push.out" | sed 's/^/          /'
