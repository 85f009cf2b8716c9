#include "audit/log.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <bit>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <thread>

#include "audit/durable_files.h"
#include "audit/tiles.h"
#include "base/encoding.h"
#include "base/env.h"

namespace tadamun::audit {
namespace {

constexpr char kCheckpointFile[] = "checkpoint";
constexpr char kHistoryFile[] = "checkpoints";
constexpr char kNodesFile[] = "nodes";
constexpr char kLockFile[] = "lock";
constexpr char kCosignatureDir[] = "cosignatures";

std::string Join(const std::string& dir, const std::string& rel) { return dir + "/" + rel; }

// The `nodes` file is mapped read-only over a fixed window (reads never go past the signed
// size, which is always on disk); proofs then cost memory loads instead of system calls.
constexpr size_t kNodesWindow = size_t{1} << 40;

std::string Concat(const std::vector<Hash>& hashes) {
  std::string out;
  out.reserve(hashes.size() * kHashSize);
  for (const Hash& h : hashes) out += HashBytes(h);
  return out;
}

std::string EncodeBundle(const std::vector<std::string>& entries) {
  std::string out;
  for (const std::string& e : entries) AppendToBundle(e, &out).ok();  // sizes checked before
  return out;
}

}  // namespace

uint64_t PostOrderPosition(uint32_t level, uint64_t index) {
  uint64_t m = (index + 1) << level;
  return 2 * m - static_cast<uint64_t>(std::popcount(m)) - 1 -
         (static_cast<uint64_t>(std::countr_zero(m)) - level);
}

uint64_t StoredNodeCount(uint64_t size) {
  return 2 * size - static_cast<uint64_t>(std::popcount(size));
}

struct Log::State {
  SignedCheckpoint latest;
  CompactRange range;                      // the edge at latest.checkpoint.size
  std::vector<std::vector<Hash>> rows;     // per tile level: hashes of its partial tile
  std::vector<std::string> bundle;         // entries of the partial entry bundle
  uint64_t history_bytes = 0;              // valid length of `checkpoints`
};

// NodeReader over the `nodes` file, refusing nodes beyond a pinned size.
class Log::Reader final : public NodeReader {
 public:
  Reader(const Log* log, uint64_t limit) : log_(log), limit_(limit) {}
  StatusOr<Hash> PerfectNode(uint32_t level, uint64_t index) override {
    return log_->PerfectNode(level, index, limit_);
  }

