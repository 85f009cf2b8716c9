#include "audit/verify.h"

#include <fstream>
#include <vector>

#include "audit/checkpoint.h"
#include "audit/durable_files.h"
#include "audit/merkle.h"
#include "audit/tiles.h"
#include "base/env.h"

namespace tadamun::audit {
namespace {

constexpr size_t kMaxNote = 64 << 10;

class Walker {
 public:
  Walker(std::string dir, uint64_t signed_size, VerifyReport* report)
      : dir_(std::move(dir)), size_(signed_size), report_(report),
        nodes_(dir_ + "/nodes", std::ios::binary) {}

  // Recomputes entries up to `target`; false once a problem is recorded.
  bool AdvanceTo(uint64_t target) {
    while (report_->ok() && range_.size() < target) {
      uint64_t i = range_.size();
      uint64_t n = i / kTileWidth;
      if (bundle_index_ != n || bundle_.empty()) {
        if (!LoadBundle(n)) return false;
      }
      const std::string& entry = bundle_[i % kTileWidth];
      range_.Append(HashLeaf(entry), [&](uint32_t level, uint64_t index, const Hash& h) {
        OnNode(level, index, h);
      });
      ++report_->entries;
    }
    return report_->ok();
  }

  Hash Root() const { return range_.Root(); }

  void CheckPartialTiles() {
    for (uint32_t t = 0; t < rows_.size() && report_->ok(); ++t) {
      if (rows_[t].empty()) continue;
      CompareTile(t, TilesAt(size_, t).full, static_cast<uint32_t>(rows_[t].size()));
    }
  }

  void Problem(uint64_t index, std::string what) {
    if (!report_->ok()) return;
    report_->first_bad_index = index;
    report_->problem = std::move(what);
  }

 private:
  bool LoadBundle(uint64_t n) {
    TileCount tc = TilesAt(size_, 0);
    uint32_t want = n < tc.full ? kTileWidth : tc.partial_width;
    auto text = Env::Default()->ReadFile(dir_ + "/" + EntriesPath(n, want), 256 * 65537);
    if (!text.ok() && want < kTileWidth) {
      text = Env::Default()->ReadFile(dir_ + "/" + EntriesPath(n, 0), 256 * 65537);
    }
    if (!text.ok()) {
      Problem(n * kTileWidth, "entry bundle " + EntriesPath(n, want) + " is missing: " +
                                  text.status().message());
      return false;
    }
    auto entries = ParseBundle(*text);
    if (!entries.ok() || entries->size() < want) {
      Problem(n * kTileWidth + (entries.ok() ? entries->size() : 0),
              "entry bundle " + EntriesPath(n, want) + " is damaged: " +
                  (entries.ok() ? "has " + std::to_string(entries->size()) + " entries, expected " +
                                      std::to_string(want)
                                : entries.status().message()));
      return false;
    }
    entries->resize(want);
    bundle_ = std::move(entries).value();
    bundle_index_ = n;
    return true;
  }

  void OnNode(uint32_t level, uint64_t index, const Hash& h) {
    if (!report_->ok()) return;
    Hash stored{};
    if (!nodes_.read(reinterpret_cast<char*>(stored.data()), kHashSize)) {
      Problem(index << level, "the nodes file ends before node (" + std::to_string(level) + ", " +
                                  std::to_string(index) + "): the stored tree is shorter than the entries");
      return;
    }
    if (stored != h) {
      Problem(index << level, "entry " + std::to_string(index << level) +
                                  (level == 0 ? "" : " (or one after it)") +
                                  " does not hash to the stored tree (node level " +
                                  std::to_string(level) + ", index " + std::to_string(index) + ")");
      return;
    }
    if (level % kTileHeight != 0) return;
    uint32_t t = level / kTileHeight;
    if (rows_.size() <= t) rows_.resize(t + 1);
    rows_[t].push_back(h);
    if (rows_[t].size() == kTileWidth) {
      CompareTile(t, index / kTileWidth, kTileWidth);
      rows_[t].clear();
    }
  }

