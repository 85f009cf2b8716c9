#include "audit/checkpoint.h"

#include "base/encoding.h"

namespace tadamun::audit {

std::string Checkpoint::Text() const {
  std::string t = origin + "\n" + std::to_string(size) + "\n" +
                  Base64Encode(HashBytes(root)) + "\n";
  for (const std::string& e : extensions) t += e + "\n";
  return t;
}

StatusOr<uint64_t> ParseDecimal(std::string_view text, std::string_view what) {
  if (text.empty() || text.size() > 19 || (text.size() > 1 && text[0] == '0')) {
    return Status::InvalidArgument(std::string(what) + " '" + std::string(text.substr(0, 40)) +
                                   "' is not a decimal number without leading zeros");
  }
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      return Status::InvalidArgument(std::string(what) + " '" + std::string(text.substr(0, 40)) +
                                     "' is not a decimal number");
    }
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > (uint64_t{1} << 63) - 1) {
    return Status::InvalidArgument(std::string(what) + " is larger than 2^63-1");
  }
  return v;
}

StatusOr<Checkpoint> ParseCheckpoint(std::string_view text) {
  if (text.empty() || text.back() != '\n') {
    return Status::InvalidArgument("checkpoint: the text must end in a newline");
  }
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    lines.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  if (lines.size() < 3) {
    return Status::InvalidArgument("checkpoint: expected origin, size and root lines, got " +
                                   std::to_string(lines.size()) + " lines");
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].empty()) {
      return Status::InvalidArgument("checkpoint: line " + std::to_string(i + 1) + " is empty");
    }
  }
  Checkpoint cp;
  cp.origin = std::string(lines[0]);
  TADAMUN_ASSIGN_OR_RETURN(cp.size, ParseDecimal(lines[1], "checkpoint line 2 (tree size)"));
  auto root = Base64Decode(lines[2]);
  if (!root.ok()) {
    return Status::InvalidArgument("checkpoint line 3 (root hash) is not canonical base64");
  }
  TADAMUN_ASSIGN_OR_RETURN(cp.root, HashFromBytes(*root, "checkpoint line 3 (root hash)"));
  for (size_t i = 3; i < lines.size(); ++i) cp.extensions.emplace_back(lines[i]);
  return cp;
}

StatusOr<SignedCheckpoint> OpenCheckpoint(std::string_view note_text,
                                          const std::vector<crypto::Verifier>& known,
                                          std::string_view expected_origin,
                                          const crypto::NoteLimits& limits) {
  SignedCheckpoint out;
  TADAMUN_ASSIGN_OR_RETURN(out.note, crypto::ParseNote(note_text, limits));
  TADAMUN_ASSIGN_OR_RETURN(out.checkpoint, ParseCheckpoint(out.note.text));
  if (!expected_origin.empty() && out.checkpoint.origin != expected_origin) {
    return Status::InvalidArgument("checkpoint origin '" + out.checkpoint.origin +
                                   "' is not the expected '" + std::string(expected_origin) + "'");
  }
  TADAMUN_ASSIGN_OR_RETURN(out.verified, crypto::VerifyNote(out.note, known));
  return out;
}

}  // namespace tadamun::audit
