// A progress line on stderr for long jobs ("importing  45%  123,456 objects  38.2 MB/s"),
// shown only when stderr is a terminal and the job is big enough to need it, and redrawn at
// most ten times a second. Not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace tadamun::cli {

class Progress {
 public:
  // `total_bytes` may be 0 when unknown (no percentage then). The line appears only when
  // stderr is a terminal and `total_bytes` is at least `min_bytes` (or unknown).
  Progress(std::string label, uint64_t total_bytes, uint64_t min_bytes = 4 << 20);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void Update(uint64_t bytes_done, uint64_t items_done, const char* items_name = "objects");
  // Erases the line (called by the destructor too).
  void Finish();

 private:
  std::string label_;
  uint64_t total_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

// "1,234,567"
std::string WithThousands(uint64_t n);

}  // namespace tadamun::cli
