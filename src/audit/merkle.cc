#include "audit/merkle.h"

#include <bit>

#include "base/encoding.h"
#include "crypto/digest.h"

namespace tadamun::audit {
namespace {

std::string_view View(const Hash& h) {
  return std::string_view(reinterpret_cast<const char*>(h.data()), h.size());
}

// RFC 9162 §2.1.3.2 steps 2-4; returns false when the proof runs past the root.
bool ChainInclusion(uint64_t index, uint64_t size, const Hash& leaf_hash,
                    const std::vector<Hash>& proof, Hash* root, uint64_t* sn_out) {
  uint64_t fn = index, sn = size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) return false;
    if ((fn & 1) != 0 || fn == sn) {
      r = HashChildren(p, r);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = HashChildren(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  *root = r;
  *sn_out = sn;
  return true;
}

}  // namespace

Hash HashLeaf(std::string_view entry) {
  Hash h;
  static constexpr char kPrefix = 0x00;
  crypto::Sha256Concat({std::string_view(&kPrefix, 1), entry}, h.data());
  return h;
}

Hash HashChildren(const Hash& left, const Hash& right) {
  Hash h;
  static constexpr char kPrefix = 0x01;
  crypto::Sha256Concat({std::string_view(&kPrefix, 1), View(left), View(right)}, h.data());
  return h;
}

Hash EmptyRoot() {
  Hash h;
  crypto::Sha256Concat({}, h.data());
  return h;
}

std::string_view HashBytes(const Hash& h) { return View(h); }

std::string HashHex(const Hash& h) { return HexEncode(View(h)); }

StatusOr<Hash> HashFromBytes(std::string_view bytes, std::string_view what) {
  if (bytes.size() != kHashSize) {
    return Status::InvalidArgument(std::string(what) + " is " + std::to_string(bytes.size()) +
                                   " bytes, expected 32");
  }
  Hash h;
  std::copy(bytes.begin(), bytes.end(), h.begin());
  return h;
}

StatusOr<std::vector<Hash>> HashesFromBytes(const std::vector<std::string>& bytes,
                                            std::string_view what) {
  std::vector<Hash> out;
  out.reserve(bytes.size());
  for (size_t i = 0; i < bytes.size(); ++i) {
    TADAMUN_ASSIGN_OR_RETURN(
        Hash h, HashFromBytes(bytes[i], std::string(what) + " " + std::to_string(i)));
    out.push_back(h);
  }
  return out;
}

StatusOr<Hash> RootFromInclusionProof(uint64_t index, uint64_t size, const Hash& leaf_hash,
                                      const std::vector<Hash>& proof) {
  if (index >= size) {
    return Status::InvalidArgument("inclusion proof: index " + std::to_string(index) +
                                   " is not below the tree size " + std::to_string(size));
  }
  Hash root;
  uint64_t sn = 0;
  if (!ChainInclusion(index, size, leaf_hash, proof, &root, &sn) || sn != 0) {
    return Status::InvalidArgument("inclusion proof: " + std::to_string(proof.size()) +
                                   " hashes is the wrong length for index " +
                                   std::to_string(index) + " in a tree of " +
                                   std::to_string(size));
  }
  return root;
}

Status VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf_hash,
                       const std::vector<Hash>& proof, const Hash& root) {
  TADAMUN_ASSIGN_OR_RETURN(Hash computed, RootFromInclusionProof(index, size, leaf_hash, proof));
  if (computed != root) {
    return Status::InvalidArgument("inclusion proof: the computed root " + HashHex(computed) +
                                   " differs from the expected root " + HashHex(root));
  }
  return Status::Ok();
}

Status VerifyConsistency(uint64_t size1, uint64_t size2, const std::vector<Hash>& proof,
                         const Hash& root1, const Hash& root2) {
  const std::string sizes = std::to_string(size1) + " -> " + std::to_string(size2);
  if (size1 == 0) {
    return Status::InvalidArgument("consistency proof " + sizes +
                                   ": the old size must be at least 1");
  }
  if (size1 > size2) {
    return Status::InvalidArgument("consistency proof " + sizes + ": the tree shrank");
  }
  if (size1 == size2) {
    if (!proof.empty()) {
      return Status::InvalidArgument("consistency proof " + sizes +
                                     ": equal sizes need an empty proof");
    }
    if (root1 != root2) {
      return Status::InvalidArgument("consistency proof " + sizes +
                                     ": same size but different roots (a fork)");
    }
    return Status::Ok();
  }
  if (proof.empty()) {
    return Status::InvalidArgument("consistency proof " + sizes + ": empty proof");
  }
  // RFC 9162 §2.1.4.2.
  std::vector<Hash> path;
  path.reserve(proof.size() + 1);
  if (std::has_single_bit(size1)) path.push_back(root1);
  path.insert(path.end(), proof.begin(), proof.end());
  uint64_t fn = size1 - 1, sn = size2 - 1;
  while ((fn & 1) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path[0], sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) {
      return Status::InvalidArgument("consistency proof " + sizes + ": too many hashes (" +
                                     std::to_string(proof.size()) + ")");
    }
    if ((fn & 1) != 0 || fn == sn) {
      fr = HashChildren(c, fr);
      sr = HashChildren(c, sr);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = HashChildren(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) {
    return Status::InvalidArgument("consistency proof " + sizes + ": too few hashes (" +
                                   std::to_string(proof.size()) + ")");
  }
  if (fr != root1) {
    return Status::InvalidArgument("consistency proof " + sizes +
                                   ": does not lead to the old root");
  }
  if (sr != root2) {
    return Status::InvalidArgument("consistency proof " + sizes +
                                   ": does not lead to the new root");
  }
  return Status::Ok();
}

Status VerifyInclusionBytes(uint64_t index, uint64_t size, std::string_view leaf_hash,
                            const std::vector<std::string>& proof, std::string_view root) {
  TADAMUN_ASSIGN_OR_RETURN(Hash leaf, HashFromBytes(leaf_hash, "leaf hash"));
  TADAMUN_ASSIGN_OR_RETURN(std::vector<Hash> path, HashesFromBytes(proof));
  TADAMUN_ASSIGN_OR_RETURN(Hash computed, RootFromInclusionProof(index, size, leaf, path));
  if (HashBytes(computed) != root) {
    return Status::InvalidArgument("inclusion proof: the computed root " + HashHex(computed) +
                                   " differs from the expected root " + HexEncode(root));
  }
  return Status::Ok();
}

Status VerifyConsistencyBytes(uint64_t size1, uint64_t size2,
                              const std::vector<std::string>& proof, std::string_view root1,
                              std::string_view root2) {
  TADAMUN_ASSIGN_OR_RETURN(std::vector<Hash> path, HashesFromBytes(proof));
  if (size1 != 0 && size1 == size2 && path.empty()) {
    if (root1 != root2) {
      return Status::InvalidArgument("consistency proof: same size " + std::to_string(size1) +
                                     " but different roots (a fork)");
    }
    return Status::Ok();
  }
  Hash r1{}, r2{};
  if (root1.size() == kHashSize) r1 = HashFromBytes(root1).value();
  if (root2.size() == kHashSize) r2 = HashFromBytes(root2).value();
  TADAMUN_RETURN_IF_ERROR(VerifyConsistency(size1, size2, path, r1, r2));
  if (root1.size() != kHashSize || root2.size() != kHashSize) {
    return Status::InvalidArgument("consistency proof: a root is not 32 bytes");
  }
  return Status::Ok();
}

std::vector<std::pair<uint32_t, uint64_t>> EdgeNodes(uint64_t size) {
  std::vector<std::pair<uint32_t, uint64_t>> nodes;
  uint64_t pos = 0;
  for (int level = 63; level >= 0; --level) {
    uint64_t width = uint64_t{1} << level;
    if ((size & width) != 0) {
      nodes.emplace_back(static_cast<uint32_t>(level), pos >> level);
      pos += width;
    }
  }
  return nodes;
}

StatusOr<CompactRange> CompactRange::FromEdge(uint64_t size, std::vector<Hash> edge) {
  if (edge.size() != static_cast<size_t>(std::popcount(size))) {
    return Status::InvalidArgument("compact range of size " + std::to_string(size) + " needs " +
                                   std::to_string(std::popcount(size)) + " edge hashes, got " +
                                   std::to_string(edge.size()));
  }
  CompactRange r;
  r.size_ = size;
  r.edge_ = std::move(edge);
  return r;
}

void CompactRange::Append(const Hash& leaf_hash, const NodeFn& on_node) {
  Hash h = leaf_hash;
  uint64_t index = size_;
  if (on_node) on_node(0, index, h);
  uint32_t level = 0;
  while ((size_ >> level) & 1) {
    h = HashChildren(edge_.back(), h);
    edge_.pop_back();
    ++level;
    index >>= 1;
    if (on_node) on_node(level, index, h);
  }
  edge_.push_back(h);
  ++size_;
}

Hash CompactRange::Root() const {
  if (edge_.empty()) return EmptyRoot();
  Hash r = edge_.back();
  for (size_t i = edge_.size() - 1; i-- > 0;) r = HashChildren(edge_[i], r);
  return r;
}

}  // namespace tadamun::audit
