#include "node/audit_http.h"

#include <filesystem>

#include "audit/checkpoint.h"
#include "audit/node_audit.h"
#include "audit/proof.h"
#include "audit/tiles.h"
#include "base/encoding.h"
#include "base/env.h"
#include "crypto/digest.h"
#include "crypto/node_key.h"

namespace tadamun::node {
namespace {

constexpr uint64_t kMaxListBytes = 1 << 20;  // trusted / witnesses files

std::string WitnessDir(const std::string& node_dir) { return node_dir + "/witness"; }
std::string TrustedPath(const std::string& node_dir) { return WitnessDir(node_dir) + "/trusted"; }

taxii::Response Text(int status, std::string body,
                     std::string content_type = "text/plain; charset=utf-8") {
  taxii::Response r;
  r.status = status;
  r.headers.emplace("Content-Type", std::move(content_type));
  r.body = std::move(body);
  return r;
}

// One line of the trusted file: "<origin> <vkey>".
Status ParseTrustedLine(std::string_view line, size_t line_no, std::string* origin,
                        crypto::Verifier* key) {
  size_t space = line.find(' ');
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("witness/trusted line " + std::to_string(line_no) + ": " + why +
                                   " (expected '<origin> <vkey>')");
  };
  if (space == std::string_view::npos || space == 0) return bad("no origin");
  auto v = crypto::Verifier::Parse(line.substr(space + 1));
  if (!v.ok()) return bad(v.status().message());
  *origin = std::string(line.substr(0, space));
  *key = std::move(*v);
  return Status::Ok();
}

}  // namespace

StatusOr<std::vector<audit::WitnessedLog>> LoadWitnessedLogs(const std::string& node_dir) {
  std::vector<audit::WitnessedLog> logs;
  Env* env = Env::Default();
  if (!env->Exists(TrustedPath(node_dir))) return logs;
  TADAMUN_ASSIGN_OR_RETURN(std::string text, env->ReadFile(TrustedPath(node_dir), kMaxListBytes));
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line(text.data() + pos, (nl == std::string::npos ? text.size() : nl) - pos);
    pos = nl == std::string::npos ? text.size() : nl + 1;
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    std::string origin;
    crypto::Verifier key;
    TADAMUN_RETURN_IF_ERROR(ParseTrustedLine(line, line_no, &origin, &key));
    auto it = std::find_if(logs.begin(), logs.end(),
                           [&](const audit::WitnessedLog& l) { return l.origin == origin; });
    if (it == logs.end()) {
      logs.push_back({origin, {std::move(key)}});
    } else {
      it->keys.push_back(std::move(key));
    }
  }
  return logs;
}

Status TrustLogForWitnessing(const std::string& node_dir, std::string_view vkey,
                             std::string_view origin) {
  auto key = crypto::Verifier::Parse(vkey);
  if (!key.ok()) {
    return Status::InvalidArgument("'" + std::string(vkey.substr(0, 200)) +
                                   "' is not a verifier key (name+keyid+base64): " +
                                   key.status().message());
  }
  std::string o = origin.empty() ? key->name() : std::string(origin);
  for (char c : o) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) {
      return Status::InvalidArgument("origin '" + o + "' has a space or control character");
    }
  }
  Env* env = Env::Default();
  TADAMUN_RETURN_IF_ERROR(env->CreateDirs(WitnessDir(node_dir), 0700));
  std::string text;
  if (env->Exists(TrustedPath(node_dir))) {
    TADAMUN_ASSIGN_OR_RETURN(text, env->ReadFile(TrustedPath(node_dir), kMaxListBytes));
  }
  std::string line = o + " " + std::string(vkey);
  if (("\n" + text).find("\n" + line + "\n") != std::string::npos) return Status::Ok();
  if (!text.empty() && text.back() != '\n') text += '\n';
  text += line + "\n";
  return env->WriteFileAtomic(TrustedPath(node_dir), text, 0600);
}

StatusOr<std::unique_ptr<AuditEndpoints>> AuditEndpoints::Open(const std::string& node_dir,
                                                                Clock* clock,
                                                                const AuditHttpOptions& options) {
  if (options.prefix.empty() || options.prefix.front() != '/' || options.prefix.back() != '/') {
    return Status::InvalidArgument("audit prefix '" + options.prefix +
                                   "' must start and end with '/'");
  }
  std::unique_ptr<AuditEndpoints> e(new AuditEndpoints(node_dir, options));
  TADAMUN_ASSIGN_OR_RETURN(std::vector<audit::WitnessedLog> logs, LoadWitnessedLogs(node_dir));
  TADAMUN_ASSIGN_OR_RETURN(crypto::Signer key,
                           crypto::LoadNodeKey(Env::Default(), audit::NodeKeysDir(node_dir)));
  TADAMUN_ASSIGN_OR_RETURN(e->witness_,
                           audit::Witness::Open(WitnessDir(node_dir) + "/state", std::move(key),
                                                std::move(logs), clock, options.witness));
  return e;
}

bool AuditEndpoints::Owns(std::string_view path) const {
  std::string_view prefix = options_.prefix;
  return path.substr(0, prefix.size()) == prefix || path == prefix.substr(0, prefix.size() - 1);
}

