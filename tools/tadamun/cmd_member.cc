// tadamun member add, tadamun member list, tadamun member rotate, tadamun member revoke.
#include <cstdio>
#include <map>

#include "base/clock.h"
#include "command.h"

namespace tadamun::cli {
namespace {

// --expires-in DAYS as the instant the token stops working; nullopt without the flag.
// InvalidArgument for anything but a whole number of days from 1 to 3650.
StatusOr<std::optional<Timestamp>> TokenExpiry(const Invocation& inv) {
  auto days = inv.Value("expires-in");
  if (!days) return std::optional<Timestamp>();
  int64_t n = 0;
  bool digits = !days->empty() && days->size() <= 4;
  for (char c : *days) {
    digits = digits && c >= '0' && c <= '9';
    n = n * 10 + (c - '0');
  }
  if (!digits || n < 1 || n > 3650) {
    return Status::InvalidArgument("--expires-in '" + days->substr(0, 20) +
                                   "': expected a number of days from 1 to 3650");
  }
  const int64_t now = Clock::System()->Now().unix_seconds();
  return std::optional<Timestamp>(Timestamp::FromUnixMicros((now + n * 86400) * 1000000));
}

int RunAdd(const Invocation& inv) {
  if (inv.positionals.size() != 1) return UsageError(inv, "expects one NAME");
  auto node = OpenNode(inv);
  if (!node) return 1;
  auto expires = TokenExpiry(inv);
  if (!expires.ok()) return UsageError(inv, expires.status().message());
  auto token = node->AddMember(inv.positionals[0], *expires);
  if (!token.ok()) return Fail(token.status());
  // The token alone on stdout (TOKEN=$(tadamun member add x) works); the warning on stderr.
  std::printf("%s\n", token->c_str());
  std::fflush(stdout);
  std::fprintf(stderr,
               "member %s added. Its API token is printed above and will not be shown again: "
               "only its SHA-256 is stored. Give it to the member over a secure channel.\n"
               "Grant rights with 'tadamun collection grant ID --reader %s' (or --writer).\n",
               inv.positionals[0].c_str(), inv.positionals[0].c_str());
  return 0;
}

std::string RightsWord(store::Rights r) {
  return r.can_read && r.can_write ? "rw" : r.can_read ? "r" : r.can_write ? "w" : "-";
}

int RunList(const Invocation& inv) {
  if (!inv.positionals.empty()) return UsageError(inv, "takes no arguments");
  auto node = OpenNode(inv);
  if (!node) return 1;
  auto members = node->store().Members();
  if (!members.ok()) return Fail(members.status());
  auto rights = node->store().ListRights();
  if (!rights.ok()) return Fail(rights.status());
  std::multimap<std::string, std::string> by_member;  // name → "collection-id:rw"
  for (const store::MemberRights& r : *rights) {
    by_member.emplace(r.member, r.collection + ":" + RightsWord(r.rights));
  }
  std::printf("%-24s  %-27s  %-27s  %-27s  %s\n", "NAME", "CREATED", "REVOKED", "TOKEN EXPIRES",
              "COLLECTIONS (r read, w write)");
  for (const store::Member& m : *members) {
    std::string collections;
    auto [begin, end] = by_member.equal_range(m.name);
    for (auto it = begin; it != end; ++it) collections += (collections.empty() ? "" : " ") + it->second;
    std::string expires = m.token_expires.empty() ? "-" : m.token_expires;
    if (m.token_expired) expires += " (expired)";
    std::printf("%-24s  %-27s  %-27s  %-27s  %s\n", m.name.c_str(), m.created.c_str(),
                m.active() ? "-" : m.revoked_at.c_str(), expires.c_str(),
                collections.empty() ? "-" : collections.c_str());
  }
  return 0;
}

int RunRotate(const Invocation& inv) {
  if (inv.positionals.size() != 1) return UsageError(inv, "expects one NAME");
  auto node = OpenNode(inv);
  if (!node) return 1;
  auto expires = TokenExpiry(inv);
  if (!expires.ok()) return UsageError(inv, expires.status().message());
  auto token = node->RotateToken(inv.positionals[0], *expires);
  if (!token.ok()) return Fail(token.status());
  std::printf("%s\n", token->c_str());
  std::fflush(stdout);
  std::fprintf(stderr,
               "member %s has a new API token, printed above; it will not be shown again. The "
               "previous token no longer works.\n",
               inv.positionals[0].c_str());
  return 0;
}

int RunRevoke(const Invocation& inv) {
  if (inv.positionals.size() != 1) return UsageError(inv, "expects one NAME");
  auto node = OpenNode(inv);
  if (!node) return 1;
  Status s = node->RevokeMember(inv.positionals[0]);
  if (!s.ok()) return Fail(s);
  std::printf("member %s revoked: its token no longer authenticates\n",
              inv.positionals[0].c_str());
  return 0;
}

const Registration kAdd({
    .name = "member add",
    .args = "NAME",
    .summary = "add a member of the TAXII server and print its API token (once)",
    .help = "NAME: 1-64 letters, digits, '.', '-', '_'; never reused, even after a revoke.\n"
            "The token is printed once on stdout; the node keeps only its SHA-256. The member\n"
            "sends it as 'Authorization: Bearer TOKEN' or as HTTP Basic (user NAME, password\n"
            "TOKEN). A new member has no rights: see 'collection grant'. Recorded in the audit\n"
            "log. With --expires-in DAYS the token stops working after that many days\n"
            "(401 'the token expired'); 'member rotate' gives a new one.",
    .flags = {{"expires-in", "DAYS", "the token stops working after DAYS days (default: never)"}},
    .run = RunAdd,
});

const Registration kList({
    .name = "member list",
    .summary = "list members, when they were added or revoked, and their rights (never tokens)",
    .run = RunList,
});

const Registration kRotate({
    .name = "member rotate",
    .args = "NAME",
    .summary = "give a member a new API token (printed once); the old one stops working",
    .flags = {{"expires-in", "DAYS", "the new token stops working after DAYS days (default: never)"}},
    .run = RunRotate,
});

const Registration kRevoke({
    .name = "member revoke",
    .args = "NAME",
    .summary = "revoke a member: its token stops working at once (recorded in the audit log)",
    .run = RunRevoke,
});

}  // namespace
}  // namespace tadamun::cli
