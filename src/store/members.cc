// Members, their API tokens (stored as SHA-256 only) and their rights on collections.
//
// A token is 32 random bytes, so a plain SHA-256 of it is enough (no password hash: nobody can
// guess 256 bits, and a slow hash would only slow every request down). The lookup by token is an
// index lookup on the hash; its timing can tell an attacker at most how many leading bytes of
// SHA-256(their guess) match a stored hash, which does not help to find a token. The hash found
// is compared once more in constant time before it is trusted.
#include <sys/random.h>

#include <cerrno>
#include <cstdlib>

#include "base/encoding.h"
#include "crypto/digest.h"
#include "store/sqlite.h"
#include "store/store.h"

namespace tadamun::store {
namespace {

constexpr size_t kTokenBytes = 32;
constexpr char kTokenPrefix[] = "tdm_";

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  size_t done = 0;
  while (done < n) {
    ssize_t got = ::getrandom(out.data() + done, n - done, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      std::abort();  // the kernel cannot give randomness: nothing safe to do
    }
    done += static_cast<size_t>(got);
  }
  return out;
}

// "tdm_" + base64url of 32 random bytes (43 characters).
std::string NewToken() { return kTokenPrefix + Base64UrlEncode(RandomBytes(kTokenBytes)); }

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff = static_cast<unsigned char>(diff | (static_cast<unsigned char>(a[i]) ^
                                              static_cast<unsigned char>(b[i])));
  }
  return diff == 0;
}

std::string Now(Clock* clock) { return clock->Now().WithDigits(6).ToString(); }

std::string Expiry(const std::optional<Timestamp>& t) {
  return t ? t->WithDigits(6).ToString() : std::string();
}

// Columns name, created, revoked_at, token_expires; `now` decides token_expired.
Member MemberFrom(const Statement& st, const std::string& now) {
  Member m{std::string(st.ColumnText(0)), std::string(st.ColumnText(1)),
           std::string(st.ColumnText(2)), std::string(st.ColumnText(3))};
  // Same fixed-width format on both sides, so text order is time order.
  m.token_expired = !m.token_expires.empty() && m.token_expires <= now;
  return m;
}

}  // namespace

bool IsValidMemberName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::string TokenHash(std::string_view token) { return HexEncode(crypto::Sha256(token)); }

StatusOr<std::string> Store::AddMember(const std::string& name,
                                       std::optional<Timestamp> token_expires) {
  if (!IsValidMemberName(name)) {
    return Status::InvalidArgument("member name '" + name.substr(0, 80) +
                                   "' must be 1-64 letters, digits, '.', '-' or '_'");
  }
  std::string token = NewToken();
  Statement st(*db_,
               "INSERT INTO members(name, token_sha256, created, token_expires) "
               "VALUES(?1, ?2, ?3, ?4)");
  st.Bind(1, name);
  st.Bind(2, TokenHash(token));
  st.Bind(3, Now(clock_));
  st.Bind(4, Expiry(token_expires));
  Status s = st.Run();
  if (s.code() == StatusCode::kAlreadyExists) {
    // The only constraint a fresh 256-bit token can hit is the name's.
    return Status::AlreadyExists("member " + name +
                                 " already exists (names are never reused, even after a revoke)");
  }
  TADAMUN_RETURN_IF_ERROR(s);
  return token;
}

Status Store::RevokeMember(const std::string& name) {
  TADAMUN_ASSIGN_OR_RETURN(Member m, GetMember(name));
  if (!m.active()) {
    return Status::FailedPrecondition("member " + name + " was already revoked at " +
                                      m.revoked_at);
  }
  Statement st(*db_, "UPDATE members SET revoked_at = ?1 WHERE name = ?2 AND revoked_at = ''");
  st.Bind(1, Now(clock_));
  st.Bind(2, name);
  return st.Run();
}

