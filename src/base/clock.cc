#include "base/clock.h"

#include <chrono>

namespace tadamun {
namespace {

class SystemClock final : public Clock {
 public:
  Timestamp Now() override {
    auto now = std::chrono::system_clock::now().time_since_epoch();
    return Timestamp::FromUnixMicros(
        std::chrono::duration_cast<std::chrono::microseconds>(now).count());
  }
};

}  // namespace

Clock* Clock::System() {
  static SystemClock* clock = new SystemClock();
  return clock;
}

}  // namespace tadamun
