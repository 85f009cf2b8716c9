// tadamun collection create, tadamun collection list, tadamun collection grant,
// tadamun collection revoke.
#include <cstdio>
#include <map>

#include "base/uuid.h"
#include "command.h"

namespace tadamun::cli {
namespace {

// The rights named by --reader, --writer and --write-only (each repeatable, each value a
// comma-separated list of member names), merged per member: a writer may also read.
// InvalidArgument for an empty name; NotFound / FailedPrecondition for an unknown or revoked
// member, checked before anything changes.
StatusOr<std::map<std::string, store::Rights>> RightsFromFlags(const Invocation& inv,
                                                               node::Node& node) {
  std::map<std::string, store::Rights> out;
  for (const auto& [flag, rights] : {std::pair<const char*, store::Rights>{"reader", {true, false}},
                                     {"writer", {true, true}},
                                     {"write-only", {false, true}}}) {
    for (const std::string& value : inv.Values(flag)) {
      size_t pos = 0;
      while (true) {
        size_t comma = value.find(',', pos);
        std::string name = value.substr(pos, comma == std::string::npos ? comma : comma - pos);
        if (name.empty()) {
          return Status::InvalidArgument("--" + std::string(flag) + " '" + value +
                                         "': empty member name (expected NAME or NAME,NAME)");
        }
        auto member = node.store().GetMember(name);
        if (!member.ok()) {
          return member.status().code() == StatusCode::kNotFound
                     ? Status::NotFound("--" + std::string(flag) + ": unknown member '" + name +
                                        "' (see 'tadamun member list'; 'tadamun member add " +
                                        name + "' creates it)")
                     : member.status();
        }
        if (!member->active()) {
          return Status::FailedPrecondition("--" + std::string(flag) + ": member '" + name +
                                            "' was revoked at " + member->revoked_at);
        }
        store::Rights& r = out[name];
        r.can_read = r.can_read || rights.can_read;
        r.can_write = r.can_write || rights.can_write;
        if (comma == std::string::npos) break;
        pos = comma + 1;
      }
    }
  }
  return out;
}

int FailRights(const Invocation& inv, const Status& s) {
  return s.code() == StatusCode::kInvalidArgument ? UsageError(inv, s.message()) : Fail(s);
}

int RunCreate(const Invocation& inv) {
  if (inv.positionals.size() != 1) return UsageError(inv, "expects one TITLE");
  auto node = OpenNode(inv);
  if (!node) return 1;
  auto rights = RightsFromFlags(inv, *node);
  if (!rights.ok()) return FailRights(inv, rights.status());
  store::Collection c;
  c.id = inv.Value("id").value_or(RandomUuid());
  c.title = inv.positionals[0];
  c.description = inv.Value("description").value_or("");
  Status s = node->store().CreateCollection(c);
  if (!s.ok()) return Fail(s);
  for (const auto& [member, r] : *rights) {
    s = node->SetRights(member, c.id, r);
    if (!s.ok()) return Fail(s.WithPrefix("collection " + c.id + " created, but"));
  }
  std::printf("%s\n", c.id.c_str());
  return 0;
}

// Adds rights (a reader granted --writer becomes a writer; nothing is taken away).
int RunGrant(const Invocation& inv) {
  if (inv.positionals.size() != 1) return UsageError(inv, "expects one collection ID");
  if (!inv.Has("reader") && !inv.Has("writer") && !inv.Has("write-only")) {
    return UsageError(inv, "names no member (use --reader, --writer or --write-only)");
  }
  auto node = OpenNode(inv);
  if (!node) return 1;
  const std::string& id = inv.positionals[0];
  if (Status s = node->store().GetCollection(id).status(); !s.ok()) return Fail(s);
  auto rights = RightsFromFlags(inv, *node);
  if (!rights.ok()) return FailRights(inv, rights.status());
  for (const auto& [member, add] : *rights) {
    auto current = node->store().GetRights(member, id);
    if (!current.ok()) return Fail(current.status());
    store::Rights r{current->can_read || add.can_read, current->can_write || add.can_write};
    if (Status s = node->SetRights(member, id, r); !s.ok()) return Fail(s);
    std::printf("%s: %s%s\n", member.c_str(), r.can_read ? "read" : "",
                r.can_write ? (r.can_read ? " write" : "write") : "");
  }
  return 0;
}

// Takes every right of the named members on the collection away.
int RunRevoke(const Invocation& inv) {
  if (inv.positionals.size() != 1) return UsageError(inv, "expects one collection ID");
  std::vector<std::string> members;
  for (const std::string& value : inv.Values("member")) {
    size_t pos = 0;
    while (true) {
      size_t comma = value.find(',', pos);
      members.push_back(value.substr(pos, comma == std::string::npos ? comma : comma - pos));
      if (members.back().empty()) return UsageError(inv, "--member '" + value + "': empty name");
      if (comma == std::string::npos) break;
      pos = comma + 1;
    }
  }
  if (members.empty()) return UsageError(inv, "names no member (use --member NAME)");
  auto node = OpenNode(inv);
  if (!node) return 1;
  for (const std::string& m : members) {
    if (Status s = node->SetRights(m, inv.positionals[0], {}); !s.ok()) return Fail(s);
    std::printf("%s: no rights on %s\n", m.c_str(), inv.positionals[0].c_str());
  }
  return 0;
}

int RunList(const Invocation& inv) {
  auto node = OpenNode(inv);
  if (!node) return 1;
  auto list = node->store().Collections();
  if (!list.ok()) return Fail(list.status());
  std::printf("%-36s  %-24s  %s\n", "ID", "CREATED", "TITLE");
  for (const auto& c : *list) {
    std::printf("%-36s  %-24s  %s\n", c.id.c_str(), c.created.c_str(), c.title.c_str());
  }
  return 0;
}

const Registration kCreate({
    .name = "collection create",
    .args = "TITLE",
    .summary = "create a collection (prints its id)",
    .help = "Members named by --reader may read it over TAXII, --writer may read and add\n"
            "objects, --write-only may add objects but not read them (a TAXII inbox: listed\n"
            "with can_read false). Each flag repeats and takes comma-separated names; every\n"
            "member must exist before anything is created. Rights are recorded in the audit log.",
    .flags = {{"id", "UUID", "the collection's id (default: a new random UUID)"},
              {"description", "TEXT", "a description for partners"},
              {"reader", "NAME[,NAME]", "members who may read", true},
              {"writer", "NAME[,NAME]", "members who may read and write", true},
              {"write-only", "NAME[,NAME]", "members who may write but not read", true}},
    .run = RunCreate,
});

const Registration kGrant({
    .name = "collection grant",
    .args = "ID",
    .summary = "give members rights on a collection (adds to what they have)",
    .flags = {{"reader", "NAME[,NAME]", "members who may read", true},
              {"writer", "NAME[,NAME]", "members who may read and write", true},
              {"write-only", "NAME[,NAME]", "members who may write but not read", true}},
    .run = RunGrant,
});

const Registration kRevoke({
    .name = "collection revoke",
    .args = "ID",
    .summary = "take all of members' rights on a collection away",
    .flags = {{"member", "NAME[,NAME]", "the members concerned", true}},
    .run = RunRevoke,
});

const Registration kList({
    .name = "collection list",
    .summary = "list the node's collections",
    .run = RunList,
});

}  // namespace
}  // namespace tadamun::cli
