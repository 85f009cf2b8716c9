#include "match/indexes.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <limits>

namespace tadamun::match {

std::string_view EntryKindName(EntryKind kind) {
  switch (kind) {
    case EntryKind::kDomain: return "domain";
    case EntryKind::kUrl: return "url";
    case EntryKind::kHash: return "hash";
    case EntryKind::kEmail: return "email";
    case EntryKind::kWallet: return "wallet";
    case EntryKind::kAddress: return "address";
  }
  return "?";
}

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "KeyHash reads words little-endian");

uint64_t KeyHash(std::string_view key) {
  uint64_t h = kKeyHashSeed;
  size_t i = key.size();
  while (i >= 8) {
    i -= 8;
    uint64_t w;
    std::memcpy(&w, key.data() + i, 8);
    h = KeyHashStep(h, w);
  }
  uint64_t head = 0;
  std::memcpy(&head, key.data(), i);
  return KeyHashFinish(h, head, key.size());
}

namespace {

template <typename T>
size_t VectorBytes(const std::vector<T>& v) {
  return v.capacity() * sizeof(T);
}

}  // namespace

// ---- ExactSet -----------------------------------------------------------------------------

ExactSet ExactSet::Build(std::vector<std::pair<std::string, uint32_t>> pairs) {
  std::string arena;
  std::vector<Pending> pending;
  pending.reserve(pairs.size());
  for (const auto& [key, id] : pairs) {
    pending.push_back({arena.size(), static_cast<uint32_t>(key.size()), id});
    arena += key;
  }
  pairs = {};
  return Build(arena, std::move(pending));
}

ExactSet ExactSet::Build(std::string_view arena, std::vector<Pending> pending) {
  // Sort (hash, entry) records rather than strings: equal keys end up adjacent (ties on the
  // hash are ordered by the bytes, then the id), and the keys come out in home-slot order.
  struct Record {
    uint64_t hash;
    uint32_t entry;
  };
  std::vector<Record> records(pending.size());
  for (size_t i = 0; i < pending.size(); ++i) {
    records[i] = {KeyHash(arena.substr(pending[i].offset, pending[i].length)), static_cast<uint32_t>(i)};
  }
  auto key_of = [&](const Record& r) { return arena.substr(pending[r.entry].offset, pending[r.entry].length); };
  std::sort(records.begin(), records.end(), [&](const Record& a, const Record& b) {
    if (a.hash != b.hash) return a.hash < b.hash;
    int c = key_of(a).compare(key_of(b));
    if (c != 0) return c < 0;
    return pending[a.entry].id < pending[b.entry].id;
  });
  ExactSet set;
  size_t key_bytes = 0;
  for (const Pending& p : pending) key_bytes += p.length;
  set.arena_.reserve(key_bytes);
  set.ids_.reserve(records.size());
  std::vector<uint64_t> hashes;
  hashes.reserve(records.size());
  std::string_view previous;
  for (size_t i = 0; i < records.size(); ++i) {
    std::string_view key = key_of(records[i]);
    uint32_t id = pending[records[i].entry].id;
    bool same_key = i > 0 && records[i].hash == records[i - 1].hash && key == previous;
    if (same_key && id == set.ids_.back()) continue;  // a duplicate (key, id)
    if (!same_key) {
      set.arena_.append(key);
      set.key_end_.push_back(static_cast<uint32_t>(set.arena_.size()));
      set.id_end_.push_back(static_cast<uint32_t>(set.ids_.size()));
      hashes.push_back(records[i].hash);
      previous = key;
    }
    set.ids_.push_back(id);
    set.id_end_.back() = static_cast<uint32_t>(set.ids_.size());
  }
  records = {};
  pending = {};
  set.arena_.shrink_to_fit();
  set.ids_.shrink_to_fit();
  set.key_end_.shrink_to_fit();
  set.id_end_.shrink_to_fit();
  size_t keys = set.key_end_.size();
  if (keys == 0) return set;
  size_t capacity = 8;
  int bits = 3;
  while (capacity * 3 < keys * 4 + 4) capacity *= 2, ++bits;  // load <= 3/4
  set.slots_.assign(capacity, 0);
  set.slot_shift_ = 64 - bits;
  size_t mask = capacity - 1;
  for (size_t k = 0; k < keys; ++k) {  // homes ascend with k: the table fills front to back
    size_t slot = hashes[k] >> set.slot_shift_;
    while (set.slots_[slot] != 0) slot = (slot + 1) & mask;
    set.slots_[slot] = ((hashes[k] & 0xffffffffu) << 32) | (k + 1);
  }
  size_t words = 1;
  while (words * 4 < keys) words *= 2;  // >= 16 bits per key
  set.bloom_.assign(words, 0);
  set.bloom_mask_ = words - 1;
  for (uint64_t h : hashes) {
    set.bloom_[(h >> 20) & set.bloom_mask_] |= (uint64_t{1} << (h & 63)) | (uint64_t{1} << ((h >> 6) & 63));
  }
  return set;
}

