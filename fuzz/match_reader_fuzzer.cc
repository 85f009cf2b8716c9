// Fuzz target: the sweep's line reader (match/log_input.h) on arbitrary file bytes — plain text
// or anything starting with the gzip magic (so zlib's inflate sees hostile streams: truncated,
// corrupt, concatenated members, trailing garbage). The file lives in memory (memfd); the first
// byte picks the block size, the line limit and a byte range.
// Invariants: never crashes or hangs; every line returned lies inside the data read and holds
// no '\n'; offsets increase; a too-long line is longer than the limit; errors are DataLoss or
// Unavailable.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "match/log_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tadamun::match;
  if (size == 0 || size > (1 << 20)) return 0;
  const uint8_t knob = data[0];
  int fd = memfd_create("match_reader", 0);
  if (fd < 0) return 0;
  if (write(fd, data + 1, size - 1) != static_cast<ssize_t>(size - 1)) {
    close(fd);
    return 0;
  }
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  ReaderOptions options{.block_bytes = 4096u << (knob & 3), .max_line_bytes = 16u << ((knob >> 2) & 7)};
  uint64_t begin = 0, end = UINT64_MAX;
  const bool gzip = size >= 3 && data[1] == 0x1f && data[2] == 0x8b;
  if ((knob & 0x20) && !gzip && size > 2) {
    begin = (size - 1) / 3;
    end = 2 * (size - 1) / 3;
  }
  auto reader = LineReader::Open(path, options, begin, end);
  if (reader.ok()) {
    LogLine line;
    uint64_t last = 0;
    bool first = true;
    int n = 0;
    while ((*reader)->Next(&line) && ++n < 1000000) {
      if (!first && line.offset <= last) std::abort();
      first = false;
      last = line.offset;
      if (line.too_long ? line.length <= options.max_line_bytes : line.text.size() > options.max_line_bytes) std::abort();
      if (line.text.find('\n') != std::string_view::npos) std::abort();
    }
    const auto code = (*reader)->status().code();
    if (code != tadamun::StatusCode::kOk && code != tadamun::StatusCode::kDataLoss &&
        code != tadamun::StatusCode::kUnavailable) {
      std::abort();
    }
  }
  close(fd);
  return 0;
}
