#include "media/hamming_index.h"

#include <fcntl.h>
#include <immintrin.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <thread>

#include "base/env.h"

namespace tadamun::media {

namespace {

// A block holds 16 codes as 8 planes of 16 32-bit words: plane j holds word j of each code.
constexpr int kCodesPerBlock = 16;
constexpr int kWordsPerCode = 8;
constexpr int kWordsPerBlock = kCodesPerBlock * kWordsPerCode;  // 128 x uint32 = 512 bytes
// The first stage bounds the distance from below by the distance over the first 3 words (96
// bits): a random code passes it with probability ~3.5e-4 at radius 31.
constexpr int kStageWords = 3;
constexpr char kMagic[8] = {'T', 'D', 'M', 'P', 'D', 'Q', 'X', '2'};
constexpr uint32_t kVersion = 2;
constexpr uint64_t kHeaderBytes = 64;

struct FileHeader {
  char magic[8];
  uint32_t version;
  uint32_t words_per_block;
  uint64_t slots;
  uint64_t deleted;
  uint64_t codes_offset;
  uint64_t codes_bytes;
  uint64_t tombstones_offset;
  uint64_t tombstones_bytes;
};
static_assert(sizeof(FileHeader) == kHeaderBytes);

void ToWords(const PdqHash& h, uint32_t w[kWordsPerCode]) { std::memcpy(w, h.bytes.data(), 32); }

uint64_t BlocksFor(uint64_t count) { return (count + kCodesPerBlock - 1) / kCodesPerBlock; }

// One contiguous run of code blocks: the mapped base or the owned tail.
struct Segment {
  const uint32_t* blocks = nullptr;
  uint64_t count = 0;    // codes in this segment
  uint64_t id_base = 0;  // id of its first code
};

struct ScanArgs {
  const Segment* segment;
  uint64_t block_begin;
  uint64_t block_end;
  const uint32_t* queries;  // nq x 8 words
  int nq;
  uint32_t query_base;  // batch position of queries[0] (reported in IndexMatch::query)
  int radius;
  const uint64_t* tombstones;
  std::vector<IndexMatch>* out;
};

constexpr uint64_t kChunkBlocks = 32;  // 16 KiB of codes stay in L1 while the batch runs
constexpr size_t kQuerySlice = 512;    // 16 KiB of query words

// Finishes a candidate that passed the first stage.
inline void Confirm(const ScanArgs& a, uint64_t block, int lane, int qi) {
  const uint64_t local = block * kCodesPerBlock + lane;
  if (local >= a.segment->count) return;  // padding lane of the last block
  const uint64_t id = a.segment->id_base + local;
  if ((a.tombstones[id >> 6] >> (id & 63)) & 1) return;
  const uint32_t* p = a.segment->blocks + block * kWordsPerBlock;
  const uint32_t* q = a.queries + qi * kWordsPerCode;
  int d = 0;
  for (int w = 0; w < kWordsPerCode; ++w) d += std::popcount(p[w * kCodesPerBlock + lane] ^ q[w]);
  if (d <= a.radius) {
    a.out->push_back({a.query_base + static_cast<uint32_t>(qi), static_cast<uint32_t>(id), d});
  }
}

inline void ScanScalarBody(const ScanArgs& a) {
  for (uint64_t c0 = a.block_begin; c0 < a.block_end; c0 += kChunkBlocks) {
    const uint64_t c1 = std::min(a.block_end, c0 + kChunkBlocks);
    for (int qi = 0; qi < a.nq; ++qi) {
      const uint32_t* q = a.queries + qi * kWordsPerCode;
      const uint32_t q0 = q[0], q1 = q[1], q2 = q[2];
      for (uint64_t b = c0; b < c1; ++b) {
        const uint32_t* p = a.segment->blocks + b * kWordsPerBlock;
        for (int lane = 0; lane < kCodesPerBlock; ++lane) {
          const int d = std::popcount(p[lane] ^ q0) + std::popcount(p[16 + lane] ^ q1) +
                        std::popcount(p[32 + lane] ^ q2);
          if (d <= a.radius) [[unlikely]] Confirm(a, b, lane, qi);
        }
      }
    }
  }
}

void ScanGeneric(const ScanArgs& a) { ScanScalarBody(a); }

__attribute__((target("popcnt"))) void ScanPopcnt(const ScanArgs& a) { ScanScalarBody(a); }

#define TADAMUN_AVX512 __attribute__((target("avx512f,avx512vpopcntdq")))

TADAMUN_AVX512 inline __m512i StageDistance(const uint32_t* p, __m512i q0, __m512i q1,
                                            __m512i q2) {
  const __m512i x0 = _mm512_xor_si512(_mm512_loadu_si512(p), q0);
  const __m512i x1 = _mm512_xor_si512(_mm512_loadu_si512(p + 16), q1);
  const __m512i x2 = _mm512_xor_si512(_mm512_loadu_si512(p + 32), q2);
  return _mm512_add_epi32(_mm512_add_epi32(_mm512_popcnt_epi32(x0), _mm512_popcnt_epi32(x1)),
                          _mm512_popcnt_epi32(x2));
}

TADAMUN_AVX512 inline void ConfirmMask(const ScanArgs& a, uint64_t block, __mmask16 m, int qi) {
  while (m) {
    const int lane = std::countr_zero(static_cast<unsigned>(m));
    m = static_cast<__mmask16>(m & (m - 1));
    Confirm(a, block, lane, qi);
  }
}

// Small batches: 16 KiB chunks of codes stay in L1 while each query runs over them.
TADAMUN_AVX512 void ScanAvx512Small(const ScanArgs& a) {
  const __m512i radius = _mm512_set1_epi32(a.radius);
  const uint32_t* blocks = a.segment->blocks;
  for (uint64_t c0 = a.block_begin; c0 < a.block_end; c0 += kChunkBlocks) {
    const uint64_t c1 = std::min(a.block_end, c0 + kChunkBlocks);
    for (int qi = 0; qi < a.nq; ++qi) {
      const uint32_t* q = a.queries + qi * kWordsPerCode;
      const __m512i q0 = _mm512_set1_epi32(static_cast<int>(q[0]));
      const __m512i q1 = _mm512_set1_epi32(static_cast<int>(q[1]));
      const __m512i q2 = _mm512_set1_epi32(static_cast<int>(q[2]));
      uint64_t b = c0;
      // Four blocks (64 codes) per step; one compare on their minimum.
      for (; b + 4 <= c1; b += 4) {
        const uint32_t* p = blocks + b * kWordsPerBlock;
        const __m512i d0 = StageDistance(p, q0, q1, q2);
        const __m512i d1 = StageDistance(p + kWordsPerBlock, q0, q1, q2);
        const __m512i d2 = StageDistance(p + 2 * kWordsPerBlock, q0, q1, q2);
        const __m512i d3 = StageDistance(p + 3 * kWordsPerBlock, q0, q1, q2);
        // maskz_ form: the plain intrinsic trips a GCC 12 -Wmaybe-uninitialized false positive.
        const __mmask16 all = 0xFFFF;
        const __m512i lo = _mm512_maskz_min_epu32(all, _mm512_maskz_min_epu32(all, d0, d1),
                                                  _mm512_maskz_min_epu32(all, d2, d3));
        if (_mm512_cmple_epu32_mask(lo, radius)) [[unlikely]] {
          ConfirmMask(a, b, _mm512_cmple_epu32_mask(d0, radius), qi);
          ConfirmMask(a, b + 1, _mm512_cmple_epu32_mask(d1, radius), qi);
          ConfirmMask(a, b + 2, _mm512_cmple_epu32_mask(d2, radius), qi);
          ConfirmMask(a, b + 3, _mm512_cmple_epu32_mask(d3, radius), qi);
        }
      }
      for (; b < c1; ++b) {
        const __m512i d = StageDistance(blocks + b * kWordsPerBlock, q0, q1, q2);
        ConfirmMask(a, b, _mm512_cmple_epu32_mask(d, radius), qi);
      }
    }
  }
}

// Large batches: four blocks (64 codes) are held in registers while every query of the batch runs over them
// (the query words come from L1 as embedded broadcasts); one compare on the minimum of the four
// stage distances decides whether any of the 64 codes needs a closer look.
TADAMUN_AVX512 void ScanAvx512Large(const ScanArgs& a) {
  const __m512i radius = _mm512_set1_epi32(a.radius);
  const __mmask16 all = 0xFFFF;
  const uint32_t* blocks = a.segment->blocks;
  uint64_t b = a.block_begin;
  for (; b + 4 <= a.block_end; b += 4) {
    const uint32_t* p = blocks + b * kWordsPerBlock;
    __m512i w[4][kStageWords];
    for (int k = 0; k < 4; ++k) {
      for (int j = 0; j < kStageWords; ++j) {
        w[k][j] = _mm512_loadu_si512(p + k * kWordsPerBlock + j * kCodesPerBlock);
      }
    }
    const uint32_t* q = a.queries;
    for (int qi = 0; qi < a.nq; ++qi, q += kWordsPerCode) {
      const __m512i q0 = _mm512_set1_epi32(static_cast<int>(q[0]));
      const __m512i q1 = _mm512_set1_epi32(static_cast<int>(q[1]));
      const __m512i q2 = _mm512_set1_epi32(static_cast<int>(q[2]));
      __m512i d[4];
      for (int k = 0; k < 4; ++k) {
        d[k] = _mm512_add_epi32(
            _mm512_add_epi32(_mm512_popcnt_epi32(_mm512_xor_si512(w[k][0], q0)),
                             _mm512_popcnt_epi32(_mm512_xor_si512(w[k][1], q1))),
            _mm512_popcnt_epi32(_mm512_xor_si512(w[k][2], q2)));
      }
      // maskz_ form: the plain intrinsic trips a GCC 12 -Wmaybe-uninitialized false positive.
      const __m512i lo = _mm512_maskz_min_epu32(all, _mm512_maskz_min_epu32(all, d[0], d[1]),
                                                _mm512_maskz_min_epu32(all, d[2], d[3]));
      if (_mm512_cmple_epu32_mask(lo, radius)) [[unlikely]] {
        for (int k = 0; k < 4; ++k) {
          ConfirmMask(a, b + k, _mm512_cmple_epu32_mask(d[k], radius), qi);
        }
      }
    }
  }
  for (; b < a.block_end; ++b) {
    const uint32_t* p = blocks + b * kWordsPerBlock;
    for (int qi = 0; qi < a.nq; ++qi) {
      const uint32_t* q = a.queries + qi * kWordsPerCode;
      const __m512i d = StageDistance(p, _mm512_set1_epi32(static_cast<int>(q[0])),
                                      _mm512_set1_epi32(static_cast<int>(q[1])),
                                      _mm512_set1_epi32(static_cast<int>(q[2])));
      ConfirmMask(a, b, _mm512_cmple_epu32_mask(d, radius), qi);
    }
  }
}

// Measured (bench/media_benchmark.cc): the register-blocked kernel wins from ~32 queries up.
constexpr int kLargeBatch = 32;

void ScanAvx512(const ScanArgs& a) {
  if (a.nq >= kLargeBatch) {
    ScanAvx512Large(a);
  } else {
    ScanAvx512Small(a);
  }
}

using ScanFn = void (*)(const ScanArgs&);

ScanFn PickKernel(bool allow_simd, const char** name) {
  __builtin_cpu_init();
  if (allow_simd && __builtin_cpu_supports("avx512f") &&
      __builtin_cpu_supports("avx512vpopcntdq")) {
    if (name) *name = "avx512-vpopcntdq";
    return ScanAvx512;
  }
  if (allow_simd && __builtin_cpu_supports("popcnt")) {
    if (name) *name = "popcnt";
    return ScanPopcnt;
  }
  if (name) *name = "generic";
  return ScanGeneric;
}

}  // namespace

struct HammingIndex::Impl {
  // Mapped base (from Open), possibly empty.
  void* map_addr = nullptr;
  size_t map_len = 0;
  const uint32_t* base_blocks = nullptr;
  uint64_t base_count = 0;
  // Owned tail; starts at a block boundary after the base.
  std::vector<uint32_t> tail_blocks;
  uint64_t tail_count = 0;
  // One bit per slot, set when deleted.
  std::vector<uint64_t> tombstones;
  uint64_t deleted = 0;

