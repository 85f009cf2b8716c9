// Fuzz target: the HTTP server's request-path decoding (taxii::DecodeRequestPath), the first
// thing outside bytes meet. Checks it never crashes, that an accepted path is exactly what a
// plain segment-by-segment reference decoder gives, that it holds no traversal ('.'/'..'
// segments, '\', an encoded '/') and no control byte, and that the error resource made from a
// refusal is valid JSON.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "json/json.h"
#include "taxii/http_server.h"
#include "taxii/resources.h"

namespace {

// The reference: split on '/', decode %XX in each part, refuse what the contract refuses.
bool Reference(std::string_view raw, std::string* out) {
  if (raw.empty() || raw[0] != '/') return false;
  std::vector<std::string> parts;
  size_t pos = 1;
  while (true) {
    size_t slash = raw.find('/', pos);
    std::string_view part =
        raw.substr(pos, slash == std::string_view::npos ? raw.npos : slash - pos);
    std::string decoded;
    for (size_t i = 0; i < part.size(); ++i) {
      if (part[i] != '%') {
        decoded += part[i];
        continue;
      }
      if (i + 2 >= part.size()) return false;
      std::string hex(part.substr(i + 1, 2));
      if (hex.size() != 2 || !std::isxdigit(static_cast<unsigned char>(hex[0])) ||
          !std::isxdigit(static_cast<unsigned char>(hex[1]))) {
        return false;
      }
      decoded += static_cast<char>(std::strtol(hex.c_str(), nullptr, 16));
      i += 2;
    }
    for (char c : decoded) {
      auto u = static_cast<unsigned char>(c);
      if (c == '/' || c == '\\' || u < 0x20 || u == 0x7f) return false;
    }
    if (decoded == "." || decoded == "..") return false;
    parts.push_back(decoded);
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  out->clear();
  for (const std::string& p : parts) *out += "/" + p;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tadamun;
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  auto decoded = taxii::DecodeRequestPath(raw);
  std::string expected;
  const bool accepted = Reference(raw, &expected);
  if (decoded.ok() != accepted) std::abort();
  if (!decoded.ok()) {
    if (decoded.status().message().empty()) std::abort();
    taxii::Response error =
        taxii::ErrorResponse(400, "Bad request path", decoded.status().message());
    if (!json::Parse(error.body).ok()) std::abort();
    return 0;
  }
  if (*decoded != expected || decoded->size() > raw.size()) std::abort();
  return 0;
}
