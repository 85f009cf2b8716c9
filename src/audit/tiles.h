// The C2SP tlog-tiles layout (c2sp.org/tlog-tiles): tile paths, tile geometry and entry
// bundles.
//
// Tiles are 256 hashes wide (height 8). The tile at level L, index N holds the hashes of the
// Merkle nodes at tree level 8L with indexes N*256 .. N*256+255; a partial tile (the right
// edge) holds the first W < 256 of them and lives at `.p/W`. Entry bundles are the same for
// the log entries: a sequence of big-endian uint16 length-prefixed entries.
//
//   TilePath(0, 1234067, 0)   == "tile/0/x001/x234/067"
//   TilePath(1, 5, 17)        == "tile/1/005.p/17"
//   EntriesPath(3, 0)         == "tile/entries/003"
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace tadamun::audit {

constexpr uint64_t kTileWidth = 256;
constexpr uint32_t kTileHeight = 8;
constexpr size_t kMaxEntrySize = 65535;  // uint16 length prefix in entry bundles

// 1234067 -> "x001/x234/067".
std::string EncodeTileIndex(uint64_t index);
// "tile/<level>/<N>[.p/<width>]"; width 0 or 256 means a full tile.
std::string TilePath(uint32_t level, uint64_t index, uint32_t width);
// "tile/entries/<N>[.p/<width>]".
std::string EntriesPath(uint64_t index, uint32_t width);

// A tile or entry bundle named by its path.
struct TileRef {
  bool entries = false;  // tile/entries/... rather than tile/<level>/...
  uint32_t level = 0;    // hash tiles: 0..63
  uint64_t index = 0;
  uint32_t width = 0;    // 0: full tile; 1..255: partial
  std::string Path() const { return entries ? EntriesPath(index, width) : TilePath(level, index, width); }
};
// Parses a tile path as served ("tile/0/x001/234.p/7", "tile/entries/000"), accepting only the
// canonical spelling (the one TilePath/EntriesPath produce): anything else — "..", leading
// zeros in the level, a width of 0 or ≥ 256, an index group without its 'x', extra segments — is
// InvalidArgument naming the path. Safe to map onto a folder afterwards.
StatusOr<TileRef> ParseTilePath(std::string_view path);

// For a tree of `size` leaves at tile level `level`: the number of full tiles and the width of
// the partial tile (0 = none).
struct TileCount {
  uint64_t full = 0;
  uint32_t partial_width = 0;
};
TileCount TilesAt(uint64_t size, uint32_t level);
// The number of tile levels a tree of `size` leaves has (0 for the empty tree).
uint32_t TileLevels(uint64_t size);

// Appends `entry` with its uint16 length prefix. InvalidArgument when over 65535 bytes.
Status AppendToBundle(std::string_view entry, std::string* bundle);
// Splits a bundle into its entries. DataLoss naming the offset when the framing is broken or
// there are more than `max_entries` entries.
StatusOr<std::vector<std::string>> ParseBundle(std::string_view bundle,
                                               size_t max_entries = kTileWidth);

}  // namespace tadamun::audit
