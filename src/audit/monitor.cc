#include "audit/monitor.h"

#include "audit/tiles.h"
#include "base/encoding.h"
#include "base/env.h"
#include "crypto/digest.h"

namespace tadamun::audit {

StatusOr<const std::vector<Hash>*> TileNodeReader::Tile(uint32_t tile_level, uint64_t n) {
  for (auto it = cache_.begin(); it != cache_.end(); ++it) {
    if (it->level == tile_level && it->n == n) {
      cache_.splice(cache_.begin(), cache_, it);
      return &cache_.front().hashes;
    }
  }
  TileCount tc = TilesAt(size_, tile_level);
  uint32_t width = n < tc.full ? static_cast<uint32_t>(kTileWidth) : (n == tc.full ? tc.partial_width : 0);
  if (width == 0) return Status::NotFound("tile beyond the tree size " + std::to_string(size_));
  auto data = fetch_(TilePath(tile_level, n, width));
  if (!data.ok() && width < kTileWidth && data.status().code() == StatusCode::kNotFound) {
    data = fetch_(TilePath(tile_level, n, 0));  // the full tile serves any smaller size
  }
  if (!data.ok()) return data.status();
  if (data->size() < width * kHashSize || data->size() > kTileWidth * kHashSize ||
      data->size() % kHashSize != 0) {
    return Status::DataLoss("tile " + TilePath(tile_level, n, width) + " has " +
                            std::to_string(data->size()) + " bytes, expected " +
                            std::to_string(width * kHashSize));
  }
  Cached c{tile_level, n, {}};
  for (uint32_t j = 0; j < width; ++j) {
    Hash h;
    std::copy_n(data->data() + j * kHashSize, kHashSize, h.begin());
    c.hashes.push_back(h);
  }
  cache_.push_front(std::move(c));
  while (cache_.size() > std::max<size_t>(1, cache_tiles_)) cache_.pop_back();
  return &cache_.front().hashes;
}

StatusOr<Hash> TileNodeReader::PerfectNode(uint32_t level, uint64_t index) {
  if (level >= 64 || index > (size_ >> level) || ((index + 1) << level) > size_) {
    return Status::NotFound("node beyond the tree size " + std::to_string(size_));
  }
  uint32_t t = level / kTileHeight, r = level % kTileHeight;
  uint64_t first = index << r;  // first hash at tree level 8t
  TADAMUN_ASSIGN_OR_RETURN(const std::vector<Hash>* tile, Tile(t, first / kTileWidth));
  size_t offset = first % kTileWidth, count = size_t{1} << r;
  if (offset + count > tile->size()) return Status::DataLoss("tile too short for the node");
  return ReferenceRoot(std::span<const Hash>(*tile).subspan(offset, count));
}

std::string_view WatchVerdictName(WatchVerdict v) {
  switch (v) {
    case WatchVerdict::kFirstSeen: return "first-seen";
    case WatchVerdict::kUnchanged: return "unchanged";
    case WatchVerdict::kGrew: return "grew";
    case WatchVerdict::kFork: return "FORK";
    case WatchVerdict::kRollback: return "ROLLBACK";
  }
  return "?";
}

StatusOr<std::unique_ptr<Monitor>> Monitor::Open(const std::string& dir, Clock* clock) {
  TADAMUN_RETURN_IF_ERROR(Env::Default()->CreateDirs(dir, 0755));
  return std::unique_ptr<Monitor>(new Monitor(dir, clock));
}

StatusOr<std::optional<std::string>> Monitor::Last(std::string_view origin) {
  auto text = Env::Default()->ReadFile(dir_ + "/" + HexEncode(crypto::Sha256(origin)), 64 << 10);
  if (!text.ok()) {
    if (text.status().code() == StatusCode::kNotFound) return std::optional<std::string>();
    return text.status();
  }
  return std::optional<std::string>(std::move(text).value());
}

StatusOr<std::string> Monitor::SaveEvidence(std::string_view origin, std::string_view previous,
                                            std::string_view current, std::string_view reason) {
  std::string name = clock_->Now().ToString();
  for (char& c : name) {
    if (c == ':') c = '-';
  }
  std::string dir = dir_ + "/evidence/" + HexEncode(crypto::Sha256(origin)).substr(0, 16) + "-" + name;
  TADAMUN_RETURN_IF_ERROR(Env::Default()->CreateDirs(dir, 0755));
  TADAMUN_RETURN_IF_ERROR(Env::Default()->WriteFileAtomic(dir + "/previous.note", previous, 0644));
  TADAMUN_RETURN_IF_ERROR(Env::Default()->WriteFileAtomic(dir + "/current.note", current, 0644));
  TADAMUN_RETURN_IF_ERROR(Env::Default()->WriteFileAtomic(
      dir + "/reason.txt", "origin: " + std::string(origin) + "\n" + std::string(reason) + "\n", 0644));
  return dir;
}

StatusOr<WatchResult> Monitor::Observe(std::string_view note,
                                       const std::vector<crypto::Verifier>& peer_keys,
                                       const ConsistencyFn& prove) {
  WatchResult result;
  TADAMUN_ASSIGN_OR_RETURN(result.checkpoint, OpenCheckpoint(note, peer_keys));
  const Checkpoint& now = result.checkpoint.checkpoint;
  std::lock_guard<std::mutex> lock(mu_);
  TADAMUN_ASSIGN_OR_RETURN(std::optional<std::string> last_text, Last(now.origin));
  const std::string state_path = dir_ + "/" + HexEncode(crypto::Sha256(now.origin));
  if (!last_text) {
    TADAMUN_RETURN_IF_ERROR(Env::Default()->WriteFileAtomic(state_path, note, 0644));
    result.verdict = WatchVerdict::kFirstSeen;
    result.message = now.origin + ": first checkpoint seen, size " + std::to_string(now.size);
    return result;
  }
  auto last_note = crypto::ParseNote(*last_text);
  if (!last_note.ok()) return last_note.status().WithPrefix("stored monitor state " + state_path);
  TADAMUN_ASSIGN_OR_RETURN(Checkpoint last, ParseCheckpoint(last_note->text));
  auto alarm = [&](WatchVerdict v, const std::string& why) -> StatusOr<WatchResult> {
    result.verdict = v;
    result.message = std::string(WatchVerdictName(v)) + " in the log " + now.origin + ": " + why;
    TADAMUN_ASSIGN_OR_RETURN(result.evidence_dir, SaveEvidence(now.origin, *last_text, note, result.message));
    result.message += " (both signed checkpoints kept in " + result.evidence_dir + ")";
    return result;
  };
  if (now.size < last.size) {
    return alarm(WatchVerdict::kRollback, "size " + std::to_string(now.size) +
                                              " is below the size " + std::to_string(last.size) +
                                              " it signed before");
  }
  if (now.size == last.size) {
    if (now.root != last.root) {
      return alarm(WatchVerdict::kFork, "two different roots signed for size " +
                                            std::to_string(now.size) + " (" + HashHex(last.root) +
                                            " and " + HashHex(now.root) + ")");
    }
    result.verdict = WatchVerdict::kUnchanged;
    result.message = now.origin + ": unchanged at size " + std::to_string(now.size);
    return result;
  }
  Status consistent;
  if (last.size == 0) {
    consistent = Status::Ok();  // every tree extends the empty one
  } else {
    auto proof = prove(last.size, now.size);
    if (!proof.ok()) {
      return proof.status().WithPrefix("cannot get a consistency proof " + std::to_string(last.size) +
                                       " -> " + std::to_string(now.size));
    }
    consistent = VerifyConsistency(last.size, now.size, *proof, last.root, now.root);
  }
  if (!consistent.ok()) {
    return alarm(WatchVerdict::kFork, "size " + std::to_string(now.size) +
                                          " is not an extension of size " +
                                          std::to_string(last.size) + ": " + consistent.message());
  }
  TADAMUN_RETURN_IF_ERROR(Env::Default()->WriteFileAtomic(state_path, note, 0644));
  result.verdict = WatchVerdict::kGrew;
  result.message = now.origin + ": grew from " + std::to_string(last.size) + " to " +
                   std::to_string(now.size) + ", consistent";
  return result;
}

}  // namespace tadamun::audit
