// The command table of the `tadamun` program.
//
// Each command lives in its own cmd_<topic>.cc and registers itself with a static
// Registration, so adding a command touches one file. main.cc finds the command named by the
// leading words of argv ("import", "audit log"), parses its flags against the declared
// FlagSpecs (unknown flags are usage errors), and calls `run`.
//
// Exit codes used by every command unless its help says otherwise: 0 success, 1 the operation
// failed or found problems, 2 usage error.
//
//   static const Registration kStats({
//       .name = "stats", .summary = "show what the node holds", .run = RunStats});
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "node/node.h"

namespace tadamun::cli {

struct FlagSpec {
  std::string name;        // without the leading "--"
  std::string value_name;  // e.g. "TYPE"; empty for a boolean flag
  std::string help;
  bool repeatable = false;
};

class Invocation;

struct CommandSpec {
  std::string name;   // one or more words: "import", "audit verify-proof"
  std::string args;   // positional arguments for the usage line, e.g. "FILE|-"
  std::string summary;
  std::string help;   // longer text shown by --help
  std::vector<FlagSpec> flags;
  int (*run)(const Invocation&) = nullptr;
  // Commands that manage their own node location (none yet) set this to false.
  bool uses_node = true;
};

class Invocation {
 public:
  const CommandSpec* command = nullptr;
  std::string node_dir;  // --node, else $TADAMUN_HOME, else ./.tadamun
  std::vector<std::string> positionals;
  std::map<std::string, std::vector<std::string>> flags;  // boolean flags hold "true"

  bool Has(const std::string& name) const { return flags.count(name) > 0; }
  std::optional<std::string> Value(const std::string& name) const;
  std::vector<std::string> Values(const std::string& name) const;
};

class Registry {
 public:
  static void Add(CommandSpec spec);
  static const std::vector<CommandSpec>& All();
};

struct Registration {
  explicit Registration(CommandSpec spec) { Registry::Add(std::move(spec)); }
};

// Usage errors: prints "tadamun <command>: message" and a hint to stderr, returns 2.
int UsageError(const Invocation& inv, const std::string& message);
// Prints "tadamun: message" to stderr and returns 1.
int Fail(const std::string& message);
// Same with a Status's message.
int Fail(const Status& status);

// Opens the node named by the invocation; on failure prints why and returns nullptr.
std::unique_ptr<node::Node> OpenNode(const Invocation& inv);

// Reads FILE, or standard input for "-", refusing more than `max_bytes`.
StatusOr<std::string> ReadInput(const std::string& path, uint64_t max_bytes);

}  // namespace tadamun::cli