int64_t ExactSet::Find(std::string_view key, uint64_t hash) const {
  if (slots_.empty()) return -1;
  uint64_t tag = hash & 0xffffffffu;
  size_t mask = slots_.size() - 1;
  for (size_t slot = hash >> slot_shift_;; slot = (slot + 1) & mask) {
    uint64_t s = slots_[slot];
    if (s == 0) return -1;
    if ((s >> 32) != tag) continue;
    size_t k = (s & 0xffffffffu) - 1;
    uint32_t begin = k == 0 ? 0 : key_end_[k - 1];
    if (key_end_[k] - begin == key.size() && std::memcmp(arena_.data() + begin, key.data(), key.size()) == 0) {
      return static_cast<int64_t>(k);
    }
  }
}

void ExactSet::LookupHashed(std::string_view key, uint64_t hash, std::vector<uint32_t>* ids) const {
  if (!MayContain(hash)) return;
  int64_t k = Find(key, hash);
  if (k < 0) return;
  uint32_t begin = k == 0 ? 0 : id_end_[k - 1];
  ids->insert(ids->end(), ids_.begin() + begin, ids_.begin() + id_end_[k]);
}

size_t ExactSet::MemoryBytes() const {
  return arena_.capacity() + VectorBytes(key_end_) + VectorBytes(id_end_) + VectorBytes(ids_) +
         VectorBytes(slots_) + VectorBytes(bloom_);
}

// ---- RangeSet -----------------------------------------------------------------------------

template <typename K>
RangeSet<K> RangeSet<K>::Build(std::vector<Block> blocks) {
  // Group identical blocks; order by first ascending, last descending (parents first).
  std::sort(blocks.begin(), blocks.end(), [](const Block& a, const Block& b) {
    if (a.first != b.first) return a.first < b.first;
    if (a.last != b.last) return a.last > b.last;
    return a.id < b.id;
  });
  RangeSet set;
  std::vector<std::pair<K, K>> unique;  // block number -> [first, last]
  for (size_t i = 0; i < blocks.size(); ++i) {
    if (i > 0 && blocks[i].id == blocks[i - 1].id && blocks[i].first == blocks[i - 1].first &&
        blocks[i].last == blocks[i - 1].last) {
      continue;
    }
    if (unique.empty() || unique.back().first != blocks[i].first || unique.back().second != blocks[i].last) {
      unique.push_back({blocks[i].first, blocks[i].last});
      set.block_id_end_.push_back(static_cast<uint32_t>(set.block_ids_.size()));
    }
    set.block_ids_.push_back(blocks[i].id);
    set.block_id_end_.back() = static_cast<uint32_t>(set.block_ids_.size());
  }
  // Sweep with a stack of open blocks (nested, so the stack top always ends first).
  std::vector<uint32_t> stack;
  auto emit = [&](K from, K to) {
    set.starts_.push_back(from);
    set.lasts_.push_back(to);
    set.segment_blocks_.insert(set.segment_blocks_.end(), stack.begin(), stack.end());
    set.segment_end_.push_back(static_cast<uint32_t>(set.segment_blocks_.size()));
  };
  K cur = 0;
  bool at_end = false;  // cur has passed the largest address
  auto close_until = [&](bool all, K before) {
    while (!stack.empty() && (all || unique[stack.back()].second < before)) {
      K last = unique[stack.back()].second;
      if (!at_end && cur <= last) emit(cur, last);
      if (last == std::numeric_limits<K>::max()) {
        at_end = true;
      } else if (!at_end && cur <= last) {
        cur = last + 1;
      }
      stack.pop_back();
    }
  };
  for (uint32_t b = 0; b < unique.size(); ++b) {
    close_until(false, unique[b].first);
    if (!stack.empty() && cur < unique[b].first) emit(cur, unique[b].first - 1);
    cur = unique[b].first;
    stack.push_back(b);
  }
  close_until(true, 0);
  set.starts_.shrink_to_fit();
  set.lasts_.shrink_to_fit();
  set.segment_end_.shrink_to_fit();
  set.segment_blocks_.shrink_to_fit();
  set.block_id_end_.shrink_to_fit();
  set.block_ids_.shrink_to_fit();
  if constexpr (sizeof(K) == 4) {
    if (set.starts_.size() >= 1024) {  // about one segment per bucket
      int bits = 10;
      while (bits < 20 && (size_t{1} << bits) < set.starts_.size()) ++bits;
      set.bucket_shift_ = 32 - bits;
      set.bucket_.resize((size_t{1} << bits) + 1);
      size_t s = 0;
      for (size_t b = 0; b < (size_t{1} << bits); ++b) {
        uint64_t bucket_start = static_cast<uint64_t>(b) << set.bucket_shift_;
        while (s < set.starts_.size() && set.starts_[s] < bucket_start) ++s;
        set.bucket_[b] = static_cast<uint32_t>(s);
      }
      set.bucket_.back() = static_cast<uint32_t>(set.starts_.size());
      set.cover_.assign((size_t{1} << 20) / 64, 0);  // segments are disjoint: at most 2^20 + n bits set
      for (size_t k = 0; k < set.starts_.size(); ++k) {
        for (uint64_t q = set.starts_[k] >> 12; q <= (set.lasts_[k] >> 12); ++q) {
          set.cover_[q / 64] |= uint64_t{1} << (q % 64);
        }
      }
    }
  }
  return set;
}