  ~Impl() {
    if (map_addr != nullptr) munmap(map_addr, map_len);
  }

  uint64_t slots() const { return base_count + tail_count; }

  void Locate(uint64_t id, const uint32_t** block, int* lane) const {
    if (id < base_count) {
      *block = base_blocks + (id / kCodesPerBlock) * kWordsPerBlock;
      *lane = static_cast<int>(id % kCodesPerBlock);
    } else {
      const uint64_t local = id - base_count;
      *block = tail_blocks.data() + (local / kCodesPerBlock) * kWordsPerBlock;
      *lane = static_cast<int>(local % kCodesPerBlock);
    }
  }
};

HammingIndex::HammingIndex() : impl_(std::make_unique<Impl>()) {}
HammingIndex::~HammingIndex() = default;
HammingIndex::HammingIndex(HammingIndex&&) noexcept = default;
HammingIndex& HammingIndex::operator=(HammingIndex&&) noexcept = default;

uint32_t HammingIndex::Add(const PdqHash& code) {
  Impl& m = *impl_;
  if (m.tail_count % kCodesPerBlock == 0) m.tail_blocks.resize(m.tail_blocks.size() + kWordsPerBlock, 0);
  uint32_t w[kWordsPerCode];
  ToWords(code, w);
  uint32_t* block = m.tail_blocks.data() + (m.tail_count / kCodesPerBlock) * kWordsPerBlock;
  const int lane = static_cast<int>(m.tail_count % kCodesPerBlock);
  for (int i = 0; i < kWordsPerCode; ++i) block[i * kCodesPerBlock + lane] = w[i];
  const uint64_t id = m.slots();
  ++m.tail_count;
  if (m.tombstones.size() * 64 < m.slots()) m.tombstones.push_back(0);
  return static_cast<uint32_t>(id);
}

Status HammingIndex::Remove(uint32_t id) {
  Impl& m = *impl_;
  if (id >= m.slots()) return Status::NotFound("index has no code with id " + std::to_string(id));
  uint64_t& word = m.tombstones[id >> 6];
  const uint64_t bit = uint64_t{1} << (id & 63);
  if (word & bit) return Status::NotFound("code " + std::to_string(id) + " is already removed");
  word |= bit;
  ++m.deleted;
  return Status::Ok();
}

bool HammingIndex::IsLive(uint32_t id) const {
  return id < impl_->slots() && !((impl_->tombstones[id >> 6] >> (id & 63)) & 1);
}

PdqHash HammingIndex::Get(uint32_t id) const {
  const uint32_t* block;
  int lane;
  impl_->Locate(id, &block, &lane);
  uint32_t w[kWordsPerCode];
  for (int i = 0; i < kWordsPerCode; ++i) w[i] = block[i * kCodesPerBlock + lane];
  PdqHash h;
  std::memcpy(h.bytes.data(), w, 32);
  return h;
}

uint64_t HammingIndex::slots() const { return impl_->slots(); }
uint64_t HammingIndex::live() const { return impl_->slots() - impl_->deleted; }

double HammingIndex::BytesPerCode() const {
  const Impl& m = *impl_;
  const uint64_t n = m.slots();
  if (n == 0) return 0;
  const double bytes = static_cast<double>(BlocksFor(m.base_count) * kWordsPerBlock * 4 +
                                           m.tail_blocks.size() * 4 + m.tombstones.size() * 8);
  return bytes / static_cast<double>(n);
}

const char* HammingIndex::KernelName(const SearchOptions& options) {
  const char* name = nullptr;
  PickKernel(options.allow_simd, &name);
  return name;
}

std::vector<IndexMatch> HammingIndex::Search(std::span<const PdqHash> queries, int radius,
                                             const SearchOptions& options) const {
  std::vector<IndexMatch> result;
  const Impl& m = *impl_;
  if (queries.empty() || radius < 0 || m.slots() == 0) return result;
  radius = std::min(radius, 256);
  std::vector<uint32_t> qwords(queries.size() * kWordsPerCode);
  for (size_t i = 0; i < queries.size(); ++i) ToWords(queries[i], &qwords[i * kWordsPerCode]);
  const ScanFn scan = PickKernel(options.allow_simd, nullptr);

  Segment segments[2] = {{m.base_blocks, m.base_count, 0},
                         {m.tail_blocks.data(), m.tail_count, m.base_count}};
  const uint64_t total_blocks = BlocksFor(m.base_count) + BlocksFor(m.tail_count);
  int threads = std::max(1, options.threads);
  if (total_blocks < 4096) threads = 1;
  std::vector<std::vector<IndexMatch>> outs(threads);
  auto run = [&](int t) {
    // Thread t takes blocks [t*total/threads, (t+1)*total/threads) of the concatenation.
    const uint64_t begin = total_blocks * t / threads, end = total_blocks * (t + 1) / threads;
    uint64_t offset = 0;
    for (const Segment& s : segments) {
      const uint64_t nb = BlocksFor(s.count);
      const uint64_t b0 = std::max(begin, offset), b1 = std::min(end, offset + nb);
      // Queries go in slices of kQuerySlice so that their words stay in L1 while a slice runs.
      for (size_t q0 = 0; b0 < b1 && q0 < queries.size(); q0 += kQuerySlice) {
        const size_t nq = std::min(kQuerySlice, queries.size() - q0);
        ScanArgs args{&s,
                      b0 - offset,
                      b1 - offset,
                      qwords.data() + q0 * kWordsPerCode,
                      static_cast<int>(nq),
                      static_cast<uint32_t>(q0),
                      radius,
                      m.tombstones.data(),
                      &outs[t]};
        scan(args);
      }
      offset += nb;
    }
  };
  if (threads == 1) {
    run(0);
  } else {
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) workers.emplace_back(run, t);
    for (std::thread& w : workers) w.join();
  }
  for (auto& o : outs) result.insert(result.end(), o.begin(), o.end());
  std::sort(result.begin(), result.end(), [](const IndexMatch& a, const IndexMatch& b) {
    return a.query != b.query ? a.query < b.query : a.id < b.id;
  });
  return result;
}

