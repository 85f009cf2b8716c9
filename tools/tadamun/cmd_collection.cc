// tadamun collection create, tadamun collection list.
#include <cstdio>

#include "base/uuid.h"
#include "command.h"

namespace tadamun::cli {
namespace {

int RunCreate(const Invocation& inv) {
  if (inv.positionals.size() != 1) return UsageError(inv, "expects one TITLE");
  auto node = OpenNode(inv);
  if (!node) return 1;
  store::Collection c;
  c.id = inv.Value("id").value_or(RandomUuid());
  c.title = inv.positionals[0];
  c.description = inv.Value("description").value_or("");
  Status s = node->store().CreateCollection(c);
  if (!s.ok()) return Fail(s);
  std::printf("%s\n", c.id.c_str());
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
    .flags = {{"id", "UUID", "the collection's id (default: a new random UUID)"},
              {"description", "TEXT", "a description for partners"}},
    .run = RunCreate,
});

const Registration kList({
    .name = "collection list",
    .summary = "list the node's collections",
    .run = RunList,
});

}  // namespace
}  // namespace tadamun::cli
