// Clock: the seam for "now", so tests control time.
//
// Clock::System() reads the real UTC clock (thread-safe; lives for the whole process).
// FakeClock returns what it is told (thread-safe).
//
//   Timestamp added = clock->Now();   // microsecond precision
#pragma once

#include <atomic>
#include <cstdint>

#include "base/timestamp.h"

namespace tadamun {

class Clock {
 public:
  virtual ~Clock() = default;
  static Clock* System();
  // The current time with microsecond precision (6 fractional digits).
  virtual Timestamp Now() = 0;
};

class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t unix_micros = 1700000000000000) : micros_(unix_micros) {}
  Timestamp Now() override { return Timestamp::FromUnixMicros(micros_.load()); }
  void SetMicros(int64_t unix_micros) { micros_ = unix_micros; }
  void AdvanceMicros(int64_t delta) { micros_ += delta; }

 private:
  std::atomic<int64_t> micros_;
};

}  // namespace tadamun
