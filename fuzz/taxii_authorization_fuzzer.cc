// Fuzz target: the Authorization header parser (taxii/access.h), outside input on every request.
// Input: the header value. Checks that parsing never crashes, that an error never quotes the
// credentials it was given (the message must not contain the text after the scheme), that the
// 401 response built from it is valid JSON, and that Basic credentials parsed from the input
// parse back the same when encoded again.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "base/encoding.h"
#include "json/json.h"
#include "taxii/access.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tadamun;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto parsed = taxii::ParseAuthorization(input);
  if (!parsed.ok()) {
    const std::string message = parsed.status().message();
    if (message.empty()) std::abort();
    size_t space = input.find(' ');
    std::string_view credentials = space == std::string_view::npos ? input : input.substr(space + 1);
    // A secret is long; short inputs can coincide with words of the message.
    if (credentials.size() >= 12 && message.find(credentials) != std::string::npos) std::abort();
    taxii::Response r = taxii::Unauthorized(message, false);
    if (r.status != 401 || !json::Parse(r.body).ok()) std::abort();
    return 0;
  }
  if (input.size() > taxii::kMaxAuthorizationBytes) std::abort();
  if (!parsed->basic) {
    if (!parsed->user.empty() || parsed->token.empty()) std::abort();
    return 0;
  }
  if (parsed->user.find(':') != std::string::npos) std::abort();
  std::string again = "Basic " + Base64Encode(parsed->user + ":" + parsed->token);
  if (again.size() > taxii::kMaxAuthorizationBytes) return 0;
  auto back = taxii::ParseAuthorization(again);
  if (!back.ok() || !back->basic || back->user != parsed->user || back->token != parsed->token) {
    std::abort();
  }
  return 0;
}
