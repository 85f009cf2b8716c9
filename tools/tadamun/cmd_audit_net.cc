// tadamun audit trust | watch | cosign: the audit log between nodes (node/audit_http.h) —
// which partners' logs this node witnesses, watching a partner's log over HTTP, and asking a
// partner to witness ours.
#include <cstdio>

#include "audit/node_audit.h"
#include "base/clock.h"
#include "command.h"
#include "node/audit_http.h"
#include "taxii/http_client.h"

namespace tadamun::cli {
namespace {

// The partner's audit URL with a trailing '/', and an HTTP transport to its origin carrying
// the member token (--token-file, else $TADAMUN_TOKEN) when there is one.
struct Peer {
  taxii::Url url;
  std::unique_ptr<taxii::Transport> transport;
  std::string authorization;

  StatusOr<taxii::Response> Send(std::string method, const std::string& relative,
                                 std::string body = "") {
    taxii::Request r;
    r.method = std::move(method);
    r.path = url.path + relative;
    r.body = std::move(body);
    if (!authorization.empty()) r.AddHeader("Authorization", authorization);
    if (!r.body.empty()) r.AddHeader("Content-Type", "text/plain; charset=utf-8");
    return transport->Send(r);
  }
};

StatusOr<Peer> ConnectPeer(const Invocation& inv) {
  Peer peer;
  std::string url = inv.positionals[0];
  if (url.empty() || url.back() != '/') url += '/';
  TADAMUN_ASSIGN_OR_RETURN(peer.url, taxii::ParseUrl(url));
  taxii::HttpTransportOptions options;
  if (auto ca = inv.Value("ca")) options.ca_file = *ca;
  options.max_response_bytes = 1 << 24;
  TADAMUN_ASSIGN_OR_RETURN(peer.transport, taxii::HttpTransport::Create(peer.url, options));
  std::string token;
  if (auto file = inv.Value("token-file")) {
    TADAMUN_ASSIGN_OR_RETURN(token, ReadInput(*file, 4096));
  } else if (const char* env = std::getenv("TADAMUN_TOKEN")) {
    token = env;
  }
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) {
    token.pop_back();
  }
  if (!token.empty()) peer.authorization = "Bearer " + token;
  return peer;
}

int RunTrust(const Invocation& inv) {
  if (inv.positionals.size() != 1) return UsageError(inv, "needs the log's VKEY");
  Status s = node::TrustLogForWitnessing(inv.node_dir, inv.positionals[0],
                                         inv.Value("origin").value_or(""));
  if (!s.ok()) return Fail(s);
  std::printf("this node now witnesses and watches the log signed by %s\n",
              inv.positionals[0].c_str());
  return 0;
}

int RunWatch(const Invocation& inv) {
  if (inv.positionals.size() != 1) return UsageError(inv, "needs the partner's audit URL");
  std::vector<crypto::Verifier> keys;
  for (const std::string& k : inv.Values("key")) {
    auto v = crypto::Verifier::Parse(k);
    if (!v.ok()) return UsageError(inv, "--key '" + k + "': " + v.status().message());
    keys.push_back(std::move(*v));
  }
  auto peer = ConnectPeer(inv);
  if (!peer.ok()) return Fail(peer.status());
  node::AuditFetcher fetch = [&](const std::string& path) -> StatusOr<std::string> {
    TADAMUN_ASSIGN_OR_RETURN(taxii::Response r, peer->Send("GET", path));
    if (r.status == 404) return Status::NotFound(peer->url.ToString() + path + ": 404");
    if (r.status != 200) {
      return Status::Unavailable(peer->url.ToString() + path + ": HTTP " +
                                 std::to_string(r.status) + " " + r.body.substr(0, 200));
    }
    return std::move(r.body);
  };
  auto result = node::WatchPeer(inv.node_dir, fetch, std::move(keys), Clock::System());
  if (!result.ok()) return Fail(result.status());
  const audit::Checkpoint& cp = result->checkpoint.checkpoint;
  switch (result->verdict) {
    case audit::WatchVerdict::kFork:
    case audit::WatchVerdict::kRollback:
      std::fprintf(stderr, "ALARM: %s: %s\nevidence (both signed notes): %s\n",
                   std::string(audit::WatchVerdictName(result->verdict)).c_str(),
                   result->message.c_str(), result->evidence_dir.c_str());
      return 3;
    default:
      std::printf("%s: %s at size %llu (%s)\n", cp.origin.c_str(),
                  std::string(audit::WatchVerdictName(result->verdict)).c_str(),
                  static_cast<unsigned long long>(cp.size), result->message.c_str());
      return 0;
  }
}

int RunCosign(const Invocation& inv) {
  if (inv.positionals.size() != 1) return UsageError(inv, "needs the witness's audit URL");
  if (!inv.Has("witness")) return UsageError(inv, "needs --witness VKEY (the partner's key)");
  auto witness = crypto::Verifier::Parse(*inv.Value("witness"));
  if (!witness.ok()) return UsageError(inv, "--witness: " + witness.status().message());
  auto cosigner = witness->AsCosignatureV1();
  if (!cosigner.ok()) return UsageError(inv, "--witness: " + cosigner.status().message());
  auto peer = ConnectPeer(inv);
  if (!peer.ok()) return Fail(peer.status());
  auto log = audit::OpenNodeAudit(Env::Default(), inv.node_dir);
  if (!log.ok()) return Fail(log.status());
  node::WitnessPoster post = [&](const std::string& body)
      -> StatusOr<std::pair<int, std::string>> {
    TADAMUN_ASSIGN_OR_RETURN(taxii::Response r, peer->Send("POST", "add-checkpoint", body));
    return std::make_pair(r.status, std::move(r.body));
  };
  auto size = node::RequestCosignature(inv.node_dir, **log, *cosigner, post);
  if (!size.ok()) return Fail(size.status());
  std::printf("%s cosigned this node's checkpoint at size %llu\n", cosigner->name().c_str(),
              static_cast<unsigned long long>(*size));
  return 0;
}

const std::vector<FlagSpec> kPeerFlags = {
    {"token-file", "FILE", "the member token this node holds on the partner (else $TADAMUN_TOKEN)"},
    {"ca", "FILE", "PEM file of the CAs to trust for https (default: the system's)"}};

std::vector<FlagSpec> WithPeerFlags(std::vector<FlagSpec> flags) {
  flags.insert(flags.end(), kPeerFlags.begin(), kPeerFlags.end());
  return flags;
}

const Registration kTrust({
    .name = "audit trust",
    .args = "VKEY",
    .summary = "witness (cosign) and watch the log signed by a partner's key",
    .help = "VKEY is the partner's key as 'tadamun key show' prints it on the partner's node.\n"
            "The node's server then accepts that log's checkpoints at POST /audit/add-checkpoint\n"
            "(c2sp.org/tlog-witness) and 'audit watch' uses the key without --key.",
    .flags = {{"origin", "ORIGIN", "the log's checkpoint origin (default: the key's name)"}},
    .run = RunTrust,
});

const Registration kWatch({
    .name = "audit watch",
    .args = "URL",
    .summary = "check a partner's log: consistent with what we saw before, or a fork/rollback",
    .help = "URL is the partner's audit prefix, e.g. https://cert-b.example:8443/audit/.\n"
            "Fetches its checkpoint, verifies the signature, and checks it against the last one\n"
            "seen from that log (kept in <node>/watch/): a larger tree must be consistent (the\n"
            "proof is computed here from the partner's tiles). Exit 3 with ALARM on a fork or\n"
            "rollback; both signed notes are kept as evidence. Run it from cron.",
    .flags = WithPeerFlags({{"key", "VKEY", "the partner's log key (default: 'audit trust')", true}}),
    .run = RunWatch,
});

const Registration kCosign({
    .name = "audit cosign",
    .args = "URL",
    .summary = "ask a partner to witness this node's latest checkpoint",
    .help = "Sends the latest checkpoint (with a consistency proof from the size the partner\n"
            "last cosigned) to URL's add-checkpoint endpoint (c2sp.org/tlog-witness) and stores\n"
            "the cosignature it returns with the checkpoint. The partner must have run\n"
            "'tadamun audit trust' with this node's key.",
    .flags = WithPeerFlags({{"witness", "VKEY", "the partner's key ('tadamun key show' there)"}}),
    .run = RunCosign,
});

}  // namespace
}  // namespace tadamun::cli
