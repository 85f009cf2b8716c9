#include "base/uuid.h"

#include <sys/random.h>

#include <cerrno>
#include <cstdlib>

namespace tadamun {

std::string FormatUuid(const unsigned char b[16]) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[b[i] >> 4];
    out += kHex[b[i] & 15];
  }
  return out;
}

std::string RandomUuid() {
  unsigned char b[16];
  size_t done = 0;
  while (done < sizeof b) {
    ssize_t n = ::getrandom(b + done, sizeof b - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::abort();
    }
    done += static_cast<size_t>(n);
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  return FormatUuid(b);
}

}  // namespace tadamun
