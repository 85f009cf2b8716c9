#include "audit/witness.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "base/encoding.h"
#include "base/env.h"
#include "crypto/digest.h"

namespace tadamun::audit {
namespace {

WitnessResponse Reply(int status, std::string body) {
  WitnessResponse r;
  r.status = status;
  r.body = std::move(body);
  if (!r.body.empty() && r.body.back() != '\n') r.body += '\n';
  return r;
}

// flock for the duration of a scope; a failure to lock is reported by ok().
class FileLock {
 public:
  explicit FileLock(const std::string& path)
      : fd_(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644)) {
    if (fd_ >= 0 && ::flock(fd_, LOCK_EX) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~FileLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  bool ok() const { return fd_ >= 0; }

 private:
  int fd_;
};

}  // namespace

std::string AddCheckpointRequest(uint64_t old_size, const std::vector<Hash>& proof,
                                 std::string_view checkpoint_note) {
  std::string body = "old " + std::to_string(old_size) + "\n";
  for (const Hash& h : proof) body += Base64Encode(HashBytes(h)) + "\n";
  body += "\n";
  body += checkpoint_note;
  return body;
}

Witness::Witness(std::string dir, crypto::Signer signer, std::vector<WitnessedLog> logs,
                 Clock* clock, const WitnessOptions& options)
    : dir_(std::move(dir)), signer_(std::move(signer)), logs_(std::move(logs)), clock_(clock),
      options_(options) {}

StatusOr<std::unique_ptr<Witness>> Witness::Open(const std::string& dir, crypto::Signer signer,
                                                 std::vector<WitnessedLog> logs,
                                                 Clock* clock, const WitnessOptions& options) {
  TADAMUN_RETURN_IF_ERROR(Env::Default()->CreateDirs(dir, 0755));
  return std::unique_ptr<Witness>(
      new Witness(dir, std::move(signer), std::move(logs), clock, options));
}

std::string Witness::StatePath(std::string_view origin) const {
  return dir_ + "/" + HexEncode(crypto::Sha256(origin));
}

StatusOr<std::optional<std::string>> Witness::LatestCosigned(std::string_view origin) {
  auto text = Env::Default()->ReadFile(StatePath(origin), 64 << 10);
  if (!text.ok()) {
    if (text.status().code() == StatusCode::kNotFound) return std::optional<std::string>();
    return text.status();
  }
  return std::optional<std::string>(std::move(text).value());
}

WitnessResponse Witness::AddCheckpoint(std::string_view body) {
  if (body.size() > options_.max_request_bytes) {
    return Reply(400, "request body over " + std::to_string(options_.max_request_bytes) + " bytes");
  }
  // old <size>\n, proof lines, blank line, checkpoint.
  size_t pos = body.find('\n');
  if (pos == std::string_view::npos || body.substr(0, 4) != "old ") {
    return Reply(400, "expected the first line to be 'old <size>'");
  }
  auto old_size = ParseDecimal(body.substr(4, pos - 4), "old size");
  if (!old_size.ok()) return Reply(400, old_size.status().message());
  ++pos;
  std::vector<Hash> proof;
  for (;;) {
    size_t end = body.find('\n', pos);
    if (end == std::string_view::npos) return Reply(400, "missing the blank line before the checkpoint");
    std::string_view line = body.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty()) break;
    if (proof.size() >= options_.max_proof_lines) {
      return Reply(400, "more than " + std::to_string(options_.max_proof_lines) + " consistency proof lines");
    }
    auto raw = Base64Decode(line);
    if (!raw.ok()) return Reply(400, "consistency proof line is not canonical base64");
    auto h = HashFromBytes(*raw, "consistency proof hash");
    if (!h.ok()) return Reply(400, h.status().message());
    proof.push_back(*h);
  }
  auto note = crypto::ParseNote(body.substr(pos));
  if (!note.ok()) return Reply(400, note.status().message());
  auto cp = ParseCheckpoint(note->text);
  if (!cp.ok()) return Reply(400, cp.status().message());
  const WitnessedLog* log = nullptr;
  for (const WitnessedLog& l : logs_) {
    if (l.origin == cp->origin) log = &l;
  }
  if (log == nullptr) return Reply(404, "unknown log origin '" + cp->origin + "'");
  auto verified = crypto::VerifyNote(*note, log->keys);
  if (!verified.ok()) return Reply(403, "checkpoint of " + cp->origin + ": " + verified.status().message());
  if (*old_size > cp->size) {
    return Reply(400, "old size " + std::to_string(*old_size) + " is above the checkpoint size " +
                          std::to_string(cp->size));
  }

  std::lock_guard<std::mutex> lock(mu_);
  FileLock file_lock(dir_ + "/lock");
  if (!file_lock.ok()) return Reply(503, "cannot lock the witness state");
  auto stored_text = LatestCosigned(cp->origin);
  if (!stored_text.ok()) return Reply(500, stored_text.status().message());
  uint64_t stored_size = 0;
  Hash stored_root{};
  if (stored_text->has_value()) {
    auto stored_note = crypto::ParseNote(**stored_text);
    auto stored = stored_note.ok() ? ParseCheckpoint(stored_note->text) : StatusOr<Checkpoint>(stored_note.status());
    if (!stored.ok()) return Reply(500, "stored witness state is damaged: " + stored.status().message());
    stored_size = stored->size;
    stored_root = stored->root;
  }
  if (*old_size != stored_size) {
    WitnessResponse r = Reply(409, std::to_string(stored_size));
    r.content_type = "text/x.tlog.size";
    return r;
  }
  if (*old_size == 0) {
    if (!proof.empty()) return Reply(400, "the consistency proof must be empty when the old size is 0");
  } else if (*old_size == cp->size) {
    if (!proof.empty()) return Reply(422, "equal sizes need an empty consistency proof");
    if (stored_root != cp->root) {
      WitnessResponse r = Reply(409, std::to_string(stored_size));
      r.content_type = "text/x.tlog.size";
      return r;
    }
  } else {
    Status s = VerifyConsistency(*old_size, cp->size, proof, stored_root, cp->root);
    if (!s.ok()) return Reply(422, s.message());
  }
  uint64_t now = static_cast<uint64_t>(std::max<int64_t>(0, clock_->Now().unix_seconds()));
  crypto::NoteSignature cosig = signer_.Cosign(note->text, now);
  crypto::Note stored_note;
  stored_note.text = note->text;
  stored_note.signatures = note->signatures;
  stored_note.signatures.push_back(cosig);
  Status saved = Env::Default()->WriteFileAtomic(StatePath(cp->origin), stored_note.Format(), 0644);
  if (!saved.ok()) return Reply(500, saved.message());
  WitnessResponse ok;
  ok.body = cosig.Line();
  return ok;
}

}  // namespace tadamun::audit
