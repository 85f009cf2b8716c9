#include "audit/proof.h"

#include <algorithm>
#include <bit>

namespace tadamun::audit {
namespace {

// Largest power of two strictly below n (n >= 2).
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

}  // namespace

StatusOr<Hash> SubtreeHash(NodeReader& reader, uint64_t begin, uint64_t end) {
  if (end < begin) return Status::InvalidArgument("subtree range ends before it begins");
  if (end == begin) return EmptyRoot();
  // Perfect pieces from the left, largest first; then fold from the right.
  Hash parts[64];
  int count = 0;
  uint64_t pos = begin, remaining = end - begin;
  for (int level = 63; level >= 0; --level) {
    uint64_t width = uint64_t{1} << level;
    if ((remaining & width) == 0) continue;
    if (pos % width != 0) {
      return Status::InvalidArgument("[" + std::to_string(begin) + ", " + std::to_string(end) +
                                     ") is not a subtree of a Merkle tree");
    }
    TADAMUN_ASSIGN_OR_RETURN(parts[count], reader.PerfectNode(static_cast<uint32_t>(level), pos >> level));
    ++count;
    pos += width;
  }
  Hash h = parts[count - 1];
  for (int i = count - 2; i >= 0; --i) h = HashChildren(parts[i], h);
  return h;
}

StatusOr<Hash> RootAt(NodeReader& reader, uint64_t size) { return SubtreeHash(reader, 0, size); }

StatusOr<std::vector<Hash>> InclusionProof(NodeReader& reader, uint64_t index, uint64_t size) {
  if (index >= size) {
    return Status::InvalidArgument("inclusion proof: index " + std::to_string(index) +
                                   " is not below the tree size " + std::to_string(size));
  }
  std::vector<Hash> path;
  path.reserve(64);
  uint64_t lo = 0, hi = size;
  while (hi - lo > 1) {
    uint64_t k = SplitPoint(hi - lo);
    if (index < lo + k) {
      TADAMUN_ASSIGN_OR_RETURN(Hash h, SubtreeHash(reader, lo + k, hi));
      path.push_back(h);
      hi = lo + k;
    } else {
      TADAMUN_ASSIGN_OR_RETURN(Hash h, SubtreeHash(reader, lo, lo + k));
      path.push_back(h);
      lo += k;
    }
  }
  std::reverse(path.begin(), path.end());
  return path;
}

StatusOr<std::vector<Hash>> ConsistencyProof(NodeReader& reader, uint64_t size1,
                                             uint64_t size2) {
  if (size1 == 0 || size1 > size2) {
    return Status::InvalidArgument("consistency proof: need 0 < old size <= new size, got " +
                                   std::to_string(size1) + " -> " + std::to_string(size2));
  }
  std::vector<Hash> path;
  path.reserve(64);
  uint64_t m = size1, lo = 0, hi = size2;
  bool complete = true;  // the RFC's b: the old tree is a complete subtree seen so far
  while (true) {
    if (m == hi - lo) {
      if (!complete) {
        TADAMUN_ASSIGN_OR_RETURN(Hash h, SubtreeHash(reader, lo, hi));
        path.push_back(h);
      }
      break;
    }
    uint64_t k = SplitPoint(hi - lo);
    if (m <= k) {
      TADAMUN_ASSIGN_OR_RETURN(Hash h, SubtreeHash(reader, lo + k, hi));
      path.push_back(h);
      hi = lo + k;
    } else {
      TADAMUN_ASSIGN_OR_RETURN(Hash h, SubtreeHash(reader, lo, lo + k));
      path.push_back(h);
      m -= k;
      lo += k;
      complete = false;
    }
  }
  std::reverse(path.begin(), path.end());
  return path;
}

StatusOr<Hash> MemoryNodeReader::PerfectNode(uint32_t level, uint64_t index) {
  if (level >= 64) return Status::InvalidArgument("level out of range");
  uint64_t width = uint64_t{1} << level;
  if (index > (leaves_.size() / width) || (index + 1) * width > leaves_.size()) {
    return Status::NotFound("node (" + std::to_string(level) + ", " + std::to_string(index) +
                            ") is beyond the " + std::to_string(leaves_.size()) + " leaves");
  }
  return ReferenceRoot(std::span<const Hash>(leaves_).subspan(index * width, width));
}

Hash ReferenceRoot(std::span<const Hash> leaves) {
  if (leaves.empty()) return EmptyRoot();
  if (leaves.size() == 1) return leaves[0];
  uint64_t k = SplitPoint(leaves.size());
  return HashChildren(ReferenceRoot(leaves.first(k)), ReferenceRoot(leaves.subspan(k)));
}

std::vector<Hash> ReferenceInclusionProof(uint64_t m, std::span<const Hash> leaves) {
  uint64_t n = leaves.size();
  if (n <= 1) return {};
  uint64_t k = SplitPoint(n);
  std::vector<Hash> out;
  if (m < k) {
    out = ReferenceInclusionProof(m, leaves.first(k));
    out.push_back(ReferenceRoot(leaves.subspan(k)));
  } else {
    out = ReferenceInclusionProof(m - k, leaves.subspan(k));
    out.push_back(ReferenceRoot(leaves.first(k)));
  }
  return out;
}

namespace {

std::vector<Hash> SubProof(uint64_t m, std::span<const Hash> leaves, bool b) {
  uint64_t n = leaves.size();
  if (m == n) {
    if (b) return {};
    return {ReferenceRoot(leaves)};
  }
  uint64_t k = SplitPoint(n);
  std::vector<Hash> out;
  if (m <= k) {
    out = SubProof(m, leaves.first(k), b);
    out.push_back(ReferenceRoot(leaves.subspan(k)));
  } else {
    out = SubProof(m - k, leaves.subspan(k), false);
    out.push_back(ReferenceRoot(leaves.first(k)));
  }
  return out;
}

}  // namespace

std::vector<Hash> ReferenceConsistencyProof(uint64_t size1, std::span<const Hash> leaves) {
  if (size1 == 0 || size1 > leaves.size()) return {};
  return SubProof(size1, leaves, true);
}

}  // namespace tadamun::audit
