// tadamun member add, tadamun member list, tadamun member rotate, tadamun member revoke.
#include <cstdio>
#include <map>

#include "command.h"

namespace tadamun::cli {
namespace {

int RunAdd(const Invocation& inv) {
  if (inv.positionals.size() != 1) return UsageError(inv, "expects one NAME");
  auto node = OpenNode(inv);
  if (!node) return 1;
  auto token = node->AddMember(inv.positionals[0]);
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
  std::printf("%-24s  %-27s  %-27s  %s\n", "NAME", "CREATED", "REVOKED", "COLLECTIONS (r read, w write)");
  for (const store::Member& m : *members) {
    std::string collections;
    auto [begin, end] = by_member.equal_range(m.name);
    for (auto it = begin; it != end; ++it) collections += (collections.empty() ? "" : " ") + it->second;
    std::printf("%-24s  %-27s  %-27s  %s\n", m.name.c_str(), m.created.c_str(),
                m.active() ? "-" : m.revoked_at.c_str(),
                collections.empty() ? "-" : collections.c_str());
  }
  return 0;
}

int RunRotate(const Invocation& inv) {
  if (inv.positionals.size() != 1) return UsageError(inv, "expects one NAME");
  auto node = OpenNode(inv);
  if (!node) return 1;
  auto token = node->RotateToken(inv.positionals[0]);
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
            "log.",
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
