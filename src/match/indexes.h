// The exact indicator indexes of the sweep: which indicators does one canonical value hit?
//
// An IndicatorIndex is built once from (entry, indicator id) pairs and is then immutable:
//  - exact sets, one per kind (URL, hash, e-mail, wallet), keyed on the canonical bytes of
//    match/normalize.h: an open-addressing table of 8-byte slots (32-bit hash tag + key
//    number) over one byte arena, with the ids of each key in one flat array, and in front of
//    it a Bloom filter of ~16 bits per key (two bits in one 64-bit word) that turns most
//    misses away without touching the table;
//  - the domain set, the same table, probed with every label-boundary suffix of a candidate
//    (`a.b.evil.com` probes `a.b.evil.com`, `b.evil.com`, `evil.com`, `com`), so `evil.com`
//    hits `a.evil.com` and never `notevil.com` or `evil.com.br`. Keys are hashed by KeyHash,
//    which reads 8-byte words from the END of the key, so the hashes of every suffix of one
//    name can be had in one pass (SuffixHasher, used by match/fast_match.h);
//  - address ranges for IPv4 and IPv6 (single addresses are blocks of one): identical blocks
//    share one id list, and the blocks (nested or disjoint, as CIDR blocks always are) are cut
//    into sorted non-overlapping segments, each listing the blocks that cover it; a lookup is
//    one binary search (IPv4: within the bucket of the address's top bits).
// Building sorts 16-byte (hash, entry) records, not strings, and fills the table in slot
// order; the Builder keeps the values of one kind in one arena (no string per entry).
// Lookups append the ids of every indicator hit (each id once per entry that hits, ascending
// within one entry; an indicator with two entries that both hit appears twice: callers
// deduplicate per line).
//
// Thread-safety: a built index is immutable; any number of threads may look up concurrently.
// The Builder is not thread-safe.
//
//   match::IndicatorIndex::Builder b;
//   b.Add({.kind = match::EntryKind::kDomain, .value = "evil.com"}, 7);
//   match::IndicatorIndex index = std::move(b).Build();
//   std::vector<uint32_t> ids;
//   index.LookupDomain("a.evil.com", &ids);   // ids == {7}
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "match/normalize.h"

namespace tadamun::match {

enum class EntryKind : uint8_t { kDomain, kUrl, kHash, kEmail, kWallet, kAddress };
inline constexpr int kExactKinds = 5;  // every kind before kAddress
std::string_view EntryKindName(EntryKind kind);

// One thing an indicator matches: a canonical value (kDomain..kWallet, as returned by the
// normalize.h function of that kind) or an address block (kAddress).
struct IndexEntry {
  EntryKind kind = EntryKind::kDomain;
  std::string value;
  AddressRange range;

  friend bool operator==(const IndexEntry&, const IndexEntry&) = default;
};

// The hash of an ExactSet key. It folds the key's 8-byte words from the END (the last 8
// bytes first), then the leftover first 0-7 bytes and the length, so a name's suffixes share
// their word states (see SuffixHasher).
inline uint64_t KeyHashMix(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}
inline constexpr uint64_t kKeyHashSeed = 0x9e3779b97f4a7c15ull;
inline uint64_t KeyHashStep(uint64_t state, uint64_t word) {
  state = (state ^ word) * 0x100000001b3ull;
  return state ^ (state >> 29);
}
// `head` holds the key's first (length % 8) bytes, little-endian (byte 0 lowest).
inline uint64_t KeyHashFinish(uint64_t state, uint64_t head, size_t length) {
  return KeyHashMix(state ^ head ^ (static_cast<uint64_t>(length) * 0x9ddfea08eb382d69ull));
}
uint64_t KeyHash(std::string_view key);

// A hash set of byte strings, each with a list of ids. Immutable once built.
class ExactSet {
 public:
  // `pairs` is consumed.
  static ExactSet Build(std::vector<std::pair<std::string, uint32_t>> pairs);
  // Keys given as (offset, length) into `arena`, each with an id (what the Builder collects).
  struct Pending {
    uint64_t offset;
    uint32_t length;
    uint32_t id;
  };
  static ExactSet Build(std::string_view arena, std::vector<Pending> pending);

  void Lookup(std::string_view key, std::vector<uint32_t>* ids) const { LookupHashed(key, KeyHash(key), ids); }
  // `hash` must be KeyHash(key).
  void LookupHashed(std::string_view key, uint64_t hash, std::vector<uint32_t>* ids) const;
  // False when no key has this KeyHash (the Bloom filter); true means "probe to be sure".
  bool MayContain(uint64_t hash) const {
    if (bloom_.empty()) return false;
    uint64_t word = bloom_[(hash >> 20) & bloom_mask_];
    uint64_t bits = (uint64_t{1} << (hash & 63)) | (uint64_t{1} << ((hash >> 6) & 63));
    return (word & bits) == bits;
  }
  bool Contains(std::string_view key) const { return Find(key, KeyHash(key)) >= 0; }
  size_t key_count() const { return key_end_.size(); }
  size_t MemoryBytes() const;

