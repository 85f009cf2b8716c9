// Fuzz target: json::Parse and json::ParseStreaming on arbitrary bytes, with small limits.
// Whatever the input, parsing must return a value or a clean error; a parsed value must
// serialise to JSON that parses back to an equal value; and the streaming parser (which walks
// the outer structure itself and parses the pieces) must accept exactly what Parse accepts.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "json/json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tadamun;
  std::string text(reinterpret_cast<const char*>(data), size);
  json::ParseOptions options;
  options.max_depth = 16;
  options.max_bytes = 1 << 20;
  auto value = json::Parse(text, options);
  if (value.ok()) {
    std::string out = json::ToJson(*value);
    auto again = json::Parse(out, options);
    if (!again.ok() || !json::Equal(*value, *again)) std::abort();
    json::Minify(text);
  }
  uint64_t count = 0;
  auto streamed = json::ParseStreaming(
      &text, "objects",
      [&](json::Value&&, uint64_t, std::string_view source) {
        if (source.empty()) std::abort();
        ++count;
        return Status::Ok();
      },
      options);
  if (streamed.ok() != value.ok()) std::abort();
  return 0;
}
