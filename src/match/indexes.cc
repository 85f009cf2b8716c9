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

namespace {

uint64_t HashKey(std::string_view key) {
  // 64-bit FNV-1a over 8-byte words, then a final mix; fast for short keys.
  uint64_t h = 0xcbf29ce484222325ull ^ key.size();
  size_t i = 0;
  for (; i + 8 <= key.size(); i += 8) {
    uint64_t w;
    __builtin_memcpy(&w, key.data() + i, 8);
    h = (h ^ w) * 0x100000001b3ull;
    h ^= h >> 29;
  }
  for (; i < key.size(); ++i) h = (h ^ static_cast<unsigned char>(key[i])) * 0x100000001b3ull;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return h;
}

template <typename T>
size_t VectorBytes(const std::vector<T>& v) {
  return v.capacity() * sizeof(T);
}

}  // namespace

// ---- ExactSet -----------------------------------------------------------------------------

ExactSet ExactSet::Build(std::vector<std::pair<std::string, uint32_t>> pairs) {
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  ExactSet set;
  for (size_t i = 0; i < pairs.size(); ++i) {
    if (i == 0 || pairs[i].first != pairs[i - 1].first) {
      set.arena_ += pairs[i].first;
      set.key_end_.push_back(static_cast<uint32_t>(set.arena_.size()));
      set.id_end_.push_back(static_cast<uint32_t>(set.ids_.size()));
    }
    set.ids_.push_back(pairs[i].second);
    set.id_end_.back() = static_cast<uint32_t>(set.ids_.size());
  }
  set.arena_.shrink_to_fit();
  set.ids_.shrink_to_fit();
  set.key_end_.shrink_to_fit();
  set.id_end_.shrink_to_fit();
  size_t capacity = 8;
  while (capacity * 3 < set.key_end_.size() * 4 + 4) capacity *= 2;  // load <= 3/4
  set.slots_.assign(capacity, 0);
  set.mask_ = capacity - 1;
  for (size_t k = 0; k < set.key_end_.size(); ++k) {
    uint32_t begin = k == 0 ? 0 : set.key_end_[k - 1];
    uint64_t h = HashKey(std::string_view(set.arena_).substr(begin, set.key_end_[k] - begin));
    size_t slot = h & set.mask_;
    while (set.slots_[slot] != 0) slot = (slot + 1) & set.mask_;
    set.slots_[slot] = ((h >> 32) << 32) | (k + 1);
  }
  return set;
}

int64_t ExactSet::Find(std::string_view key) const {
  if (slots_.empty()) return -1;
  uint64_t h = HashKey(key);
  uint64_t tag = h >> 32;
  for (size_t slot = h & mask_;; slot = (slot + 1) & mask_) {
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

void ExactSet::Lookup(std::string_view key, std::vector<uint32_t>* ids) const {
  int64_t k = Find(key);
  if (k < 0) return;
  uint32_t begin = k == 0 ? 0 : id_end_[k - 1];
  ids->insert(ids->end(), ids_.begin() + begin, ids_.begin() + id_end_[k]);
}

size_t ExactSet::MemoryBytes() const {
  return arena_.capacity() + VectorBytes(key_end_) + VectorBytes(id_end_) + VectorBytes(ids_) +
         VectorBytes(slots_);
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
  return set;
}

template <typename K>
void RangeSet<K>::Lookup(K address, std::vector<uint32_t>* ids) const {
  auto it = std::upper_bound(starts_.begin(), starts_.end(), address);
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
         VectorBytes(segment_blocks_) + VectorBytes(block_id_end_) + VectorBytes(block_ids_);
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
    exact_[static_cast<int>(entry.kind)].push_back({entry.value, id});
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
  for (int k = 0; k < kExactKinds; ++k) index.exact_[k] = ExactSet::Build(std::move(exact_[k]));
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
    set.Lookup(domain, ids);
    size_t dot = domain.find('.');
    if (dot == std::string_view::npos) return;
    domain.remove_prefix(dot + 1);
  }
}

void IndicatorIndex::LookupIpv4(uint32_t address, std::vector<uint32_t>* ids) const { v4_.Lookup(address, ids); }

void IndicatorIndex::LookupIpv6(const Ipv6Bytes& address, std::vector<uint32_t>* ids) const {
  v6_.Lookup(Ipv6ToInt(address), ids);
}

size_t IndicatorIndex::MemoryBytes() const {
  size_t total = v4_.MemoryBytes() + v6_.MemoryBytes();
  for (const auto& set : exact_) total += set.MemoryBytes();
  return total;
}

}  // namespace tadamun::match
