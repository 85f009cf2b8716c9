// PDQ hash core. See pdq.h for the contract; this file must be compiled with
// -ffp-contract=off and without fast-math (set on the tadamun_media target).
#include "media/pdq.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <vector>

namespace tadamun::media {

namespace {

constexpr int kMinHashableDim = 5;
constexpr int kJaroszPasses = 2;

// Rows 1..16 of the 64-point DCT-II basis, each value computed in double and stored as float
// (the reference multiplies a float scale factor by a double cosine and narrows).
struct DctMatrix {
  float d[16][64];    // d[i][k]
  float dt[64][16];   // dt[k][i] = d[i][k]
  DctMatrix() {
    const double pi = 3.14159265358979323846;
    const float scale = static_cast<float>(std::sqrt(2.0 / 64.0));
    for (int i = 0; i < 16; ++i) {
      for (int k = 0; k < 64; ++k) {
        double angle = (pi / 2.0 / 64.0) * static_cast<double>(i + 1) *
                       static_cast<double>(2 * k + 1);
        d[i][k] = static_cast<float>(scale * std::cos(angle));
        dt[k][i] = d[i][k];
      }
    }
  }
};

const DctMatrix& Dct() {
  static const DctMatrix matrix;
  return matrix;
}

int JaroszWindow(int old_dim, int new_dim) { return (old_dim + 2 * new_dim - 1) / (2 * new_dim); }

// One box filter along the columns of a rows x cols matrix, for all columns at once: every
// column sees exactly the reference's sequence of adds, subtracts and divides (the
// reference's box1DFloat with stride `cols`); the inner loops run across columns only.
void BoxAlongColumns(const float* in, float* out, int rows, int cols, int window,
                     float* sum) {
  const int half = (window + 2) / 2;
  const int phase1 = half - 1;
  const int phase2 = window - half + 1;
  const int phase3 = rows - window;
  const int phase4 = half - 1;
  std::fill(sum, sum + cols, 0.0f);
  int left = 0, right = 0, o = 0, current = 0;
  for (int n = 0; n < phase1; ++n, ++right) {
    const float* r = in + static_cast<size_t>(right) * cols;
    for (int j = 0; j < cols; ++j) sum[j] += r[j];
    ++current;
  }
  for (int n = 0; n < phase2; ++n, ++right, ++o) {
    const float* r = in + static_cast<size_t>(right) * cols;
    float* w = out + static_cast<size_t>(o) * cols;
    ++current;
    const float c = static_cast<float>(current);
    for (int j = 0; j < cols; ++j) {
      sum[j] += r[j];
      w[j] = sum[j] / c;
    }
  }
  {
    const float c = static_cast<float>(current);
    for (int n = 0; n < phase3; ++n, ++left, ++right, ++o) {
      const float* r = in + static_cast<size_t>(right) * cols;
      const float* l = in + static_cast<size_t>(left) * cols;
      float* w = out + static_cast<size_t>(o) * cols;
      for (int j = 0; j < cols; ++j) {
        float s = sum[j] + r[j];
        s = s - l[j];
        sum[j] = s;
        w[j] = s / c;
      }
    }
  }
  for (int n = 0; n < phase4; ++n, ++left, ++o) {
    const float* l = in + static_cast<size_t>(left) * cols;
    float* w = out + static_cast<size_t>(o) * cols;
    --current;
    const float c = static_cast<float>(current);
    for (int j = 0; j < cols; ++j) {
      sum[j] -= l[j];
      w[j] = sum[j] / c;
    }
  }
}

// One box filter along each row of a rows x cols matrix. Rows are taken 16 at a time into a
// small transposed tile (cols x 16, in L1/L2) so that the filter runs across 16 rows at once
// with BoxAlongColumns; each row still sees the reference's exact sequence of operations.
void BoxAlongRows(const float* in, float* out, int rows, int cols, int window, float* tile_in,
                  float* tile_out, float* sum) {
  constexpr int kTileRows = 16;
  for (int r0 = 0; r0 < rows; r0 += kTileRows) {
    const int h = std::min(kTileRows, rows - r0);
    for (int i = 0; i < h; ++i) {
      const float* src = in + static_cast<size_t>(r0 + i) * cols;
      for (int c = 0; c < cols; ++c) tile_in[c * h + i] = src[c];
    }
    BoxAlongColumns(tile_in, tile_out, cols, h, window, sum);
    for (int i = 0; i < h; ++i) {
      float* dst = out + static_cast<size_t>(r0 + i) * cols;
      for (int c = 0; c < cols; ++c) dst[c] = tile_out[c * h + i];
    }
  }
}

// Two passes of (box along rows, box along columns), leaving the result in `luma`.
void JaroszFilter(float* luma, int rows, int cols) {
  const int window_along_rows = JaroszWindow(cols, 64);
  const int window_along_cols = JaroszWindow(rows, 64);
  const size_t n = static_cast<size_t>(rows) * cols;
  // Per-thread scratch, reused across calls (no page faults per image).
  thread_local std::vector<float> other, tile_in, tile_out, sum;
  if (other.size() < n) other.resize(n);
  const size_t tile = static_cast<size_t>(cols) * 16;
  if (tile_in.size() < tile) {
    tile_in.resize(tile);
    tile_out.resize(tile);
  }
  const size_t longest = static_cast<size_t>(std::max(rows, cols));
  if (sum.size() < longest) sum.resize(longest);
  for (int pass = 0; pass < kJaroszPasses; ++pass) {
    BoxAlongRows(luma, other.data(), rows, cols, window_along_rows, tile_in.data(),
                 tile_out.data(), sum.data());
    BoxAlongColumns(other.data(), luma, rows, cols, window_along_cols, sum.data());
  }
}

void Decimate(const float* in, int rows, int cols, float out[64][64]) {
  for (int i = 0; i < 64; ++i) {
    const int ini = static_cast<int>(((i + 0.5) * rows) / 64);
    for (int j = 0; j < 64; ++j) {
      const int inj = static_cast<int>(((j + 0.5) * cols) / 64);
      out[i][j] = in[static_cast<size_t>(ini) * cols + inj];
    }
  }
}

int QualityMetric(const float a[64][64]) {
  int gradient_sum = 0;
  for (int i = 0; i < 63; ++i) {
    for (int j = 0; j < 64; ++j) {
      const float diff = a[i][j] - a[i + 1][j];
      const int d = static_cast<int>((diff * 100.0f) / 255.0f);
      gradient_sum += std::abs(d);
    }
  }
  for (int i = 0; i < 64; ++i) {
    for (int j = 0; j < 63; ++j) {
      const float diff = a[i][j] - a[i][j + 1];
      const int d = static_cast<int>((diff * 100.0f) / 255.0f);
      gradient_sum += std::abs(d);
    }
  }
  return std::min(gradient_sum / 90, 100);
}

// B = D A D^T, keeping the reference's summation order (k ascending, starting from 0).
void Dct64To16(const float a[64][64], float out[16][16]) {
  const DctMatrix& m = Dct();
  float t[16][64];
  for (int i = 0; i < 16; ++i) {
    float acc[64] = {};
    for (int k = 0; k < 64; ++k) {
      const float d = m.d[i][k];
      for (int j = 0; j < 64; ++j) acc[j] += d * a[k][j];
    }
    std::memcpy(t[i], acc, sizeof(acc));
  }
  for (int i = 0; i < 16; ++i) {
    float acc[16] = {};
    for (int k = 0; k < 64; ++k) {
      const float tk = t[i][k];
      for (int j = 0; j < 16; ++j) acc[j] += tk * m.dt[k][j];
    }
    std::memcpy(out[i], acc, sizeof(acc));
  }
}

PdqHash BitsFromDct(const float b[16][16]) {
  float values[256];
  std::memcpy(values, &b[0][0], sizeof(values));
  // The reference's Torben median returns the 128th smallest of the 256 values.
  std::nth_element(values, values + 127, values + 256);
  const float median = values[127];
  PdqHash hash;
  for (int i = 0; i < 16; ++i) {
    for (int j = 0; j < 16; ++j) {
      if (b[i][j] > median) hash.SetBit(i * 16 + j);
    }
  }
  return hash;
}

// Computes the 16x16 DCT block and quality; returns false for images too small to hash.
bool DctFromLuma(float* luma, int rows, int cols, float dct[16][16], int* quality) {
  if (rows < kMinHashableDim || cols < kMinHashableDim) {
    *quality = 0;
    return false;
  }
  float small[64][64];
  if (rows == 64 && cols == 64) {
    std::memcpy(small, luma, sizeof(small));
  } else {
    JaroszFilter(luma, rows, cols);
    Decimate(luma, rows, cols, small);
  }
  *quality = QualityMetric(small);
  Dct64To16(small, dct);
  return true;
}

// Dihedral transforms of the DCT block (sign changes and transposes; see the reference).
void Transform(Dihedral d, const float a[16][16], float b[16][16]) {
  for (int i = 0; i < 16; ++i) {
    for (int j = 0; j < 16; ++j) {
      const float v = a[i][j];
      switch (d) {
        case Dihedral::kOriginal: b[i][j] = v; break;
        case Dihedral::kRotate90: b[j][i] = (j & 1) ? v : -v; break;
        case Dihedral::kRotate180: b[i][j] = ((i + j) & 1) ? -v : v; break;
        case Dihedral::kRotate270: b[j][i] = (i & 1) ? v : -v; break;
        case Dihedral::kFlipX: b[i][j] = (i & 1) ? v : -v; break;
        case Dihedral::kFlipY: b[i][j] = (j & 1) ? v : -v; break;
        case Dihedral::kFlipPlus1: b[j][i] = v; break;
        case Dihedral::kFlipMinus1: b[j][i] = ((i + j) & 1) ? -v : v; break;
      }
    }
  }
}

}  // namespace

std::string FormatHex(const PdqHash& hash) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(64, '0');
  for (int i = 0; i < 32; ++i) {
    out[2 * i] = kDigits[hash.bytes[i] >> 4];
    out[2 * i + 1] = kDigits[hash.bytes[i] & 15];
  }
  return out;
}

