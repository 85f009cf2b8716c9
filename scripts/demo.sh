#!/usr/bin/env bash
# The node's main job with its demo data: installs what is missing, builds Release, creates a
# fresh demo node in ./demo-node with a partner member (demo-partner) and a "Demo partners"
# collection it may read and write, imports demo/demo-bundle.json into it, shows what the node
# holds and its audit log, then serves it over TAXII 2.1 on 127.0.0.1:8443 (TADAMUN_DEMO_PORT)
# and prints the URL and the demo member's token. Ctrl-C / SIGTERM stops the server cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target tadamun
tadamun=build/release/tools/tadamun/tadamun
node=demo-node
rm -rf "$node"
"$tadamun" init --node "$node" --name demo-cert
# A partner member; its API token is printed once and kept here for the demo only.
token=$("$tadamun" member add --node "$node" demo-partner)
printf '%s\n' "$token" > "$node/demo-partner.token"
chmod 600 "$node/demo-partner.token"
collection=$("$tadamun" collection create --node "$node" "Demo partners" \
  --id 2f2d4c1e-7b1a-4a8e-9a53-1d7f4c2b9e10 --description "Demo intelligence shared with partners" \
  --writer demo-partner)
"$tadamun" import --node "$node" --collection "$collection" demo/demo-bundle.json
echo
"$tadamun" stats --node "$node"
echo
"$tadamun" list --node "$node" --type indicator
echo
echo "Audit log (signed by the node key $("$tadamun" key show --node "$node")):"
"$tadamun" audit log --node "$node"
port=${TADAMUN_DEMO_PORT:-8443}
url="http://127.0.0.1:$port"
cat <<EOT

Serving the demo node over TAXII 2.1 at $url/taxii2/ (Ctrl-C or SIGTERM stops it).
Demo member:  demo-partner
Demo token:   $token   (also in ./$node/demo-partner.token)
Try, from another terminal:
  curl -sg -H "Authorization: Bearer \$(cat $node/demo-partner.token)" \\
       -H 'Accept: application/taxii+json;version=2.1' \\
       '$url/taxii2/api/collections/$collection/objects/?match[type]=indicator&limit=5'
  TADAMUN_TOKEN=\$(cat $node/demo-partner.token) $tadamun pull --node other-node \\
       $url/taxii2/api/ --collection $collection
  curl -s -H "Authorization: Bearer \$(cat $node/demo-partner.token)" $url/audit/checkpoint

EOT
exec "$tadamun" serve --node "$node" --listen "127.0.0.1:$port"
