// tadamun: the command-line program of a Tadamun node. Thin: parses arguments and calls the
// modules (see command.h for how commands are declared).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "base/env.h"
#include "command.h"

namespace tadamun::cli {

namespace {

std::vector<CommandSpec>& Table() {
  static std::vector<CommandSpec> table;
  return table;
}

const FlagSpec kNodeFlag{"node", "DIR", "the node's folder (default: $TADAMUN_HOME, else ./.tadamun)"};

void PrintCommandHelp(const CommandSpec& c) {
  std::printf("Usage: tadamun %s [--node DIR]%s%s%s\n\n%s\n", c.name.c_str(),
              c.flags.empty() ? "" : " [flags]", c.args.empty() ? "" : " ", c.args.c_str(),
              c.summary.c_str());
  if (!c.help.empty()) std::printf("\n%s\n", c.help.c_str());
  std::printf("\nFlags:\n");
  auto print_flag = [](const FlagSpec& f) {
    std::string left = "--" + f.name + (f.value_name.empty() ? "" : " " + f.value_name);
    std::printf("  %-26s %s%s\n", left.c_str(), f.help.c_str(),
                f.repeatable ? " (repeatable)" : "");
  };
  if (c.uses_node) print_flag(kNodeFlag);
  for (const FlagSpec& f : c.flags) print_flag(f);
  print_flag({"help", "", "show this help"});
}

void PrintMainHelp() {
  std::printf(
      "tadamun: a sovereign node for sharing STIX 2.1 intelligence\n\n"
      "Usage: tadamun COMMAND [flags] [arguments]\n\nCommands:\n");
  for (const CommandSpec& c : Table()) {
    std::printf("  %-22s %s\n", c.name.c_str(), c.summary.c_str());
  }
  std::printf(
      "\nEvery command takes --node DIR (default: $TADAMUN_HOME, else ./.tadamun) and --help.\n"
      "Exit codes: 0 success, 1 failure or problems found, 2 usage error.\n");
}

// Number of leading argv words that name `c`, or 0.
size_t Matches(const CommandSpec& c, int argc, char** argv) {
  size_t words = 0, pos = 0;
  const std::string& name = c.name;
  while (pos < name.size()) {
    size_t end = name.find(' ', pos);
    if (end == std::string::npos) end = name.size();
    if (1 + words >= static_cast<size_t>(argc)) return 0;
    if (name.compare(pos, end - pos, argv[1 + words]) != 0 ||
        std::strlen(argv[1 + words]) != end - pos) {
      return 0;
    }
    ++words;
    pos = end + 1;
  }
  return words;
}

}  // namespace

std::optional<std::string> Invocation::Value(const std::string& name) const {
  auto it = flags.find(name);
  if (it == flags.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> Invocation::Values(const std::string& name) const {
  auto it = flags.find(name);
  return it == flags.end() ? std::vector<std::string>() : it->second;
}

void Registry::Add(CommandSpec spec) {
  auto& table = Table();
  auto it = table.begin();
  while (it != table.end() && it->name < spec.name) ++it;
  table.insert(it, std::move(spec));
}

const std::vector<CommandSpec>& Registry::All() { return Table(); }

int UsageError(const Invocation& inv, const std::string& message) {
  std::fprintf(stderr, "tadamun %s: %s\nRun 'tadamun %s --help' for usage.\n",
               inv.command->name.c_str(), message.c_str(), inv.command->name.c_str());
  return 2;
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "tadamun: %s\n", message.c_str());
  return 1;
}

int Fail(const Status& status) { return Fail(status.message()); }

std::unique_ptr<node::Node> OpenNode(const Invocation& inv) {
  auto node = node::Node::Open(inv.node_dir);
  if (!node.ok()) {
    Fail(node.status());
    return nullptr;
  }
  return std::move(*node);
}

StatusOr<std::string> ReadInput(const std::string& path, uint64_t max_bytes) {
  if (path != "-") return Env::Default()->ReadFile(path, max_bytes);
  std::string out;
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0) {
    if (out.size() + n > max_bytes) {
      return Status::ResourceExhausted("standard input is over the limit of " +
                                       std::to_string(max_bytes) + " bytes");
    }
    out.append(buf, n);
  }
  if (std::ferror(stdin)) return Status::Unavailable("cannot read standard input");
  return out;
}

int Main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0 ||
      std::strcmp(argv[1], "help") == 0) {
    PrintMainHelp();
    return argc < 2 ? 2 : 0;
  }
  if (std::strcmp(argv[1], "--version") == 0) {
    std::printf("tadamun 0.1.0\n");
    return 0;
  }
  const CommandSpec* best = nullptr;
  size_t best_words = 0;
  for (const CommandSpec& c : Table()) {
    size_t words = Matches(c, argc, argv);
    if (words > best_words) {
      best = &c;
      best_words = words;
    }
  }
  if (best == nullptr) {
    std::fprintf(stderr, "tadamun: unknown command '%s'. Run 'tadamun --help' for the list.\n",
                 argv[1]);
    return 2;
  }
  Invocation inv;
  inv.command = best;
  bool only_positionals = false;
  for (int i = 1 + static_cast<int>(best_words); i < argc; ++i) {
    std::string arg = argv[i];
    if (only_positionals || arg == "-" || arg.rfind("--", 0) != 0) {
      inv.positionals.push_back(arg);
      continue;
    }
    if (arg == "--") {
      only_positionals = true;
      continue;
    }
    std::string name = arg.substr(2), value;
    bool has_inline = false;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_inline = true;
    }
    if (name == "help") {
      PrintCommandHelp(*best);
      return 0;
    }
    const FlagSpec* spec = nullptr;
    if (name == kNodeFlag.name && best->uses_node) spec = &kNodeFlag;
    for (const FlagSpec& f : best->flags) {
      if (f.name == name) spec = &f;
    }
    if (spec == nullptr) return UsageError(inv, "unknown flag --" + name);
    if (spec->value_name.empty()) {
      if (has_inline) return UsageError(inv, "flag --" + name + " takes no value");
      value = "true";
    } else if (!has_inline) {
      if (i + 1 >= argc) return UsageError(inv, "flag --" + name + " needs a " + spec->value_name);
      value = argv[++i];
    }
    auto& values = inv.flags[name];
    if (!values.empty() && !spec->repeatable) {
      return UsageError(inv, "flag --" + name + " given more than once");
    }
    values.push_back(value);
  }
  if (auto node = inv.Value("node")) {
    inv.node_dir = *node;
  } else if (const char* home = std::getenv("TADAMUN_HOME"); home != nullptr && *home != '\0') {
    inv.node_dir = home;
  } else {
    inv.node_dir = ".tadamun";
  }
  return best->run(inv);
}

}  // namespace tadamun::cli

int main(int argc, char** argv) { return tadamun::cli::Main(argc, argv); }
