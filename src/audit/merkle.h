// RFC 9162 Merkle tree hashing and strict proof verification, plus the compact range (the
// right edge of a growing tree) that appends use.
//
//   leaf hash = SHA-256(0x00 || entry)      node hash = SHA-256(0x01 || left || right)
//   MTH of the empty tree = SHA-256("");   for n > 1 the split point is the largest power of
//   two strictly below n (RFC 9162 §2.1.1).
//
// Verification follows RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency) and is strict:
// the proof must have exactly the length the sizes imply, every hash is exactly 32 bytes
// (enforced where bytes become a Hash: HashFromBytes), index < size, and a consistency proof
// needs 0 < size1 <= size2 (size1 == size2 needs an empty proof and equal roots).
//
// Pure functions; thread-safe. CompactRange is a value type (thread-compatible) whose memory
// is at most 64 hashes, whatever the tree size.
//
//   Hash leaf = HashLeaf(entry_bytes);
//   Status s = VerifyInclusion(index, size, leaf, proof, root);   // OK or InvalidArgument
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace tadamun::audit {

constexpr size_t kHashSize = 32;
using Hash = std::array<uint8_t, kHashSize>;

Hash HashLeaf(std::string_view entry);
Hash HashChildren(const Hash& left, const Hash& right);
Hash EmptyRoot();

std::string_view HashBytes(const Hash& h);  // a view of the 32 bytes
std::string HashHex(const Hash& h);
// Exactly 32 bytes, else InvalidArgument naming `what` and the length found.
StatusOr<Hash> HashFromBytes(std::string_view bytes, std::string_view what = "hash");
StatusOr<std::vector<Hash>> HashesFromBytes(const std::vector<std::string>& bytes,
                                            std::string_view what = "proof hash");

// OK when `proof` proves that `leaf_hash` is leaf `index` of the tree of `size` with `root`.
// InvalidArgument saying what failed otherwise.
Status VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf_hash,
                       const std::vector<Hash>& proof, const Hash& root);

// The root implied by an inclusion proof (InvalidArgument on wrong index/size/length).
StatusOr<Hash> RootFromInclusionProof(uint64_t index, uint64_t size, const Hash& leaf_hash,
                                      const std::vector<Hash>& proof);

// OK when `proof` proves the tree of size1 with root1 is a prefix of the tree of size2 with
// root2. InvalidArgument otherwise.
Status VerifyConsistency(uint64_t size1, uint64_t size2, const std::vector<Hash>& proof,
                         const Hash& root1, const Hash& root2);

// The same checks over raw bytes from outside (proof files, peers, golden probes): the leaf
// hash and every proof element must be exactly 32 bytes. Roots are compared as bytes, so two
// equal roots of a same-size consistency check pass whatever their length (a root of the
// wrong length can never match a computed one).
Status VerifyInclusionBytes(uint64_t index, uint64_t size, std::string_view leaf_hash,
                            const std::vector<std::string>& proof, std::string_view root);
Status VerifyConsistencyBytes(uint64_t size1, uint64_t size2,
                              const std::vector<std::string>& proof, std::string_view root1,
                              std::string_view root2);

// The right edge of a tree: the roots of the perfect subtrees that make up [0, size), largest
// first. Appending a leaf reports every perfect node it completes.
class CompactRange {
 public:
  // Called for each completed perfect node: level 0 is the leaf itself; `index` is the node's
  // position within its level.
  using NodeFn = std::function<void(uint32_t level, uint64_t index, const Hash& hash)>;

  CompactRange() = default;
  // A range for `size` leaves from its edge hashes (one per set bit of size, largest first).
  // InvalidArgument when the count does not match.
  static StatusOr<CompactRange> FromEdge(uint64_t size, std::vector<Hash> edge);

  uint64_t size() const { return size_; }
  const std::vector<Hash>& edge() const { return edge_; }

  void Append(const Hash& leaf_hash, const NodeFn& on_node = nullptr);
  Hash Root() const;

 private:
  uint64_t size_ = 0;
  std::vector<Hash> edge_;
};

// The (level, index) pairs of the edge of a tree of `size`, largest first.
std::vector<std::pair<uint32_t, uint64_t>> EdgeNodes(uint64_t size);

}  // namespace tadamun::audit
