// Fuzz target: image bytes -> decode (JPEG/PNG) -> PDQ hash with its dihedral variants, under
// small limits so that huge claimed sizes are refused quickly. Any input must give a hash or a
// Status; never a crash, a sanitizer report or a hang.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "media/hasher.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tadamun::media::HashOptions options;
  options.decode.max_pixels = 4'000'000;
  options.decode.max_buffered_bytes = 16u << 20;
  options.decode.max_jpeg_scans = 64;
  options.dihedral = true;
  auto result = tadamun::media::HashImageBytes(
      std::string_view(reinterpret_cast<const char*>(data), size), options);
  if (result.ok() && (result->quality() < 0 || result->quality() > 100)) __builtin_trap();
  return 0;
}
