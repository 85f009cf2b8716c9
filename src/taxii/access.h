// Access: who is calling a TAXII resource (authentication from the Authorization header) and
// what the caller may do with a collection (authorisation from the store's per-member rights).
//
// Authentication accepts both schemes TAXII clients use, compared case-insensitively
// (RFC 7235 §2.1):
//   Authorization: Bearer <token>                     (RFC 6750 §2.1; b64token characters)
//   Authorization: Basic base64("<member>:<token>")   (RFC 7617; the user name must be the
//                                                      name of the member holding the token)
// A missing, malformed, unknown or revoked credential is a 401 TAXII error resource with
//   WWW-Authenticate: Basic realm="tadamun", Bearer realm="tadamun"
// (one header, two challenges, RFC 7235 §4.1) and, when a token was presented but is not
// valid, `error="invalid_token"` on the Bearer challenge (RFC 6750 §3.1). Messages never echo
// the header, the token or the user name presented.
//
// Authorisation of a collection resource (Decide):
//   no rights                       -> 404, the same body as an unknown collection
//   need read,  member write-only   -> 403 (it sees the collection in its list already)
//   need write, member read-only    -> 403
// Write-only members follow TAXII 2.1 §5.2: a collection with can_read=false, can_write=true is
// listed in `collections` and answers GET collection (an "inbox"); its objects, object,
// versions and manifest answer 403.
//
// Thread-safety: pure functions, except Authenticate, which reads `store` (the Store's thread).
//
//   if (auto denied = Authenticate(store, &request)) return std::move(*denied);
//   // request.member is the caller's name now
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "store/store.h"
#include "taxii/request.h"

namespace tadamun::taxii {

// What a resource needs from the caller's rights on a collection.
enum class Access { kRead, kWrite };

// The realm named in WWW-Authenticate challenges.
inline constexpr std::string_view kAuthRealm = "tadamun";
// Longest Authorization header value considered; longer ones are malformed.
inline constexpr size_t kMaxAuthorizationBytes = 1024;

struct Credentials {
  bool basic = false;  // Basic (user and token) or Bearer (token only)
  std::string user;    // Basic: the member name; Bearer: ""
  std::string token;
};

// Parses an Authorization header value. InvalidArgument (a message that does not quote the
// value) for an unknown scheme, a value over kMaxAuthorizationBytes, Basic credentials that are
// not base64 of "user:token", or a Bearer token with characters outside RFC 6750's b64token.
StatusOr<Credentials> ParseAuthorization(std::string_view value);

// Authenticates `request` against the store's members: on success sets request->member and
// returns nullopt; otherwise returns the 401 response (500 if the store fails) and leaves
// request->member empty.
std::optional<Response> Authenticate(store::Store& store, Request* request);

// The 401 response: a TAXII error resource whose description is `reason`, with the
// WWW-Authenticate challenges (error="invalid_token" when `invalid_token`).
Response Unauthorized(std::string_view reason, bool invalid_token);

enum class Decision { kAllow, kHide, kForbid };  // 200 / 404 / 403
Decision Decide(store::Rights rights, Access need);

}  // namespace tadamun::taxii