 private:
  int64_t Find(std::string_view key, uint64_t hash) const;
  std::string arena_;               // keys, back to back
  std::vector<uint32_t> key_end_;   // end offset of key k in arena_
  std::vector<uint32_t> id_end_;    // end offset of key k's ids in ids_
  std::vector<uint32_t> ids_;
  std::vector<uint64_t> slots_;     // (hash & 0xffffffff) << 32 | (k + 1); 0 = empty
  int slot_shift_ = 64;             // home slot = hash >> slot_shift_
  std::vector<uint64_t> bloom_;
  uint64_t bloom_mask_ = 0;
};

// Address blocks of one family as sorted segments. K is uint32_t (IPv4) or unsigned __int128.
template <typename K>
class RangeSet {
 public:
  struct Block {
    K first;
    K last;
    uint32_t id;
  };
  // Precondition: blocks are nested or disjoint (true of CIDR blocks).
  static RangeSet Build(std::vector<Block> blocks);
  void Lookup(K address, std::vector<uint32_t>* ids) const;
  bool empty() const { return starts_.empty(); }
  // False when no block holds `address` for sure (IPv4 with a coverage bitmap; else true when
  // there is any block).
  bool MayContain(K address) const {
    if constexpr (sizeof(K) == 4) {
      if (!cover_.empty()) {
        uint32_t q = address >> 12;
        return (cover_[q / 64] >> (q % 64)) & 1;
      }
    }
    return !starts_.empty();
  }
  size_t segment_count() const { return starts_.size(); }
  size_t MemoryBytes() const;

 private:
  std::vector<K> starts_;                // segment s covers [starts_[s], lasts_[s]]
  std::vector<K> lasts_;
  std::vector<uint32_t> segment_end_;    // end of segment s's block numbers in segment_blocks_
  std::vector<uint32_t> segment_blocks_;
  std::vector<uint32_t> block_id_end_;   // end of block b's ids in block_ids_
  std::vector<uint32_t> block_ids_;
  // IPv4 with many segments: bucket_[b] = first segment starting at or after b << bucket_shift_;
  // cover_ has bit a >> 12 set when some segment covers an address of that /20.
  std::vector<uint32_t> bucket_;
  int bucket_shift_ = 32;
  std::vector<uint64_t> cover_;
};

using Uint128 = unsigned __int128;

class IndicatorIndex {
 public:
  class Builder {
   public:
    void Add(const IndexEntry& entry, uint32_t id);
    IndicatorIndex Build() &&;
    size_t size() const { return count_; }

   private:
    std::string arena_[kExactKinds];
    std::vector<ExactSet::Pending> exact_[kExactKinds];
    std::vector<RangeSet<uint32_t>::Block> v4_;
    std::vector<RangeSet<Uint128>::Block> v6_;
    size_t count_ = 0;
  };

  // `canonical` must come from the normalize.h function of `kind` (not kDomain/kAddress).
  void LookupExact(EntryKind kind, std::string_view canonical, std::vector<uint32_t>* ids) const;
  // `domain` must be a NormalizeDomain result; every label-boundary suffix is probed.
  void LookupDomain(std::string_view domain, std::vector<uint32_t>* ids) const;
  void LookupIpv4(uint32_t address, std::vector<uint32_t>* ids) const {
    if (v4_.MayContain(address)) v4_.Lookup(address, ids);
  }
  void LookupIpv6(const Ipv6Bytes& address, std::vector<uint32_t>* ids) const;

  // The parts, for match/fast_match.h.
  const ExactSet& exact(EntryKind kind) const { return exact_[static_cast<int>(kind)]; }
  const RangeSet<uint32_t>& ipv4() const { return v4_; }
  const RangeSet<Uint128>& ipv6() const { return v6_; }
  // The fewest and most labels of any domain key: shorter or longer suffixes cannot hit.
  int domain_min_labels() const { return domain_min_labels_; }
  int domain_max_labels() const { return domain_max_labels_; }

  size_t entry_count() const { return entry_count_; }
  // Heap bytes held by the index (tables, arenas, id lists).
  size_t MemoryBytes() const;

 private:
  ExactSet exact_[kExactKinds];
  RangeSet<uint32_t> v4_;
  RangeSet<Uint128> v6_;
  size_t entry_count_ = 0;
  int domain_min_labels_ = 1;
  int domain_max_labels_ = 127;
};

Uint128 Ipv6ToInt(const Ipv6Bytes& bytes);

}  // namespace tadamun::match
