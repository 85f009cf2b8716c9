// Inclusion and consistency proof generation (RFC 9162 §2.1.3.1 PATH and §2.1.4.1 PROOF)
// over any store of perfect-subtree hashes, plus slow reference versions for tests.
//
// A proof only ever needs hashes of perfect subtrees (2^L leaves starting at a multiple of
// 2^L) and of right-border subtrees, which are folded from perfect ones. So generation asks a
// NodeReader for O(log n) perfect nodes and works in O(log n) time and memory whatever the
// tree size. Proofs are generated against an explicit (pinned) tree size.
//
// Thread-safety: the functions are as thread-safe as the NodeReader passed in.
//
//   TADAMUN_ASSIGN_OR_RETURN(std::vector<Hash> path, InclusionProof(reader, index, size));
//   // == ReferenceInclusionProof(index, leaf_hashes_of_first_size_leaves)
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "audit/merkle.h"
#include "base/status.h"

namespace tadamun::audit {

// Source of perfect-subtree hashes: the node at `level` covering leaves
// [index * 2^level, (index + 1) * 2^level). Implementations return NotFound or DataLoss when
// the node is not (or no longer) available.
class NodeReader {
 public:
  virtual ~NodeReader() = default;
  virtual StatusOr<Hash> PerfectNode(uint32_t level, uint64_t index) = 0;
};

// MTH(D[begin:end]) where [begin, end) is a subtree of some RFC 9162 tree (begin is a multiple
// of the largest power of two <= end - begin, or begin == 0). Empty range: EmptyRoot().
StatusOr<Hash> SubtreeHash(NodeReader& reader, uint64_t begin, uint64_t end);

// The root of the tree of `size` leaves.
StatusOr<Hash> RootAt(NodeReader& reader, uint64_t size);

// PATH(index, D[size]); InvalidArgument unless index < size.
StatusOr<std::vector<Hash>> InclusionProof(NodeReader& reader, uint64_t index, uint64_t size);

// PROOF(size1, D[size2]); InvalidArgument unless 0 < size1 <= size2 (empty when equal).
StatusOr<std::vector<Hash>> ConsistencyProof(NodeReader& reader, uint64_t size1, uint64_t size2);

// A NodeReader over leaf hashes held in memory (tests and small tools): perfect nodes are
// computed by hashing, O(2^level) each.
class MemoryNodeReader final : public NodeReader {
 public:
  explicit MemoryNodeReader(std::vector<Hash> leaf_hashes) : leaves_(std::move(leaf_hashes)) {}
  StatusOr<Hash> PerfectNode(uint32_t level, uint64_t index) override;

 private:
  std::vector<Hash> leaves_;
};

// Straight transcriptions of the RFC's recursive definitions over all leaf hashes: obviously
// correct and slow; the reference that tests compare the fast paths with.
Hash ReferenceRoot(std::span<const Hash> leaves);
std::vector<Hash> ReferenceInclusionProof(uint64_t index, std::span<const Hash> leaves);
std::vector<Hash> ReferenceConsistencyProof(uint64_t size1, std::span<const Hash> leaves);

}  // namespace tadamun::audit