Status HammingIndex::Save(const std::string& path) const {
  const Impl& m = *impl_;
  const uint64_t n = m.slots();
  const uint64_t blocks = BlocksFor(n);
  FileHeader h{};
  std::memcpy(h.magic, kMagic, 8);
  h.version = kVersion;
  h.words_per_block = kWordsPerBlock;
  h.slots = n;
  h.deleted = m.deleted;
  h.codes_offset = kHeaderBytes;
  h.codes_bytes = blocks * kWordsPerBlock * 4;
  h.tombstones_offset = h.codes_offset + h.codes_bytes;
  h.tombstones_bytes = (n + 63) / 64 * 8;
  std::string data(h.tombstones_offset + h.tombstones_bytes, '\0');
  std::memcpy(data.data(), &h, sizeof(h));
  uint32_t* out = reinterpret_cast<uint32_t*>(data.data() + h.codes_offset);
  if (m.base_count % kCodesPerBlock == 0) {
    // Blocks line up: copy them whole.
    const uint64_t base_words = BlocksFor(m.base_count) * kWordsPerBlock;
    if (base_words) std::memcpy(out, m.base_blocks, base_words * 4);
    if (!m.tail_blocks.empty()) {
      std::memcpy(out + base_words, m.tail_blocks.data(), m.tail_blocks.size() * 4);
    }
  } else {
    for (uint64_t id = 0; id < n; ++id) {
      const uint32_t* block;
      int lane;
      m.Locate(id, &block, &lane);
      uint32_t* dst = out + (id / kCodesPerBlock) * kWordsPerBlock;
      for (int w = 0; w < kWordsPerCode; ++w) {
        dst[w * kCodesPerBlock + id % kCodesPerBlock] = block[w * kCodesPerBlock + lane];
      }
    }
  }
  std::memcpy(data.data() + h.tombstones_offset, m.tombstones.data(), h.tombstones_bytes);
  return Env::Default()->WriteFileAtomic(path, data, 0644);
}