StatusOr<std::string> Store::RotateToken(const std::string& name,
                                         std::optional<Timestamp> token_expires) {
  TADAMUN_ASSIGN_OR_RETURN(Member m, GetMember(name));
  if (!m.active()) {
    return Status::FailedPrecondition("member " + name + " was revoked at " + m.revoked_at +
                                      "; a revoked member gets no new token");
  }
  std::string token = NewToken();
  Statement st(*db_,
               "UPDATE members SET token_sha256 = ?1, token_expires = ?3 WHERE name = ?2 AND "
               "revoked_at = ''");
  st.Bind(1, TokenHash(token));
  st.Bind(2, name);
  st.Bind(3, Expiry(token_expires));
  TADAMUN_RETURN_IF_ERROR(st.Run());
  if (db_->Changes() != 1) return Status::FailedPrecondition("member " + name + " was revoked");
  return token;
}

StatusOr<std::vector<Member>> Store::Members() {
  Statement st(*db_,
               "SELECT name, created, revoked_at, token_expires FROM members ORDER BY name");
  std::vector<Member> out;
  const std::string now = Now(clock_);
  while (st.Step()) out.push_back(MemberFrom(st, now));
  TADAMUN_RETURN_IF_ERROR(st.status());
  return out;
}

StatusOr<Member> Store::GetMember(const std::string& name) {
  Statement st(*db_,
               "SELECT name, created, revoked_at, token_expires FROM members WHERE name = ?1");
  st.Bind(1, name);
  if (st.Step()) return MemberFrom(st, Now(clock_));
  TADAMUN_RETURN_IF_ERROR(st.status());
  return Status::NotFound("no member " + name.substr(0, 80) +
                          " (see 'tadamun member list'; 'tadamun member add' creates one)");
}

StatusOr<Member> Store::MemberByToken(std::string_view token) {
  const std::string hash = TokenHash(token);
  Statement st(*db_,
               "SELECT name, created, revoked_at, token_expires, token_sha256 FROM members "
               "WHERE token_sha256 = ?1");
  st.Bind(1, hash);
  if (st.Step()) {
    if (!ConstantTimeEqual(st.ColumnText(4), hash)) {
      return Status::Internal("members index returned a row for another token hash");
    }
    return MemberFrom(st, Now(clock_));
  }
  TADAMUN_RETURN_IF_ERROR(st.status());
  return Status::NotFound("no member holds this token");
}

Status Store::SetRights(const std::string& member, const std::string& collection,
                        Rights rights) {
  TADAMUN_RETURN_IF_ERROR(GetMember(member).status());
  TADAMUN_RETURN_IF_ERROR(GetCollection(collection).status());
  if (!rights.can_read && !rights.can_write) {
    Statement del(*db_, "DELETE FROM member_rights WHERE member = ?1 AND collection_id = ?2");
    del.Bind(1, member);
    del.Bind(2, collection);
    return del.Run();
  }
  Statement st(*db_,
               "INSERT INTO member_rights(member, collection_id, can_read, can_write) "
               "VALUES(?1, ?2, ?3, ?4) ON CONFLICT(member, collection_id) DO UPDATE SET "
               "can_read = excluded.can_read, can_write = excluded.can_write");
  st.Bind(1, member);
  st.Bind(2, collection);
  st.Bind(3, int64_t{rights.can_read});
  st.Bind(4, int64_t{rights.can_write});
  return st.Run();
}

StatusOr<Rights> Store::GetRights(const std::string& member, const std::string& collection) {
  Statement st(*db_,
               "SELECT can_read, can_write FROM member_rights WHERE member = ?1 AND "
               "collection_id = ?2");
  st.Bind(1, member);
  st.Bind(2, collection);
  Rights r;
  if (st.Step()) {
    r.can_read = st.ColumnInt(0) != 0;
    r.can_write = st.ColumnInt(1) != 0;
  }
  TADAMUN_RETURN_IF_ERROR(st.status());
  return r;
}

StatusOr<std::vector<MemberRights>> Store::ListRights(const std::string& member) {
  Statement st(*db_,
               "SELECT member, collection_id, can_read, can_write FROM member_rights "
               "WHERE ?1 = '' OR member = ?1 ORDER BY member, collection_id");
  st.Bind(1, member);
  std::vector<MemberRights> out;
  while (st.Step()) {
    out.push_back({std::string(st.ColumnText(0)), std::string(st.ColumnText(1)),
                   Rights{st.ColumnInt(2) != 0, st.ColumnInt(3) != 0}});
  }
  TADAMUN_RETURN_IF_ERROR(st.status());
  return out;
}

}  // namespace tadamun::store
