#!/usr/bin/env bash
# The node's main job with its demo data: installs what is missing, builds Release, creates a
# fresh demo node in ./demo-node, imports demo/demo-bundle.json into a "Demo partners"
# collection, and shows what the node holds and its audit log.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target tadamun
tadamun=build/release/tools/tadamun/tadamun
node=demo-node
rm -rf "$node"
"$tadamun" init --node "$node" --name demo-cert
collection=$("$tadamun" collection create --node "$node" "Demo partners" \
  --id 2f2d4c1e-7b1a-4a8e-9a53-1d7f4c2b9e10 --description "Demo intelligence shared with partners")
"$tadamun" import --node "$node" --collection "$collection" demo/demo-bundle.json
echo
"$tadamun" stats --node "$node"
echo
"$tadamun" list --node "$node" --type indicator
echo
echo "Audit log (signed by the node key $("$tadamun" key show --node "$node")):"
"$tadamun" audit log --node "$node"
echo
echo "Demo node ready in ./$node. Try:"
echo "  $tadamun get --node $node --version all indicator--ca24790f-d4d5-5e9a-9cd3-0a16d72f4954"
echo "  $tadamun export --node $node --type indicator  # a STIX bundle on stdout"
