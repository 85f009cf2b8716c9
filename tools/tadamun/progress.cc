#include "progress.h"

#include <unistd.h>

#include <cstdio>

namespace tadamun::cli {

std::string WithThousands(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

Progress::Progress(std::string label, uint64_t total_bytes, uint64_t min_bytes)
    : label_(std::move(label)),
      total_(total_bytes),
      enabled_(::isatty(STDERR_FILENO) == 1 && (total_bytes == 0 || total_bytes >= min_bytes)),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

Progress::~Progress() { Finish(); }

void Progress::Update(uint64_t bytes_done, uint64_t items_done, const char* items_name) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  double seconds = std::chrono::duration<double>(now - start_).count();
  double mbps = seconds > 0 ? static_cast<double>(bytes_done) / 1e6 / seconds : 0;
  if (total_ > 0) {
    std::fprintf(stderr, "\r%s %3u%%  %s %s  %.1f MB/s   ", label_.c_str(),
                 static_cast<unsigned>(bytes_done * 100 / total_), WithThousands(items_done).c_str(),
                 items_name, mbps);
  } else {
    std::fprintf(stderr, "\r%s  %s %s  %.1f MB/s   ", label_.c_str(),
                 WithThousands(items_done).c_str(), items_name, mbps);
  }
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::Finish() {
  if (!drawn_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace tadamun::cli
