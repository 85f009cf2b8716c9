#include "taxii/access.h"

#include "base/encoding.h"
#include "taxii/resources.h"

namespace tadamun::taxii {
namespace {

constexpr size_t kMaxTokenBytes = 256;

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool IsB64TokenChar(char c) {  // RFC 6750 §2.1 b64token, without the trailing '='s
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
}

bool IsB64Token(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && IsB64TokenChar(s[i])) ++i;
  if (i == 0) return false;
  while (i < s.size() && s[i] == '=') ++i;
  return i == s.size();
}

std::string Challenges(bool invalid_token) {
  std::string realm = "realm=\"" + std::string(kAuthRealm) + "\"";
  std::string out = "Basic " + realm + ", Bearer " + realm;
  if (invalid_token) out += ", error=\"invalid_token\"";
  return out;
}

}  // namespace

StatusOr<Credentials> ParseAuthorization(std::string_view value) {
  if (value.size() > kMaxAuthorizationBytes) {
    return Status::InvalidArgument("the Authorization header is longer than " +
                                   std::to_string(kMaxAuthorizationBytes) + " bytes");
  }
  // auth-scheme 1*SP token68, with optional whitespace around (RFC 7230 OWS is trimmed by
  // HTTP parsers already; trim here too so a hand-made Request behaves the same).
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  size_t space = value.find(' ');
  std::string_view scheme = value.substr(0, space);
  std::string_view rest = space == std::string_view::npos ? std::string_view() : value.substr(space);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  const bool basic = EqualsIgnoreCase(scheme, "Basic");
  if (!basic && !EqualsIgnoreCase(scheme, "Bearer")) {
    // The "scheme" may be a bare token pasted without one: never quote it.
    return Status::InvalidArgument(
        "the Authorization header does not use the Basic or Bearer scheme (expected "
        "'Bearer <token>' or 'Basic base64(member:token)')");
  }
  if (rest.empty()) {
    return Status::InvalidArgument("the Authorization header has a scheme but no credentials");
  }
  if (!IsB64Token(rest)) {
    return Status::InvalidArgument(
        basic ? "the Basic credentials are not base64 of 'member:token'"
              : "the Bearer token has characters a token cannot have (expected 'tdm_' followed "
                "by base64url characters)");
  }
  Credentials c;
  c.basic = basic;
  if (!basic) {
    if (rest.size() > kMaxTokenBytes) {
      return Status::InvalidArgument("the Bearer token is longer than any token this node issues");
    }
    c.token = std::string(rest);
    return c;
  }
  auto decoded = Base64Decode(rest);
  if (!decoded.ok()) {
    return Status::InvalidArgument("the Basic credentials are not base64 of 'member:token'");
  }
  size_t colon = decoded->find(':');
  if (colon == std::string::npos) {
    return Status::InvalidArgument(
        "the Basic credentials have no ':' between the member name and the token");
  }
  c.user = decoded->substr(0, colon);
  c.token = decoded->substr(colon + 1);
  return c;
}

Response Unauthorized(std::string_view reason, bool invalid_token) {
  Response r = ErrorResponse(401, "Unauthorized", reason);
  r.headers.emplace("WWW-Authenticate", Challenges(invalid_token));
  return r;
}

std::optional<Response> Authenticate(store::Store& store, Request* request) {
  request->member.clear();
  std::optional<std::string> header = request->Header("authorization");
  if (!header) {
    return Unauthorized(
        "this resource needs an API token: send 'Authorization: Bearer <token>', or HTTP Basic "
        "with the member name as user and the token as password",
        false);
  }
  auto credentials = ParseAuthorization(*header);
  if (!credentials.ok()) return Unauthorized(credentials.status().message(), false);
  auto member = store.MemberByToken(credentials->token);
  if (!member.ok()) {
    if (member.status().code() != StatusCode::kNotFound) {
      return ErrorResponse(500, "Internal error",
                           "the node's store failed: " + member.status().message());
    }
    return Unauthorized("the token is not valid (unknown or mistyped)", true);
  }
  if (credentials->basic && credentials->user != member->name) {
    return Unauthorized("the member name does not match the token", true);
  }
  if (!member->active()) {
    return Unauthorized("the token's member was revoked; ask the node's operator for access",
                        true);
  }
  if (member->token_expired) {
    return Unauthorized("the token expired at " + member->token_expires +
                            "; ask the node's operator for a new one",
                        true);
  }
  request->member = member->name;
  return std::nullopt;
}

Decision Decide(store::Rights rights, Access need) {
  if (!rights.can_read && !rights.can_write) return Decision::kHide;
  const bool allowed = need == Access::kRead ? rights.can_read : rights.can_write;
  return allowed ? Decision::kAllow : Decision::kForbid;
}

}  // namespace tadamun::taxii
