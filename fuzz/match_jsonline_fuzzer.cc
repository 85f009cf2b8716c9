// Fuzz target: the sweep's JSON line scanner against the json module's DOM parser.
// Invariants: the scanner accepts exactly the lines the DOM parser accepts when the line is
// valid UTF-8 without duplicate keys (the two checks the scanner leaves out on purpose), and
// then lists the same string and number values with the same paths in the same order; it
// never crashes or recurses (depth is bounded by an explicit stack).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "json/json.h"
#include "match/json_line.h"

namespace {

void Walk(const tadamun::json::Value& v, const std::string& path, bool top, std::vector<std::string>* out) {
  if (v.is_string()) out->push_back(path + "=" + v.str());
  if (v.is_number()) out->push_back(path + "#" + v.number_text());
  if (v.is_array()) {
    for (const auto& e : v.items()) Walk(e, path, top, out);
  }
  if (v.is_object()) {
    for (const auto& m : v.members()) Walk(m.value, top ? m.key : path + "." + m.key, false, out);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1 << 16)) return 0;
  std::string_view line(reinterpret_cast<const char*>(data), size);
  if (line.find('\n') != std::string_view::npos) return 0;  // one line
  tadamun::match::JsonLineScanner scanner;
  const bool ok = scanner.Scan(line);
  tadamun::json::ParseOptions options;
  auto dom = tadamun::json::Parse(line, options);
  if (dom.ok() && !ok) std::abort();  // the scanner is never stricter than the DOM parser
  if (!dom.ok() || !ok) return 0;
  std::vector<std::string> want, got;
  Walk(*dom, "", true, &want);
  std::string path;
  for (size_t i = 0; i < scanner.size(); ++i) {
    got.push_back(std::string(scanner.Path(i, &path)) + (scanner.is_number(i) ? "#" : "=") +
                  std::string(scanner.value(i)));
    if (!scanner.PathIs(i, path)) std::abort();
  }
  if (got != want) std::abort();
  return 0;
}
