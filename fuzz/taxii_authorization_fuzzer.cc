// Fuzz target: the Authorization header parser (taxii/access.h), outside input on every request.
// Input: the header value. Checks that parsing never crashes, that an error never quotes the
// input (every message is one of the fixed texts that known bad headers give), that the
// 401 response built from it is valid JSON, and that Basic credentials parsed from the input
// parse back the same when encoded again.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
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
    // Errors are built from no part of the input: each is one of the messages that fixed bad
    // headers give, whatever the credentials.
    static const std::set<std::string>* const kMessages = [] {
      auto* set = new std::set<std::string>;
      for (std::string bad : {std::string("x"), std::string("Bearer"), std::string("Bearer \""),
                              "Bearer " + std::string(300, 'a'), std::string(2000, 'a'),
                              std::string("Basic !"), "Basic " + Base64Encode("no colon")}) {
        set->insert(taxii::ParseAuthorization(bad).status().message());
      }
      return set;
    }();
    if (kMessages->count(message) == 0) std::abort();
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