template <typename K>
void RangeSet<K>::Lookup(K address, std::vector<uint32_t>* ids) const {
  auto lo = starts_.begin(), hi = starts_.end();
  if constexpr (sizeof(K) == 4) {
    if (!bucket_.empty()) {  // the answer lies between the bucket's first segment and the next's
      uint32_t q = address >> 12;
      if ((cover_[q / 64] & (uint64_t{1} << (q % 64))) == 0) return;
      size_t b = address >> bucket_shift_;
      lo = starts_.begin() + bucket_[b];
      hi = starts_.begin() + bucket_[b + 1];
    }
  }
  auto it = std::upper_bound(lo, hi, address);
  if (it == starts_.begin()) return;
  size_t s = static_cast<size_t>(it - starts_.begin()) - 1;
  if (address > lasts_[s]) return;
  for (uint32_t i = s == 0 ? 0 : segment_end_[s - 1]; i < segment_end_[s]; ++i) {
    uint32_t b = segment_blocks_[i];
    uint32_t begin = b == 0 ? 0 : block_id_end_[b - 1];
    ids->insert(ids->end(), block_ids_.begin() + begin, block_ids_.begin() + block_id_end_[b]);
  }
}

template <typename K>
size_t RangeSet<K>::MemoryBytes() const {
  return VectorBytes(starts_) + VectorBytes(lasts_) + VectorBytes(segment_end_) +
         VectorBytes(segment_blocks_) + VectorBytes(block_id_end_) + VectorBytes(block_ids_) + VectorBytes(bucket_) +
         VectorBytes(cover_);
}

template class RangeSet<uint32_t>;
template class RangeSet<Uint128>;

// ---- IndicatorIndex -----------------------------------------------------------------------

Uint128 Ipv6ToInt(const Ipv6Bytes& bytes) {
  Uint128 v = 0;
  for (uint8_t b : bytes) v = (v << 8) | b;
  return v;
}

void IndicatorIndex::Builder::Add(const IndexEntry& entry, uint32_t id) {
  ++count_;
  if (entry.kind != EntryKind::kAddress) {
    int k = static_cast<int>(entry.kind);
    exact_[k].push_back({arena_[k].size(), static_cast<uint32_t>(entry.value.size()), id});
    arena_[k] += entry.value;
    return;
  }
  if (entry.range.v6) {
    v6_.push_back({Ipv6ToInt(entry.range.first), Ipv6ToInt(entry.range.last), id});
  } else {
    auto v4 = [](const Ipv6Bytes& b) {
      return (uint32_t{b[12]} << 24) | (uint32_t{b[13]} << 16) | (uint32_t{b[14]} << 8) | b[15];
    };
    v4_.push_back({v4(entry.range.first), v4(entry.range.last), id});
  }
}

IndicatorIndex IndicatorIndex::Builder::Build() && {
  IndicatorIndex index;
  {
    const int domain = static_cast<int>(EntryKind::kDomain);
    int lo = 128, hi = 0;
    for (const ExactSet::Pending& p : exact_[domain]) {
      std::string_view key = std::string_view(arena_[domain]).substr(p.offset, p.length);
      int labels = 1 + static_cast<int>(std::count(key.begin(), key.end(), '.'));
      lo = std::min(lo, labels);
      hi = std::max(hi, labels);
    }
    if (hi > 0) {
      index.domain_min_labels_ = lo;
      index.domain_max_labels_ = hi;
    }
  }
  for (int k = 0; k < kExactKinds; ++k) {
    index.exact_[k] = ExactSet::Build(arena_[k], std::move(exact_[k]));
    arena_[k] = {};
  }
  index.v4_ = RangeSet<uint32_t>::Build(std::move(v4_));
  index.v6_ = RangeSet<Uint128>::Build(std::move(v6_));
  index.entry_count_ = count_;
  return index;
}

void IndicatorIndex::LookupExact(EntryKind kind, std::string_view canonical, std::vector<uint32_t>* ids) const {
  if (kind == EntryKind::kAddress) return;
  exact_[static_cast<int>(kind)].Lookup(canonical, ids);
}

void IndicatorIndex::LookupDomain(std::string_view domain, std::vector<uint32_t>* ids) const {
  const ExactSet& set = exact_[static_cast<int>(EntryKind::kDomain)];
  if (set.key_count() == 0) return;
  while (true) {
    set.Lookup(domain, ids);  // the Bloom filter turns most suffixes away
    size_t dot = domain.find('.');
    if (dot == std::string_view::npos) return;
    domain.remove_prefix(dot + 1);
  }
}


void IndicatorIndex::LookupIpv6(const Ipv6Bytes& address, std::vector<uint32_t>* ids) const {
  v6_.Lookup(Ipv6ToInt(address), ids);
}

size_t IndicatorIndex::MemoryBytes() const {
  size_t total = v4_.MemoryBytes() + v6_.MemoryBytes();
  for (const auto& set : exact_) total += set.MemoryBytes();
  return total;
}

}  // namespace tadamun::match