StatusOr<PdqHash> ParseHex(std::string_view hex) {
  if (hex.size() != 64) {
    return Status::InvalidArgument("PDQ hash must be 64 hex digits, got " +
                                   std::to_string(hex.size()) + " characters");
  }
  PdqHash hash;
  for (int i = 0; i < 64; ++i) {
    const char c = hex[i];
    int v;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      v = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      v = c - 'A' + 10;
    } else {
      return Status::InvalidArgument("PDQ hash: character " + std::to_string(i + 1) +
                                     " is not a hex digit");
    }
    hash.bytes[i / 2] |= static_cast<uint8_t>(v << ((i & 1) ? 0 : 4));
  }
  return hash;
}

int HammingDistance(const PdqHash& a, const PdqHash& b) {
  int d = 0;
  for (int i = 0; i < 32; i += 8) {
    uint64_t x, y;
    std::memcpy(&x, &a.bytes[i], 8);
    std::memcpy(&y, &b.bytes[i], 8);
    d += std::popcount(x ^ y);
  }
  return d;
}

std::string_view DihedralName(Dihedral d) {
  static constexpr std::string_view kNames[] = {"orig",  "rot90", "rot180",    "rot270",
                                                "flipx", "flipy", "flipplus1", "flipminus1"};
  return kNames[static_cast<int>(d)];
}

PdqResult PdqFromLuma(float* luma, int rows, int cols) {
  PdqResult result;
  float dct[16][16];
  if (DctFromLuma(luma, rows, cols, dct, &result.quality)) result.hash = BitsFromDct(dct);
  return result;
}

PdqDihedralResult PdqDihedralFromLuma(float* luma, int rows, int cols) {
  PdqDihedralResult result;
  float dct[16][16];
  if (!DctFromLuma(luma, rows, cols, dct, &result.quality)) return result;
  for (int t = 0; t < kNumDihedral; ++t) {
    float transformed[16][16];
    Transform(static_cast<Dihedral>(t), dct, transformed);
    result.hashes[t] = BitsFromDct(transformed);
  }
  return result;
}

}  // namespace tadamun::media
