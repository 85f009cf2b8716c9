// HammingIndex: exact radius search over 256-bit codes (PDQ hashes).
//
// Design: a linear scan tuned for hardware popcount. Codes are stored in blocks of 8,
// word-major (the first 64-bit word of 8 codes, then the second, ...), 32 bytes per code and
// no per-code overhead besides one tombstone bit. A scan first computes the distance over the
// first 128 bits of 8 codes at once (one AVX-512 VPOPCNTQ per word; a lower bound of the full
// distance) and finishes the distance only for the rare lanes within the radius, so the result
// is exact: every code within the radius is returned (100% recall). Several queries (an
// image's 8 dihedral hashes, or a batch) are answered in one pass over the codes, with the
// codes streamed through L1 in chunks. On CPUs without AVX-512 VPOPCNTDQ a scalar path (with
// POPCNT when present) gives the same results; the choice is made at run time.
//
// Ids are dense: Add returns 0, 1, 2, ... in order; Remove marks an id deleted (its slot is
// kept, so ids stay stable; the space comes back when the index is rebuilt). The on-disk form
// (Save) is a header, the code blocks and the tombstone bits; Open maps it with mmap and reads
// only the header and the tombstones, so loading costs milliseconds whatever the size. Codes
// added after Open go to an in-memory tail that Save writes out with the rest.
//
// Thread-safety: const methods (Search, Get, size) may run concurrently with each other; Add,
// Remove and Save need exclusive access. Not copyable (it may own a mapping); movable.
//
//   media::HammingIndex index;
//   uint32_t id = index.Add(hash);
//   std::vector<media::IndexMatch> hits = index.Search(query, 31);
//   TADAMUN_RETURN_IF_ERROR(index.Save("pdq.idx"));
//   TADAMUN_ASSIGN_OR_RETURN(media::HammingIndex loaded, media::HammingIndex::Open("pdq.idx"));
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "media/pdq.h"

namespace tadamun::media {

struct IndexMatch {
  uint32_t query = 0;  // position of the query in the batch
  uint32_t id = 0;     // the code's id
  int distance = 0;
  friend bool operator==(const IndexMatch&, const IndexMatch&) = default;
};

struct SearchOptions {
  // Worker threads for one search (each takes a slice of the codes); default 1.
  int threads = 1;
  // Use the fastest kernel the CPU supports; false forces the portable scalar path (tests).
  bool allow_simd = true;
};

class HammingIndex {
 public:
  HammingIndex();
  ~HammingIndex();
  HammingIndex(HammingIndex&&) noexcept;
  HammingIndex& operator=(HammingIndex&&) noexcept;
  HammingIndex(const HammingIndex&) = delete;
  HammingIndex& operator=(const HammingIndex&) = delete;

  // Maps an index file written by Save. DataLoss when the file is not a well-formed index
  // (bad magic, version or sizes); NotFound / PermissionDenied from the file system.
  static StatusOr<HammingIndex> Open(const std::string& path);

  // Appends a code; returns its id (the number of codes added before it). Precondition:
  // fewer than 2^32 - 1 codes.
  uint32_t Add(const PdqHash& code);
  // Marks `id` deleted; NotFound when it was never added or is already deleted.
  Status Remove(uint32_t id);
  bool IsLive(uint32_t id) const;
  PdqHash Get(uint32_t id) const;  // precondition: id < slots()

  uint64_t slots() const;  // ids handed out, deleted ones included
  uint64_t live() const;   // codes not deleted
  // Bytes of code and tombstone storage (mapped or owned) per slot.
  double BytesPerCode() const;

  // Every live code within `radius` (inclusive) of each query, sorted by (query, id).
  std::vector<IndexMatch> Search(std::span<const PdqHash> queries, int radius,
                                 const SearchOptions& options = {}) const;
  std::vector<IndexMatch> Search(const PdqHash& query, int radius,
                                 const SearchOptions& options = {}) const {
    return Search(std::span<const PdqHash>(&query, 1), radius, options);
  }

  // Writes the index atomically (temporary file, fsync, rename).
  Status Save(const std::string& path) const;

  // Name of the scan kernel Search uses on this CPU with these options ("avx512-vpopcntdq",
  // "popcnt" or "generic").
  static const char* KernelName(const SearchOptions& options = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tadamun::media
