// tadamun init, tadamun stats.
#include <cstdio>

#include "command.h"
#include "progress.h"

namespace tadamun::cli {
namespace {

int RunInit(const Invocation& inv) {
  if (!inv.positionals.empty()) return UsageError(inv, "takes no arguments");
  node::InitOptions options;
  if (auto name = inv.Value("name")) options.name = *name;
  Status s = node::Node::Init(inv.node_dir, options);
  if (!s.ok()) return Fail(s);
  std::printf("created node '%s' in %s\n", options.name.c_str(), inv.node_dir.c_str());
  return 0;
}

int RunStats(const Invocation& inv) {
  if (!inv.positionals.empty()) return UsageError(inv, "takes no arguments");
  auto node = OpenNode(inv);
  if (!node) return 1;
  auto stats = node->store().GetStats();
  if (!stats.ok()) return Fail(stats.status());
  std::printf("node         %s (%s)\n", node->config().name.c_str(), node->dir().c_str());
  std::printf("objects      %s\n", WithThousands(stats->objects).c_str());
  std::printf("versions     %s\n", WithThousands(stats->versions).c_str());
  std::printf("imports      %s\n", WithThousands(stats->imports).c_str());
  std::printf("collections  %s\n", WithThousands(stats->collections).c_str());
  std::printf("database     %.1f MB\n", static_cast<double>(stats->database_bytes) / 1e6);
  if (!stats->by_type.empty()) std::printf("\nby type:\n");
  for (const auto& [type, count] : stats->by_type) {
    std::printf("  %-24s %s\n", type.c_str(), WithThousands(count).c_str());
  }
  return 0;
}

const Registration kInit({
    .name = "init",
    .summary = "create a node (folder, configuration, empty store)",
    .help = "Creates the node folder (mode 0700) with config.json and an empty store. Fails if\n"
            "the folder already holds a node.",
    .flags = {{"name", "NAME", "the node's name, shown to partners (default tadamun-node)"}},
    .run = RunInit,
});

const Registration kStats({
    .name = "stats",
    .summary = "show what the node holds",
    .run = RunStats,
});

}  // namespace
}  // namespace tadamun::cli