StatusOr<HammingIndex> HammingIndex::Open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int e = errno;
    if (e == ENOENT) return Status::NotFound(path + ": no such index file");
    return Status::PermissionDenied(path + ": cannot open: " + std::strerror(e));
  }
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    ::close(fd);
    return Status::Unavailable(path + ": cannot stat");
  }
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  auto bad = [&](const std::string& what) {
    return Status::DataLoss(path + ": not a valid PDQ index file: " + what);
  };
  if (size < kHeaderBytes) {
    ::close(fd);
    return bad("shorter than its 64-byte header (" + std::to_string(size) + " bytes)");
  }
  void* addr = mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
  ::close(fd);
  if (addr == MAP_FAILED) return Status::Unavailable(path + ": mmap failed");
  HammingIndex index;
  Impl& m = *index.impl_;
  m.map_addr = addr;
  m.map_len = size;
  FileHeader h;
  std::memcpy(&h, addr, sizeof(h));
  if (std::memcmp(h.magic, kMagic, 8) != 0) return bad("bad magic (expected TDMPDQX2)");
  if (h.version != kVersion) {
    return bad("version " + std::to_string(h.version) + ", expected " + std::to_string(kVersion));
  }
  if (h.words_per_block != kWordsPerBlock) return bad("unexpected block layout");
  if (h.slots >= (uint64_t{1} << 32)) return bad("too many codes");
  const uint64_t blocks = BlocksFor(h.slots);
  if (h.codes_offset != kHeaderBytes || h.codes_bytes != blocks * kWordsPerBlock * 4 ||
      h.tombstones_offset != h.codes_offset + h.codes_bytes ||
      h.tombstones_bytes != (h.slots + 63) / 64 * 8 ||
      size != h.tombstones_offset + h.tombstones_bytes) {
    return bad("section sizes do not match " + std::to_string(h.slots) + " codes and a file of " +
               std::to_string(size) + " bytes");
  }
  m.base_blocks =
      reinterpret_cast<const uint32_t*>(static_cast<const char*>(addr) + h.codes_offset);
  m.base_count = h.slots;
  m.tombstones.resize(h.tombstones_bytes / 8);
  if (!m.tombstones.empty()) {
    std::memcpy(m.tombstones.data(), static_cast<const char*>(addr) + h.tombstones_offset,
                h.tombstones_bytes);
  }
  uint64_t deleted = 0;
  for (uint64_t w : m.tombstones) deleted += std::popcount(w);
  if (h.slots % 64 != 0 && !m.tombstones.empty() &&
      (m.tombstones.back() >> (h.slots % 64)) != 0) {
    return bad("tombstone bits set beyond the last code");
  }
  if (deleted != h.deleted) return bad("deleted count does not match the tombstone bits");
  m.deleted = deleted;
  return index;
}

}  // namespace tadamun::media
