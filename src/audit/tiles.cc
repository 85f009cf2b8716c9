#include "audit/tiles.h"

#include <cstdio>

namespace tadamun::audit {

std::string EncodeTileIndex(uint64_t index) {
  std::vector<unsigned> groups;
  do {
    groups.push_back(static_cast<unsigned>(index % 1000));
    index /= 1000;
  } while (index > 0);
  std::string out;
  char buf[8];
  for (size_t i = groups.size(); i-- > 0;) {
    std::snprintf(buf, sizeof buf, i == 0 ? "%03u" : "x%03u/", groups[i]);
    out += buf;
  }
  return out;
}

std::string TilePath(uint32_t level, uint64_t index, uint32_t width) {
  std::string p = "tile/" + std::to_string(level) + "/" + EncodeTileIndex(index);
  if (width > 0 && width < kTileWidth) p += ".p/" + std::to_string(width);
  return p;
}

std::string EntriesPath(uint64_t index, uint32_t width) {
  std::string p = "tile/entries/" + EncodeTileIndex(index);
  if (width > 0 && width < kTileWidth) p += ".p/" + std::to_string(width);
  return p;
}

TileCount TilesAt(uint64_t size, uint32_t level) {
  TileCount c;
  uint32_t shift = kTileHeight * level;
  if (shift >= 64) return c;
  uint64_t hashes = size >> shift;  // nodes at tree level 8*level
  c.full = hashes / kTileWidth;
  c.partial_width = static_cast<uint32_t>(hashes % kTileWidth);
  return c;
}

uint32_t TileLevels(uint64_t size) {
  uint32_t levels = 0;
  while (levels * kTileHeight < 64 && (size >> (levels * kTileHeight)) > 0) ++levels;
  return levels;
}

Status AppendToBundle(std::string_view entry, std::string* bundle) {
  if (entry.size() > kMaxEntrySize) {
    return Status::InvalidArgument("audit entry is " + std::to_string(entry.size()) +
                                   " bytes; entry bundles allow at most 65535");
  }
  bundle->push_back(static_cast<char>(entry.size() >> 8));
  bundle->push_back(static_cast<char>(entry.size() & 0xFF));
  bundle->append(entry);
  return Status::Ok();
}

StatusOr<std::vector<std::string>> ParseBundle(std::string_view bundle, size_t max_entries) {
  std::vector<std::string> entries;
  size_t pos = 0;
  while (pos < bundle.size()) {
    if (entries.size() >= max_entries) {
      return Status::DataLoss("entry bundle has more than " + std::to_string(max_entries) +
                              " entries (at byte offset " + std::to_string(pos) + ")");
    }
    if (bundle.size() - pos < 2) {
      return Status::DataLoss("entry bundle: truncated length prefix at byte offset " +
                              std::to_string(pos));
    }
    size_t len = (size_t{static_cast<unsigned char>(bundle[pos])} << 8) |
                 static_cast<unsigned char>(bundle[pos + 1]);
    pos += 2;
    if (bundle.size() - pos < len) {
      return Status::DataLoss("entry bundle: entry " + std::to_string(entries.size()) + " at byte offset " +
                              std::to_string(pos - 2) + " claims " + std::to_string(len) +
                              " bytes but only " + std::to_string(bundle.size() - pos) + " remain");
    }
    entries.emplace_back(bundle.substr(pos, len));
    pos += len;
  }
  return entries;
}

}  // namespace tadamun::audit
