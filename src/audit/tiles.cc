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

StatusOr<TileRef> ParseTilePath(std::string_view path) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument("'" + std::string(path.substr(0, 120)) +
                                   "' is not a tile path (" + std::string(why) +
                                   "; expected tile/<L>/<N>[.p/<W>] or tile/entries/<N>[.p/<W>])");
  };
  if (path.size() > 100) return bad("too long");
  std::string_view rest = path;
  if (rest.substr(0, 5) != "tile/") return bad("no tile/ prefix");
  rest.remove_prefix(5);
  TileRef ref;
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return bad("no index");
  std::string_view level = rest.substr(0, slash);
  rest.remove_prefix(slash + 1);
  if (level == "entries") {
    ref.entries = true;
  } else {
    if (level.empty() || level.size() > 2 || (level.size() == 2 && level[0] == '0')) {
      return bad("bad level");
    }
    for (char c : level) {
      if (c < '0' || c > '9') return bad("bad level");
    }
    ref.level = static_cast<uint32_t>(std::stoul(std::string(level)));
    if (ref.level > 63) return bad("level above 63");
  }
  // The index: ("x" 3 digits "/")* 3 digits, then optionally ".p/" width.
  std::string_view width;
  if (size_t p = rest.find(".p/"); p != std::string_view::npos) {
    width = rest.substr(p + 3);
    rest = rest.substr(0, p);
    if (width.empty() || width.size() > 3 || width[0] == '0') return bad("bad width");
    for (char c : width) {
      if (c < '0' || c > '9') return bad("bad width");
    }
    ref.width = static_cast<uint32_t>(std::stoul(std::string(width)));
    if (ref.width >= kTileWidth) return bad("width not below 256");
  }
  uint64_t index = 0;
  size_t groups = 0;
  while (true) {
    bool last = rest.size() == 3;
    if (!last && (rest.size() < 5 || rest[0] != 'x' || rest[4] != '/')) return bad("bad index");
    std::string_view digits = last ? rest : rest.substr(1, 3);
    for (char c : digits) {
      if (c < '0' || c > '9') return bad("bad index");
    }
    if (++groups > 7) return bad("index too large");
    index = index * 1000 + static_cast<uint64_t>(std::stoul(std::string(digits)));
    if (last) break;
    rest.remove_prefix(5);
  }
  ref.index = index;
  if (ref.Path() != path) return bad("not the canonical spelling");
  return ref;
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
