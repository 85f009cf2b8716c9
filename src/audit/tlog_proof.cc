#include "audit/tlog_proof.h"

#include "base/encoding.h"

namespace tadamun::audit {
namespace {

constexpr std::string_view kHeader = "c2sp.org/tlog-proof@v1";

}  // namespace

std::string FormatTlogProof(const TlogProof& p) {
  std::string out(kHeader);
  out += '\n';
  if (p.extra) out += "extra " + Base64Encode(*p.extra) + "\n";
  out += "index " + std::to_string(p.index) + "\n";
  for (const Hash& h : p.proof) out += Base64Encode(HashBytes(h)) + "\n";
  out += '\n';
  out += p.checkpoint;
  return out;
}

StatusOr<TlogProof> ParseTlogProof(std::string_view text, const TlogProofLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return Status::ResourceExhausted("tlog-proof is " + std::to_string(text.size()) +
                                     " bytes, over the limit of " + std::to_string(limits.max_bytes));
  }
  size_t pos = 0, line_no = 0;
  auto next_line = [&](std::string_view* line) -> bool {
    if (pos >= text.size()) return false;
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) return false;
    *line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    return true;
  };
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("tlog-proof line " + std::to_string(line_no) + ": " + why);
  };
  std::string_view line;
  if (!next_line(&line) || line != kHeader) {
    return bad("expected the first line to be '" + std::string(kHeader) + "'");
  }
  TlogProof p;
  if (!next_line(&line)) return bad("missing 'index N' line");
  if (line.substr(0, 6) == "extra ") {
    auto extra = Base64Decode(line.substr(6));
    if (!extra.ok()) return bad("extra data is not canonical base64");
    p.extra = std::move(extra).value();
    if (!next_line(&line)) return bad("missing 'index N' line");
  }
  if (line.substr(0, 6) != "index ") return bad("expected 'index N'");
  auto index = ParseDecimal(line.substr(6), "index");
  if (!index.ok()) return bad(index.status().message());
  p.index = *index;
  for (;;) {
    if (!next_line(&line)) return bad("missing the empty line before the checkpoint");
    if (line.empty()) break;
    if (p.proof.size() >= limits.max_hashes) {
      return Status::ResourceExhausted("tlog-proof: more than " + std::to_string(limits.max_hashes) +
                                       " proof hashes");
    }
    auto raw = Base64Decode(line);
    if (!raw.ok()) return bad("proof hash is not canonical base64");
    auto h = HashFromBytes(*raw, "proof hash");
    if (!h.ok()) return bad(h.status().message());
    p.proof.push_back(*h);
  }
  p.checkpoint = std::string(text.substr(pos));
  if (p.checkpoint.empty()) return bad("missing the checkpoint");
  return p;
}

StatusOr<VerifiedTlogProof> VerifyTlogProof(std::string_view text,
                                            const std::vector<crypto::Verifier>& log_keys,
                                            std::optional<std::string_view> entry,
                                            const TlogProofLimits& limits) {
  VerifiedTlogProof out;
  TADAMUN_ASSIGN_OR_RETURN(out.proof, ParseTlogProof(text, limits));
  crypto::NoteLimits note_limits;
  note_limits.max_bytes = limits.max_bytes;
  auto cp = OpenCheckpoint(out.proof.checkpoint, log_keys, "", note_limits);
  if (!cp.ok()) return cp.status().WithPrefix("tlog-proof checkpoint");
  out.checkpoint = std::move(cp).value();
  bool by_log = false;
  for (const crypto::VerifiedSignature& s : out.checkpoint.verified) {
    by_log |= s.type != crypto::SignatureType::kCosignatureV1;
  }
  if (!by_log) {
    return Status::PermissionDenied("tlog-proof checkpoint carries cosignatures only, no log signature");
  }
  if (entry) {
    out.entry = std::string(*entry);
  } else if (out.proof.extra) {
    out.entry = *out.proof.extra;
  } else {
    return Status::InvalidArgument(
        "tlog-proof has no extra data holding the entry; pass the entry bytes to check");
  }
  const uint64_t size = out.checkpoint.checkpoint.size;
  Status s = VerifyInclusion(out.proof.index, size, HashLeaf(out.entry), out.proof.proof,
                             out.checkpoint.checkpoint.root);
  if (!s.ok()) return s.WithPrefix("tlog-proof for entry " + std::to_string(out.proof.index));
  return out;
}

}  // namespace tadamun::audit