  void CompareTile(uint32_t t, uint64_t n, uint32_t width) {
    const std::string rel = TilePath(t, n, width);
    auto text = Env::Default()->ReadFile(dir_ + "/" + rel, 8192);
    uint64_t first_leaf = (n * kTileWidth) << (kTileHeight * t);
    if (!text.ok()) {
      Problem(first_leaf, "hash tile " + rel + " is missing: " + text.status().message());
      return;
    }
    ++report_->tiles;
    for (uint32_t j = 0; j < width; ++j) {
      if (text->size() < (j + 1) * kHashSize ||
          text->compare(j * kHashSize, kHashSize, HashBytes(rows_[t][j])) != 0) {
        Problem((n * kTileWidth + j) << (kTileHeight * t),
                "hash tile " + rel + " differs from the entries at hash " + std::to_string(j));
        return;
      }
    }
    if (text->size() != width * kHashSize) {
      Problem(first_leaf, "hash tile " + rel + " has " + std::to_string(text->size()) +
                              " bytes, expected " + std::to_string(width * kHashSize));
    }
  }

  std::string dir_;
  uint64_t size_;
  VerifyReport* report_;
  std::ifstream nodes_;
  CompactRange range_;
  std::vector<std::vector<Hash>> rows_;
  std::vector<std::string> bundle_;
  uint64_t bundle_index_ = UINT64_MAX;
};

}  // namespace

StatusOr<VerifyReport> VerifyLogFolder(const std::string& dir, const crypto::Verifier& key) {
  TADAMUN_ASSIGN_OR_RETURN(std::string latest_text, Env::Default()->ReadFile(dir + "/checkpoint", kMaxNote));
  auto latest = OpenCheckpoint(latest_text, {key}, key.name());
  if (!latest.ok()) return latest.status().WithPrefix(dir + "/checkpoint");
  const uint64_t size = latest->checkpoint.size;
  VerifyReport report;
  Walker walker(dir, size, &report);

  // The signed history, in order, each root checked when the walk reaches its size.
  std::ifstream history(dir + "/checkpoints", std::ios::binary);
  if (!history) return Status::NotFound("cannot open " + dir + "/checkpoints");
  uint64_t pos = 0, prev_size = 0, count = 0;
  std::string record;
  while (report.ok()) {
    char len_buf[4];
    if (!history.read(len_buf, 4)) {
      if (history.gcount() != 0) {
        walker.Problem(prev_size, "checkpoint history: truncated record " + std::to_string(count + 1));
      }
      break;
    }
    ++count;
    uint32_t len = ReadBe32(len_buf);
    if (len > kMaxNote) {
      walker.Problem(prev_size, "checkpoint history: broken record " + std::to_string(count) +
                                    " at byte offset " + std::to_string(pos));
      break;
    }
    record.resize(len + 4);
    if (!history.read(record.data(), len + 4) || ReadBe32(record.data() + len) != len) {
      walker.Problem(prev_size, "checkpoint history: broken record " + std::to_string(count) +
                                    " at byte offset " + std::to_string(pos));
      break;
    }
    std::string_view note(record.data(), len);
    pos += 8 + len;
    auto cp = OpenCheckpoint(note, {key}, key.name());
    if (!cp.ok()) {
      walker.Problem(prev_size, "signed checkpoint " + std::to_string(count) +
                                    " does not verify: " + cp.status().message());
      break;
    }
    uint64_t s = cp->checkpoint.size;
    if (s < prev_size) {
      walker.Problem(s, "signed checkpoint " + std::to_string(count) + " rolls back from size " +
                            std::to_string(prev_size) + " to " + std::to_string(s));
      break;
    }
    if (s > size) {
      walker.Problem(size, "signed checkpoint " + std::to_string(count) + " has size " +
                               std::to_string(s) + ", beyond the latest checkpoint " +
                               std::to_string(size));
      break;
    }
    if (!walker.AdvanceTo(s)) break;
    if (walker.Root() != cp->checkpoint.root) {
      walker.Problem(prev_size, "signed checkpoint " + std::to_string(count) + " (size " +
                                    std::to_string(s) + ") has root " +
                                    HashHex(cp->checkpoint.root) + " but entries 0.." +
                                    std::to_string(s) + " hash to " + HashHex(walker.Root()) +
                                    "; the first bad entry is in [" + std::to_string(prev_size) +
                                    ", " + std::to_string(s) + ")");
      break;
    }
    ++report.checkpoints;
    prev_size = s;
  }
  if (report.ok() && walker.AdvanceTo(size)) {
    if (walker.Root() != latest->checkpoint.root) {
      walker.Problem(prev_size, "the latest checkpoint (size " + std::to_string(size) +
                                    ") does not match the entries");
    } else if (prev_size != size) {
      walker.Problem(prev_size, "the checkpoint history ends at size " + std::to_string(prev_size) +
                                    " but the latest checkpoint has size " + std::to_string(size));
    } else {
      walker.CheckPartialTiles();
    }
  }
  return report;
}

}  // namespace tadamun::audit