 private:
  const Log* log_;
  uint64_t limit_;
};

Log::Log() : state_(std::make_unique<State>()) {}

Log::~Log() {
  if (nodes_map_ != nullptr) ::munmap(const_cast<char*>(nodes_map_), kNodesWindow);
  if (nodes_fd_ >= 0) ::close(nodes_fd_);
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

StatusOr<std::unique_ptr<Log>> Log::Open(const std::string& dir, crypto::Signer signer,
                                         const LogOptions& options) {
  std::unique_ptr<Log> log(new Log());
  log->dir_ = dir;
  log->options_ = options;
  log->origin_ = signer.name();
  log->verifier_ = signer.verifier();
  log->signer_.emplace(std::move(signer));
  TADAMUN_RETURN_IF_ERROR(Env::Default()->CreateDirs(dir, 0755));
  const std::string lock_path = Join(dir, kLockFile);
  log->lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (log->lock_fd_ < 0) return ErrnoStatus(errno, "cannot open", lock_path);
  if (::flock(log->lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      return Status::Unavailable("the audit log " + dir +
                                 " is open by another writer (lock file " + lock_path + ")");
    }
    return ErrnoStatus(errno, "cannot lock", lock_path);
  }
  const std::string nodes_path = Join(dir, kNodesFile);
  log->nodes_fd_ = ::open(nodes_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (log->nodes_fd_ < 0) return ErrnoStatus(errno, "cannot open", nodes_path);
  log->MapNodes();
  TADAMUN_RETURN_IF_ERROR(log->Load(true));
  return log;
}

StatusOr<std::unique_ptr<Log>> Log::OpenReader(const std::string& dir,
                                               const crypto::Verifier& verifier,
                                               const LogOptions& options) {
  std::unique_ptr<Log> log(new Log());
  log->dir_ = dir;
  log->options_ = options;
  log->options_.create_if_missing = false;
  log->origin_ = verifier.name();
  log->verifier_ = verifier;
  const std::string nodes_path = Join(dir, kNodesFile);
  log->nodes_fd_ = ::open(nodes_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (log->nodes_fd_ < 0) {
    if (errno == ENOENT) {
      return Status::NotFound("no audit log in " + dir + " (the node creates it when it first logs)");
    }
    return ErrnoStatus(errno, "cannot open", nodes_path);
  }
  log->MapNodes();
  TADAMUN_RETURN_IF_ERROR(log->Load(false));
  return log;
}

Status Log::Load(bool writer) {
  const std::string history_path = Join(dir_, kHistoryFile);
  const std::string checkpoint_path = Join(dir_, kCheckpointFile);
  TADAMUN_ASSIGN_OR_RETURN(HistoryTail tail, ReadHistoryTail(history_path, options_.max_note_bytes));
  std::optional<std::string> file_note;
  {
    auto text = Env::Default()->ReadFile(checkpoint_path, options_.max_note_bytes);
    if (text.ok()) {
      file_note = std::move(text).value();
    } else if (text.status().code() != StatusCode::kNotFound) {
      return text.status();
    }
  }
  struct stat st;
  ::fstat(nodes_fd_, &st);
  uint64_t stored_hashes = static_cast<uint64_t>(st.st_size) / kHashSize;

  if (!tail.last && !file_note) {
    if (!writer || !options_.create_if_missing) {
      return Status::NotFound("no signed checkpoint in " + dir_ + " (no audit log there)");
    }
    if (stored_hashes > 0) {
      return Status::DataLoss("audit log " + dir_ +
                              " holds tree data but no signed checkpoint; refusing to start over");
    }
    state_->history_bytes = tail.valid_bytes;
    return SignAndPublish(0, EmptyRoot(), &state_->latest);
  }

  auto open = [&](const std::string& note, const char* what) -> StatusOr<SignedCheckpoint> {
    auto cp = OpenCheckpoint(note, {verifier_}, origin_);
    if (!cp.ok()) {
      return Status::DataLoss(std::string(what) + " in " + dir_ + " is not a checkpoint signed by " +
                              verifier_.ToString() + ": " + cp.status().message());
    }
    return cp;
  };
  SignedCheckpoint signed_cp;
  bool rewrite_checkpoint = false;
  if (tail.last) {
    TADAMUN_ASSIGN_OR_RETURN(signed_cp, open(*tail.last, "the last record of `checkpoints`"));
  }
  if (file_note && tail.last && !OpenCheckpoint(*file_note, {verifier_}, origin_).ok()) {
    file_note.reset();  // torn by a crash: rebuilt from the history below
  }
  if (file_note) {
    TADAMUN_ASSIGN_OR_RETURN(SignedCheckpoint from_file, open(*file_note, "`checkpoint`"));
    if (!tail.last) {
      signed_cp = std::move(from_file);
    } else if (from_file.checkpoint.size > signed_cp.checkpoint.size) {
      return Status::DataLoss("the checkpoint history of " + dir_ + " ends at size " +
                              std::to_string(signed_cp.checkpoint.size) +
                              " but `checkpoint` is signed at size " +
                              std::to_string(from_file.checkpoint.size) + ": history was lost");
    } else if (from_file.checkpoint.size == signed_cp.checkpoint.size) {
      if (from_file.note.text != signed_cp.note.text) {
        return Status::DataLoss("two different checkpoints signed at size " +
                                std::to_string(signed_cp.checkpoint.size) + " in " + dir_ +
                                " (`checkpoint` and the history disagree)");
      }
      signed_cp = std::move(from_file);  // keeps the cosignatures stored with it
    } else {
      rewrite_checkpoint = true;  // a crash before `checkpoint` was replaced
    }
  } else {
    rewrite_checkpoint = true;
  }
  const uint64_t size = signed_cp.checkpoint.size;
  const uint64_t needed = StoredNodeCount(size);
  if (stored_hashes < needed) {
    return Status::DataLoss("audit log " + dir_ + " is rolled back: its last signed checkpoint covers " +
                            std::to_string(size) + " entries (" + std::to_string(needed) +
                            " stored hashes) but only " + std::to_string(stored_hashes) +
                            " hashes are stored; refusing to open below a signed size");
  }
  if (writer && static_cast<uint64_t>(st.st_size) != needed * kHashSize) {
    // Leftovers of an append that never got signed.
    if (::ftruncate(nodes_fd_, static_cast<off_t>(needed * kHashSize)) != 0 ||
        ::fsync(nodes_fd_) != 0) {
      return ErrnoStatus(errno, "cannot truncate", Join(dir_, kNodesFile));
    }
  }
  std::vector<Hash> edge;
  for (auto [level, index] : EdgeNodes(size)) {
    TADAMUN_ASSIGN_OR_RETURN(Hash h, PerfectNode(level, index, size));
    edge.push_back(h);
  }
  TADAMUN_ASSIGN_OR_RETURN(state_->range, CompactRange::FromEdge(size, std::move(edge)));
  if (state_->range.Root() != signed_cp.checkpoint.root) {
    return Status::DataLoss("audit log " + dir_ + ": the stored tree at size " + std::to_string(size) +
                            " hashes to " + HashHex(state_->range.Root()) +
                            " but the signed checkpoint says " + HashHex(signed_cp.checkpoint.root));
  }
  state_->latest = std::move(signed_cp);
  state_->history_bytes = tail.valid_bytes;
  if (!writer) return Status::Ok();

  if (rewrite_checkpoint) {
    // Cosignatures received for this checkpoint are kept in cosignatures/<size> too.
    auto cosigned = Env::Default()->ReadFile(
        Join(dir_, std::string(kCosignatureDir) + "/" + std::to_string(size)), options_.max_note_bytes);
    if (cosigned.ok()) {
      auto note = crypto::ParseNote(*cosigned);
      if (note.ok() && note->text == state_->latest.note.text) state_->latest.note = *note;
    }
    TADAMUN_RETURN_IF_ERROR(ReplaceUnsynced(Join(dir_, kCheckpointFile), state_->latest.note.Format()));
  }
  if (tail.valid_bytes > 0) {
    struct stat hs;
    if (::stat(history_path.c_str(), &hs) == 0 && static_cast<uint64_t>(hs.st_size) != tail.valid_bytes) {
      if (::truncate(history_path.c_str(), static_cast<off_t>(tail.valid_bytes)) != 0) {
        return ErrnoStatus(errno, "cannot truncate", history_path);
      }
    }
  }
  return LoadWriterState();
}

Status Log::LoadWriterState() {
  const uint64_t size = state_->range.size();
  state_->rows.assign(TileLevels(size), {});
  for (uint32_t t = 0; t < state_->rows.size(); ++t) {
    TileCount tc = TilesAt(size, t);
    uint64_t base = tc.full * kTileWidth;
    for (uint32_t j = 0; j < tc.partial_width; ++j) {
      TADAMUN_ASSIGN_OR_RETURN(Hash h, PerfectNode(kTileHeight * t, base + j, size));
      state_->rows[t].push_back(h);
    }
    // A full tile beyond the signed size is a leftover of an unsigned append.
    ::unlink(Join(dir_, TilePath(t, tc.full, 0)).c_str());
  }
  TileCount entries = TilesAt(size, 0);
  ::unlink(Join(dir_, EntriesPath(entries.full, 0)).c_str());
  state_->bundle.clear();
  if (entries.partial_width > 0) {
    TADAMUN_ASSIGN_OR_RETURN(state_->bundle, ReadBundle(entries.full, size));
    for (uint32_t j = 0; j < entries.partial_width; ++j) {
      if (HashLeaf(state_->bundle[j]) != state_->rows[0][j]) {
        return Status::DataLoss("audit log " + dir_ + ": entry " +
                                std::to_string(entries.full * kTileWidth + j) +
                                " does not hash to its stored leaf hash");
      }
    }
  }
  return Status::Ok();
}

void Log::MapNodes() {
  void* p = ::mmap(nullptr, kNodesWindow, PROT_READ, MAP_SHARED, nodes_fd_, 0);
  nodes_map_ = p == MAP_FAILED ? nullptr : static_cast<const char*>(p);  // else pread
}

StatusOr<Hash> Log::PerfectNode(uint32_t level, uint64_t index, uint64_t limit) const {
  if (level >= 64 || index > (limit >> level) || ((index + 1) << level) > limit) {
    return Status::NotFound("node (" + std::to_string(level) + ", " + std::to_string(index) +
                            ") is beyond the tree size " + std::to_string(limit));
  }
  Hash h;
  const uint64_t offset = PostOrderPosition(level, index) * kHashSize;
  if (nodes_map_ != nullptr && offset + kHashSize <= kNodesWindow) {
    std::memcpy(h.data(), nodes_map_ + offset, kHashSize);
    return h;
  }
  TADAMUN_RETURN_IF_ERROR(PReadAll(nodes_fd_, reinterpret_cast<char*>(h.data()), kHashSize,
                                   offset, Join(dir_, kNodesFile)));
  return h;
}

StatusOr<std::vector<std::string>> Log::ReadBundle(uint64_t n, uint64_t tree_size) const {
  TileCount tc = TilesAt(tree_size, 0);
  uint32_t want = n < tc.full ? kTileWidth : (n == tc.full ? tc.partial_width : 0);
  if (want == 0) return Status::NotFound("entry bundle " + std::to_string(n) + " is beyond the tree");
  // The bundle of exactly the pinned width first (a full file may hold entries of a batch
  // that was never signed); the full bundle serves once its partial files are pruned.
  constexpr uint64_t kMaxBundle = 256 * (kMaxEntrySize + 2);
  auto read = Env::Default()->ReadFile(Join(dir_, EntriesPath(n, want)), kMaxBundle);
  if (!read.ok() && want < kTileWidth && read.status().code() == StatusCode::kNotFound) {
    read = Env::Default()->ReadFile(Join(dir_, EntriesPath(n, 0)), kMaxBundle);
  }
  if (!read.ok()) {
    return Status::DataLoss("audit log " + dir_ + ": entry bundle " + EntriesPath(n, want) +
                            " is missing: " + read.status().message());
  }
  std::string text = std::move(read).value();
  auto entries = ParseBundle(text);
  if (!entries.ok()) return entries.status().WithPrefix(Join(dir_, EntriesPath(n, want)));
  if (entries->size() < want) {
    return Status::DataLoss("audit log " + dir_ + ": entry bundle " + std::to_string(n) + " has " +
                            std::to_string(entries->size()) + " entries, expected " +
                            std::to_string(want));
  }
  entries->resize(want);
  return entries;
}

Status Log::WriteDurable(const std::string& rel, std::string_view data) {
  std::set<std::string> dirs;
  TADAMUN_RETURN_IF_ERROR(MakeParents(Join(dir_, rel), &dirs));
  TADAMUN_RETURN_IF_ERROR(WriteAndSync(Join(dir_, rel), data));
  for (const std::string& d : dirs) TADAMUN_RETURN_IF_ERROR(SyncDir(d));
  return Status::Ok();
}

Status Log::SignAndPublish(uint64_t size, const Hash& root, SignedCheckpoint* out) {
  Checkpoint cp;
  cp.origin = origin_;
  cp.size = size;
  cp.root = root;
  crypto::Note note;
  note.text = cp.Text();
  note.signatures.push_back(signer_->Sign(note.text));
  const std::string formatted = note.Format();
  // 1. The history record (the signed size is durable from here on).
  const std::string history_path = Join(dir_, kHistoryFile);
  int fd = ::open(history_path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus(errno, "cannot open", history_path);
  std::string record = Be32(static_cast<uint32_t>(formatted.size())) + formatted +
                       Be32(static_cast<uint32_t>(formatted.size()));
  Status s = PWriteAll(fd, record, state_->history_bytes, history_path);
  if (s.ok() && ::fdatasync(fd) != 0) s = ErrnoStatus(errno, "cannot sync", history_path);
  ::close(fd);
  TADAMUN_RETURN_IF_ERROR(s);
  if (state_->history_bytes == 0) TADAMUN_RETURN_IF_ERROR(SyncDir(dir_));
  {
    std::lock_guard<std::mutex> lock(mu_);
    state_->history_bytes += record.size();
  }
  // 2. The served checkpoint: derived from the history, so not synced. The batch is signed
  // and durable already; if this replacement fails, the next append or Load rewrites it.
  (void)ReplaceUnsynced(Join(dir_, kCheckpointFile), formatted);
  out->checkpoint = cp;
  out->note = std::move(note);
  out->verified = {crypto::VerifiedSignature{origin_, verifier_.key_id(),
                                             crypto::SignatureType::kEd25519, std::nullopt}};
  return Status::Ok();
}

StatusOr<AppendResult> Log::Append(const std::vector<std::string>& entries) {
  // One append at a time; readers (mu_) are only blocked while the new state is swapped in.
  std::lock_guard<std::mutex> append_lock(append_mu_);
  if (!signer_) return Status::FailedPrecondition("the audit log is open read-only");
  if (entries.size() > options_.max_batch) {
    return Status::ResourceExhausted("audit append of " + std::to_string(entries.size()) +
                                     " entries is over the batch limit of " +
                                     std::to_string(options_.max_batch));
  }
  for (size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].size() > kMaxEntrySize) {
      return Status::InvalidArgument("audit entry " + std::to_string(i) + " of the batch is " +
                                     std::to_string(entries[i].size()) +
                                     " bytes; at most 65535 are allowed");
    }
  }
  const uint64_t old_size = state_->range.size();  // range, rows, bundle: only appends touch them
  if (entries.empty()) return AppendResult{old_size, Latest()};

  // Work on copies: nothing changes in memory unless the batch is signed.
  CompactRange range = state_->range;
  std::vector<std::vector<Hash>> rows = state_->rows;
  std::vector<std::string> bundle = state_->bundle;
  std::string new_nodes;
  new_nodes.reserve(entries.size() * 2 * kHashSize);
  std::vector<std::pair<std::string, std::string>> files;
  std::vector<std::string> superseded;  // .p folders of tiles that became full
  for (const std::string& e : entries) {
    const uint64_t index = range.size();
    range.Append(HashLeaf(e), [&](uint32_t level, uint64_t node_index, const Hash& h) {
      new_nodes += HashBytes(h);
      if (level % kTileHeight != 0) return;
      uint32_t t = level / kTileHeight;
      if (rows.size() <= t) rows.resize(t + 1);
      rows[t].push_back(h);
      if (rows[t].size() == kTileWidth) {
        files.emplace_back(TilePath(t, node_index / kTileWidth, 0), Concat(rows[t]));
        superseded.push_back(TilePath(t, node_index / kTileWidth, 0) + ".p");
        rows[t].clear();
      }
    });
    bundle.push_back(e);
    if (bundle.size() == kTileWidth) {
      files.emplace_back(EntriesPath(index / kTileWidth, 0), EncodeBundle(bundle));
      superseded.push_back(EntriesPath(index / kTileWidth, 0) + ".p");
      bundle.clear();
    }
  }
  const uint64_t new_size = range.size();
  for (uint32_t t = 0; t < rows.size(); ++t) {
    TileCount before = TilesAt(old_size, t), after = TilesAt(new_size, t);
    if (after.partial_width > 0 &&
        (after.full != before.full || after.partial_width != before.partial_width)) {
      files.emplace_back(TilePath(t, after.full, after.partial_width), Concat(rows[t]));
    }
  }
  if (!bundle.empty()) {
    files.emplace_back(EntriesPath(new_size / kTileWidth, static_cast<uint32_t>(bundle.size())),
                       EncodeBundle(bundle));
  }

  // Durable data first: node hashes, then tiles and bundles, then their folders.
  // The files are written and synced concurrently; all must be durable before signing.
  const std::string nodes_path = Join(dir_, kNodesFile);
  std::set<std::string> dirs;
  for (const auto& [rel, data] : files) TADAMUN_RETURN_IF_ERROR(MakeParents(Join(dir_, rel), &dirs));
  std::vector<std::function<Status()>> jobs;
  jobs.push_back([&] {
    TADAMUN_RETURN_IF_ERROR(PWriteAll(nodes_fd_, new_nodes, StoredNodeCount(old_size) * kHashSize, nodes_path));
    if (::fdatasync(nodes_fd_) != 0) return ErrnoStatus(errno, "cannot sync", nodes_path);
    return Status::Ok();
  });
  for (const auto& file : files) {
    jobs.push_back([&] { return WriteAndSync(Join(dir_, file.first), file.second); });
  }
  // On failure, full tiles and bundles of this batch hold unsigned data: remove them so no
  // reader or later batch mistakes them for the log's.
  auto discard = [&](Status s) {
    for (const auto& file : files) {
      if (file.first.find(".p/") == std::string::npos) ::unlink(Join(dir_, file.first).c_str());
    }
    return s;
  };
  if (Status s = RunConcurrently(std::move(jobs)); !s.ok()) return discard(s);
  jobs.clear();
  for (const std::string& d : dirs) jobs.push_back([&d] { return SyncDir(d); });
  if (!jobs.empty()) {
    if (Status s = RunConcurrently(std::move(jobs)); !s.ok()) return discard(s);
  }

  // Only now sign.
  AppendResult result;
  result.first_index = old_size;
  if (Status s = SignAndPublish(new_size, range.Root(), &result.checkpoint); !s.ok()) {
    return discard(s);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    state_->range = std::move(range);
    state_->rows = std::move(rows);
    state_->bundle = std::move(bundle);
    state_->latest = result.checkpoint;
  }
  // Partial tiles whose full tile now exists may go (C2SP tlog-tiles allows it).
  for (const std::string& p : superseded) {
    std::error_code ec;
    std::filesystem::remove_all(Join(dir_, p), ec);
  }
  return result;
}

StatusOr<AppendResult> Log::AppendEntries(const std::vector<Entry>& entries) {
  std::vector<std::string> raw;
  for (const Entry& e : entries) {
    TADAMUN_ASSIGN_OR_RETURN(std::vector<Entry> parts, SplitToFit(e));
    for (const Entry& p : parts) {
      TADAMUN_ASSIGN_OR_RETURN(std::string bytes, EncodeEntry(p));
      raw.push_back(std::move(bytes));
    }
  }
  return Append(raw);
}

SignedCheckpoint Log::Latest() const {
  std::lock_guard<std::mutex> lock(mu_);
  return state_->latest;
}

uint64_t Log::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return state_->latest.checkpoint.size;
}

StatusOr<std::string> Log::ReadEntry(uint64_t index) const {
  uint64_t tree_size = size();
  if (index >= tree_size) {
    return Status::NotFound("audit entry " + std::to_string(index) + " does not exist; the log has " +
                            std::to_string(tree_size) + " entries");
  }
  TADAMUN_ASSIGN_OR_RETURN(std::vector<std::string> bundle, ReadBundle(index / kTileWidth, tree_size));
  return std::move(bundle[index % kTileWidth]);
}

Status Log::ForEachEntry(uint64_t begin, uint64_t end,
                         const std::function<Status(uint64_t, std::string_view)>& fn) const {
  uint64_t tree_size = size();
  if (end > tree_size || begin > end) {
    return Status::InvalidArgument("entry range [" + std::to_string(begin) + ", " +
                                   std::to_string(end) + ") is outside the log of " +
                                   std::to_string(tree_size) + " entries");
  }
  for (uint64_t i = begin; i < end;) {
    TADAMUN_ASSIGN_OR_RETURN(std::vector<std::string> bundle, ReadBundle(i / kTileWidth, tree_size));
    for (uint64_t j = i % kTileWidth; j < bundle.size() && i < end; ++j, ++i) {
      TADAMUN_RETURN_IF_ERROR(fn(i, bundle[j]));
    }
  }
  return Status::Ok();
}

StatusOr<std::vector<Hash>> Log::ProveInclusion(uint64_t index, uint64_t tree_size) const {
  if (tree_size > size()) {
    return Status::InvalidArgument("tree size " + std::to_string(tree_size) +
                                   " is beyond the latest signed size " + std::to_string(size()));
  }
  Reader reader(this, tree_size);
  return InclusionProof(reader, index, tree_size);
}

StatusOr<std::vector<Hash>> Log::ProveConsistency(uint64_t size1, uint64_t size2) const {
  if (size2 > size()) {
    return Status::InvalidArgument("tree size " + std::to_string(size2) +
                                   " is beyond the latest signed size " + std::to_string(size()));
  }
  Reader reader(this, size2);
  return ConsistencyProof(reader, size1, size2);
}

StatusOr<Hash> Log::RootAt(uint64_t tree_size) const {
  if (tree_size > size()) {
    return Status::InvalidArgument("tree size " + std::to_string(tree_size) +
                                   " is beyond the latest signed size " + std::to_string(size()));
  }
  Reader reader(this, tree_size);
  return audit::RootAt(reader, tree_size);
}

Status Log::ForEachSignedCheckpoint(
    const std::function<Status(const std::string& note)>& fn) const {
  const std::string path = Join(dir_, kHistoryFile);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "cannot open", path);
  uint64_t limit;
  {
    std::lock_guard<std::mutex> lock(mu_);
    limit = state_->history_bytes;
  }
  Status s;
  for (uint64_t pos = 0; s.ok() && pos < limit;) {
    char len_buf[4];
    s = PReadAll(fd, len_buf, 4, pos, path);
    if (!s.ok()) break;
    uint32_t len = ReadBe32(len_buf);
    if (len > options_.max_note_bytes || pos + 8 + len > limit) {
      s = Status::DataLoss(path + ": broken record at byte offset " + std::to_string(pos));
      break;
    }
    std::string rec(len + 4, '\0');
    s = PReadAll(fd, rec.data(), rec.size(), pos + 4, path);
    if (!s.ok()) break;
    if (ReadBe32(rec.data() + len) != len) {
      s = Status::DataLoss(path + ": broken record trailer at byte offset " + std::to_string(pos));
      break;
    }
    rec.resize(len);
    s = fn(rec);
    pos += 8 + len;
  }
  ::close(fd);
  return s;
}

StatusOr<std::vector<std::string>> Log::AddCosignatures(
    std::string_view note_text, const std::vector<crypto::Verifier>& witnesses) {
  if (!signer_) return Status::FailedPrecondition("the audit log is open read-only");
  crypto::NoteLimits limits;
  limits.max_bytes = options_.max_note_bytes;
  TADAMUN_ASSIGN_OR_RETURN(crypto::Note received, crypto::ParseNote(note_text, limits));
  TADAMUN_ASSIGN_OR_RETURN(Checkpoint cp, ParseCheckpoint(received.text));
  if (cp.origin != origin_) {
    return Status::NotFound("cosigned checkpoint is for log '" + cp.origin + "', not '" + origin_ + "'");
  }
  std::vector<crypto::Verifier> cosigners;
  for (const crypto::Verifier& w : witnesses) {
    if (w.type() == crypto::SignatureType::kEcdsa) continue;
    TADAMUN_ASSIGN_OR_RETURN(crypto::Verifier c, w.AsCosignatureV1());
    cosigners.push_back(std::move(c));
  }
  TADAMUN_ASSIGN_OR_RETURN(std::vector<crypto::VerifiedSignature> ok,
                           crypto::VerifyNote(received, cosigners));
  std::lock_guard<std::mutex> append_lock(append_mu_);  // serialised with appends
  // The stored note for that size: the latest, else the cosignature file, else the history.
  std::optional<crypto::Note> base;
  const std::string cosig_rel = std::string(kCosignatureDir) + "/" + std::to_string(cp.size);
  SignedCheckpoint latest = Latest();
  if (latest.checkpoint.size == cp.size) {
    base = latest.note;
  } else if (auto stored = Env::Default()->ReadFile(Join(dir_, cosig_rel), options_.max_note_bytes);
             stored.ok()) {
    TADAMUN_ASSIGN_OR_RETURN(base, crypto::ParseNote(*stored, limits));
  } else {
    TADAMUN_RETURN_IF_ERROR(ForEachSignedCheckpoint([&](const std::string& note) {
      auto parsed = crypto::ParseNote(note, limits);
      if (parsed.ok() && parsed->text == received.text) base = *parsed;
      return Status::Ok();
    }));
  }
  if (!base || base->text != received.text) {
    return Status::NotFound("this log never signed the cosigned checkpoint at size " +
                            std::to_string(cp.size));
  }
  std::vector<std::string> added;
  for (const crypto::VerifiedSignature& v : ok) {
    bool present = false;
    for (const crypto::NoteSignature& s : base->signatures) {
      present |= s.name == v.name && s.key_id == v.key_id;
    }
    if (present) continue;
    for (const crypto::NoteSignature& s : received.signatures) {
      if (s.name == v.name && s.key_id == v.key_id) base->signatures.push_back(s);
    }
    added.push_back(v.name);
  }
  if (added.empty()) return added;
  if (base->signatures.size() > limits.max_signatures) {
    return Status::ResourceExhausted("checkpoint at size " + std::to_string(cp.size) +
                                     " already carries the most signatures allowed");
  }
  const std::string formatted = base->Format();
  TADAMUN_RETURN_IF_ERROR(Env::Default()->CreateDirs(Join(dir_, kCosignatureDir), 0755));
  TADAMUN_RETURN_IF_ERROR(Env::Default()->WriteFileAtomic(Join(dir_, cosig_rel), formatted, 0644));
  if (latest.checkpoint.size == cp.size) {
    TADAMUN_RETURN_IF_ERROR(
        Env::Default()->WriteFileAtomic(Join(dir_, kCheckpointFile), formatted, 0644));
    std::lock_guard<std::mutex> lock(mu_);
    state_->latest.note = *base;
  }
  return added;
}

}  // namespace tadamun::audit
