// PDQ: Meta's 256-bit perceptual image hash, computed bit for bit like the reference C++
// implementation (facebook/ThreatExchange pdq/cpp, `pdq-photo-hasher`).
//
// This file is the hash core: it starts from a float luma image (rows x cols, row-major) that
// the caller has already decoded and, if larger than 512 px, pre-shrunk (see hasher.h). Steps,
// each in the reference's float operation order: two passes of a Jarosz tent filter (box
// filters along rows then columns), decimation to 64x64 at pixel centres, the image-domain
// quality metric, a 16x16 DCT (rows 1..16 of the 64-point DCT-II basis), and one bit per
// coefficient: set when it is strictly greater than the median (the 128th smallest of 256).
// The module is compiled with -ffp-contract=off and without fast-math; loops are vectorised
// only across independent outputs, so every output sees the same float operations in the same
// order as the reference.
//
// Bit k of the hash is bit (k % 16) of 16-bit word k / 16; the hex form prints word 15 first,
// four lowercase hex digits per word (the reference's Hash256::format). PdqHash stores the 32
// bytes of that hex text, so FormatHex(ParseHex(s)) == s.
//
// Thread-safety: pure functions over caller-owned buffers; safe to call concurrently.
//
//   std::vector<float> luma = ...;  // rows * cols values in 0..255
//   media::PdqResult r = media::PdqFromLuma(luma.data(), rows, cols);
//   std::string hex = media::FormatHex(r.hash);
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace tadamun::media {

struct PdqHash {
  std::array<uint8_t, 32> bytes{};  // the hex text's bytes, most significant first

  // Sets bit k (0..255) in the reference's numbering (word k/16, bit k%16).
  void SetBit(int k) {
    int word = k >> 4, bit = k & 15;
    int byte = 2 * (15 - word) + (bit >= 8 ? 0 : 1);
    bytes[byte] |= static_cast<uint8_t>(1u << (bit & 7));
  }
  bool GetBit(int k) const {
    int word = k >> 4, bit = k & 15;
    int byte = 2 * (15 - word) + (bit >= 8 ? 0 : 1);
    return (bytes[byte] >> (bit & 7)) & 1;
  }
  friend bool operator==(const PdqHash& a, const PdqHash& b) { return a.bytes == b.bytes; }
  friend bool operator<(const PdqHash& a, const PdqHash& b) { return a.bytes < b.bytes; }
};

// 64 lowercase hex digits.
std::string FormatHex(const PdqHash& hash);
// Accepts exactly 64 hex digits (either case); anything else is InvalidArgument.
StatusOr<PdqHash> ParseHex(std::string_view hex);
// Number of differing bits, 0..256.
int HammingDistance(const PdqHash& a, const PdqHash& b);

// Quality below this is "too flat to match on" (the reference's recommendation).
inline constexpr int kPdqQualityThreshold = 50;
// Distance at or below which two PDQ hashes are considered the same image (the reference's
// recommended threshold for the 256-bit hash).
inline constexpr int kPdqMatchDistance = 31;

struct PdqResult {
  PdqHash hash;
  int quality = 0;  // 0..100
};

// The eight dihedral transforms, in the order of the reference's `--pdqdih-across` output.
enum class Dihedral : uint8_t {
  kOriginal = 0,
  kRotate90,
  kRotate180,
  kRotate270,
  kFlipX,
  kFlipY,
  kFlipPlus1,
  kFlipMinus1,
};
inline constexpr int kNumDihedral = 8;
std::string_view DihedralName(Dihedral d);  // "orig", "rot90", ... as in expected-pdq-dih.csv

struct PdqDihedralResult {
  std::array<PdqHash, kNumDihedral> hashes;  // indexed by Dihedral
  int quality = 0;
};

// Hashes a float luma image. `luma` holds rows * cols values and is overwritten (it is the
// filter's working buffer). Images with fewer than 5 rows or columns hash to all zeros with
// quality 0, as in the reference.
PdqResult PdqFromLuma(float* luma, int rows, int cols);
// The same, plus the hashes of the seven other dihedral transforms of the image, computed
// from the DCT coefficients as the reference does.
PdqDihedralResult PdqDihedralFromLuma(float* luma, int rows, int cols);

}  // namespace tadamun::media