taxii::Response AuditEndpoints::Handle(const taxii::Request& request) {
  std::string_view rest = std::string_view(request.path).substr(
      std::min(request.path.size(), options_.prefix.size()));
  const std::string audit_dir = audit::NodeAuditDir(node_dir_);
  auto method_not_allowed = [&](const char* allowed) {
    taxii::Response r = Text(405, std::string("method not allowed (allowed: ") + allowed + ")\n");
    r.headers.emplace("Allow", allowed);
    return r;
  };
  if (rest == "add-checkpoint") {
    if (request.method != "POST") return method_not_allowed("POST");
    audit::WitnessResponse w = witness_->AddCheckpoint(request.body);
    return Text(w.status, std::move(w.body), std::move(w.content_type));
  }
  if (rest == "checkpoint") {
    if (request.method != "GET") return method_not_allowed("GET");
    auto note = Env::Default()->ReadFile(audit_dir + "/checkpoint", 1 << 16);
    if (!note.ok()) return Text(500, "the audit log's checkpoint cannot be read\n");
    taxii::Response r = Text(200, std::move(*note));
    r.headers.emplace("Cache-Control", "no-cache");
    return r;
  }
  auto tile = audit::ParseTilePath(rest);
  if (!tile.ok()) {
    return Text(404, "no audit resource at '" + request.path.substr(0, 200) + "'\n");
  }
  if (request.method != "GET") return method_not_allowed("GET");
  auto bytes = Env::Default()->ReadFile(audit_dir + "/" + tile->Path(), options_.max_tile_bytes);
  if (!bytes.ok()) {
    if (bytes.status().code() == StatusCode::kNotFound) {
      return Text(404, "no tile '" + tile->Path() + "' in this log\n");
    }
    return Text(500, "tile '" + tile->Path() + "' cannot be read\n");
  }
  taxii::Response r = Text(200, std::move(*bytes), "application/octet-stream");
  // Full tiles never change; partial ones are replaced by wider ones as the log grows.
  r.headers.emplace("Cache-Control",
                    tile->width == 0 ? "public, max-age=31536000, immutable" : "no-cache");
  return r;
}

StatusOr<audit::WatchResult> WatchPeer(const std::string& node_dir, const AuditFetcher& fetch,
                                       std::vector<crypto::Verifier> peer_keys, Clock* clock) {
  TADAMUN_ASSIGN_OR_RETURN(std::string note_text, fetch("checkpoint"));
  TADAMUN_ASSIGN_OR_RETURN(crypto::Note note, crypto::ParseNote(note_text));
  TADAMUN_ASSIGN_OR_RETURN(audit::Checkpoint cp, audit::ParseCheckpoint(note.text));
  if (peer_keys.empty()) {
    TADAMUN_ASSIGN_OR_RETURN(std::vector<audit::WitnessedLog> logs, LoadWitnessedLogs(node_dir));
    for (audit::WitnessedLog& l : logs) {
      if (l.origin == cp.origin) peer_keys = std::move(l.keys);
    }
    if (peer_keys.empty()) {
      return Status::FailedPrecondition(
          "no key for the log '" + cp.origin +
          "': pass --key VKEY or trust it first with 'tadamun audit trust VKEY'");
    }
  }
  TADAMUN_ASSIGN_OR_RETURN(std::unique_ptr<audit::Monitor> monitor,
                           audit::Monitor::Open(node_dir + "/watch", clock));
  const uint64_t size = cp.size;
  return monitor->Observe(note_text, peer_keys,
                          [&](uint64_t a, uint64_t b) -> StatusOr<std::vector<audit::Hash>> {
                            audit::TileNodeReader tiles(fetch, size);
                            return audit::ConsistencyProof(tiles, a, b);
                          });
}

StatusOr<uint64_t> RequestCosignature(const std::string& node_dir, audit::Log& log,
                                      const crypto::Verifier& witness_key,
                                      const WitnessPoster& post) {
  Env* env = Env::Default();
  const std::string dir = node_dir + "/witnesses";
  const std::string state =
      dir + "/" + HexEncode(crypto::Sha256(witness_key.name() + "\n" + log.origin()));
  uint64_t old_size = 0;
  if (env->Exists(state)) {
    TADAMUN_ASSIGN_OR_RETURN(std::string text, env->ReadFile(state, 64));
    TADAMUN_ASSIGN_OR_RETURN(old_size, audit::ParseDecimal(
                                           text.substr(0, text.find('\n')), "witness state"));
  }
  const audit::SignedCheckpoint latest = log.Latest();
  const uint64_t size = latest.checkpoint.size;
  // The checkpoint as signed by this log only: witnesses cosign the log's signature.
  crypto::Note ours = latest.note;
  ours.signatures.erase(std::remove_if(ours.signatures.begin(), ours.signatures.end(),
                                       [&](const crypto::NoteSignature& s) {
                                         return s.name != log.origin();
                                       }),
                        ours.signatures.end());
  const std::string note = ours.Format();
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (old_size > size) old_size = 0;
    std::vector<audit::Hash> proof;
    if (old_size > 0 && old_size < size) {
      TADAMUN_ASSIGN_OR_RETURN(proof, log.ProveConsistency(old_size, size));
    }
    TADAMUN_ASSIGN_OR_RETURN(auto answer, post(audit::AddCheckpointRequest(old_size, proof, note)));
    auto [status, body] = std::move(answer);
    if (status == 409 && attempt == 0) {
      // The witness holds another size for us: retry from it (it says which).
      auto held = audit::ParseDecimal(body.substr(0, body.find('\n')), "409 body");
      if (!held.ok()) return Status::Unavailable("witness answered 409 without a size");
      old_size = *held;
      continue;
    }
    if (status != 200) {
      return Status::Unavailable("witness answered " + std::to_string(status) + ": " +
                                 body.substr(0, 300));
    }
    TADAMUN_RETURN_IF_ERROR(log.AddCosignatures(note + body, {witness_key}).status());
    TADAMUN_RETURN_IF_ERROR(env->CreateDirs(dir, 0700));
    TADAMUN_RETURN_IF_ERROR(env->WriteFileAtomic(state, std::to_string(size) + "\n", 0600));
    return size;
  }
  return Status::Unavailable("the witness kept refusing the size we sent (409 twice)");
}

}  // namespace tadamun::node
