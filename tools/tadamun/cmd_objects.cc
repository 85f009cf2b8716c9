// tadamun import, export, get, list, validate: STIX objects in and out of the node.
#include <cstdio>

#include "base/uuid.h"
#include "command.h"
#include "node/import.h"
#include "progress.h"
#include "stix/bundle.h"

namespace tadamun::cli {
namespace {

constexpr uint64_t kMaxIssuesShown = 50;

void PrintIssues(const std::vector<stix::Issue>& issues, uint64_t total, const std::string& name) {
  uint64_t shown = 0;
  for (const stix::Issue& issue : issues) {
    if (shown++ == kMaxIssuesShown) break;
    std::fprintf(stderr, "%s\n", issue.ToString(name).c_str());
  }
  if (total > shown && total > kMaxIssuesShown) {
    std::fprintf(stderr, "%s: ... and %s more\n", name.c_str(),
                 WithThousands(total - kMaxIssuesShown).c_str());
  }
}

// Parses --version values (first, last, all, or timestamps) into a selection.
StatusOr<store::VersionSelection> ParseVersions(const std::vector<std::string>& values) {
  store::VersionSelection v;
  if (values.empty()) return v;
  v.last = false;
  for (const std::string& value : values) {
    TADAMUN_RETURN_IF_ERROR(store::AddVersionWord(value, &v).WithPrefix("--version"));
  }
  return v;
}

StatusOr<store::Query> QueryFromFlags(const Invocation& inv) {
  store::Query q;
  q.ids = inv.Values("id");
  q.types = inv.Values("type");
  q.collection = inv.Value("collection").value_or("");
  if (auto after = inv.Value("added-after")) {
    auto t = Timestamp::Parse(*after);
    if (!t.ok()) return t.status().WithPrefix("--added-after");
    q.added_after = *t;
  }
  TADAMUN_ASSIGN_OR_RETURN(q.versions, ParseVersions(inv.Values("version")));
  return q;
}

int RunImport(const Invocation& inv) {
  if (inv.positionals.size() != 1) return UsageError(inv, "expects one FILE (or - for stdin)");
  const std::string& path = inv.positionals[0];
  auto node = OpenNode(inv);
  if (!node) return 1;
  auto text = ReadInput(path, node->config().max_import_bytes);
  if (!text.ok()) return Fail(text.status());
  const std::string name = path == "-" ? "<stdin>" : path;
  node::ImportOptions options;
  options.collection = inv.Value("collection").value_or("");
  options.source_kind = path == "-" ? "stdin" : "file";
  options.source_name = name;
  options.read.json.max_depth = node->config().max_json_depth;
  options.read.json.max_bytes = node->config().max_import_bytes;
  Progress progress("importing", text->size());
  options.progress = [&](uint64_t offset, uint64_t objects) { progress.Update(offset, objects); };
  auto report = node->Import(&*text, options);
  progress.Finish();
  if (!report.ok()) return Fail(report.status().WithPrefix(name + ": nothing was stored"));
  PrintIssues(report->issues, report->summary.errors + report->summary.warnings, name);
  if (!report->committed) {
    std::fprintf(stderr, "%s: import rejected: %s error(s) in %s object(s); nothing was stored\n",
                 name.c_str(), WithThousands(report->summary.errors).c_str(),
                 WithThousands(report->summary.objects).c_str());
    return 1;
  }
  std::printf("%s: imported %s objects (%s added, %s already stored)%s%s\n", name.c_str(),
              WithThousands(report->summary.objects).c_str(),
              WithThousands(report->added).c_str(), WithThousands(report->unchanged).c_str(),
              options.collection.empty() ? "" : " into collection ",
              options.collection.c_str());
  return 0;
}

int RunExport(const Invocation& inv) {
  if (!inv.positionals.empty()) return UsageError(inv, "takes no arguments; use flags to filter");
  auto query = QueryFromFlags(inv);
  if (!query.ok()) return UsageError(inv, query.status().message());
  auto node = OpenNode(inv);
  if (!node) return 1;
  std::string out;
  stix::AppendBundleStart("bundle--" + RandomUuid(), &out);
  bool first = true;
  Status s = node->store().Scan(*query, [&](const store::Row& row) {
    if (!first) out += ',';
    first = false;
    out += row.json;
    if (out.size() > (1 << 20)) {
      if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size()) {
        return Status::Unavailable("cannot write to standard output");
      }
      out.clear();
    }
    return Status::Ok();
  });
  if (!s.ok()) return Fail(s);
  stix::AppendBundleEnd(&out);
  out += '\n';
  if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size() || std::fflush(stdout) != 0) {
    return Fail("cannot write to standard output");
  }
  return 0;
}

int RunGet(const Invocation& inv) {
  if (inv.positionals.size() != 1) return UsageError(inv, "expects one object ID");
  auto versions = ParseVersions(inv.Values("version"));
  if (!versions.ok()) return UsageError(inv, versions.status().message());
  auto node = OpenNode(inv);
  if (!node) return 1;
  store::Query q;
  q.ids = {inv.positionals[0]};
  q.versions = *versions;
  int found = 0;
  Status s = node->store().Scan(q, [&](const store::Row& row) {
    auto value = json::Parse(row.json);
    if (!value.ok()) return Status::DataLoss("stored object " + row.id + " is not valid JSON");
    std::printf("%s\n", json::ToPrettyJson(*value).c_str());
    ++found;
    return Status::Ok();
  });
  if (!s.ok()) return Fail(s);
  if (found == 0) return Fail("no object " + inv.positionals[0] + " in " + inv.node_dir);
  return 0;
}

int RunList(const Invocation& inv) {
  if (!inv.positionals.empty()) return UsageError(inv, "takes no arguments; use flags to filter");
  auto query = QueryFromFlags(inv);
  if (!query.ok()) return UsageError(inv, query.status().message());
  if (auto limit = inv.Value("limit")) {
    char* end = nullptr;
    unsigned long long n = std::strtoull(limit->c_str(), &end, 10);
    if (limit->empty() || *end != '\0') return UsageError(inv, "--limit expects a number");
    query->limit = n;
  }
  auto node = OpenNode(inv);
  if (!node) return 1;
  std::printf("%-20s %-54s %-32s %s\n", "TYPE", "ID", "NAME", "MODIFIED");
  Status s = node->store().Scan(*query, [&](const store::Row& row) {
    std::string name = row.name;
    if (name.size() > 32) name = name.substr(0, 29) + "...";
    std::printf("%-20s %-54s %-32s %s\n", row.type.c_str(), row.id.c_str(), name.c_str(),
                row.version.c_str());
    return Status::Ok();
  });
  return s.ok() ? 0 : Fail(s);
}

int RunValidate(const Invocation& inv) {
  if (inv.positionals.empty()) return UsageError(inv, "expects at least one FILE (or -)");
  uint64_t max_bytes = node::NodeConfig().max_import_bytes;
  bool all_valid = true;
  for (const std::string& path : inv.positionals) {
    const std::string name = path == "-" ? "<stdin>" : path;
    auto text = ReadInput(path, max_bytes);
    if (!text.ok()) {
      Fail(text.status());
      all_valid = false;
      continue;
    }
    std::vector<stix::Issue> issues;
    stix::ReadSummary summary;
    stix::ReadOptions options;
    options.json.max_bytes = max_bytes;
    options.validation = node::NodeValidation();
    Status s = stix::ReadObjects(&*text, options, [](stix::Object&&) { return Status::Ok(); },
                                 &issues, &summary);
    PrintIssues(issues, summary.errors + summary.warnings, name);
    if (!s.ok()) {
      std::fprintf(stderr, "%s: %s\n", name.c_str(), s.message().c_str());
      all_valid = false;
      continue;
    }
    all_valid &= summary.errors == 0;
    std::fprintf(stderr, "%s: %s, %s objects, %s errors, %s warnings\n", name.c_str(),
                 summary.errors == 0 ? "valid" : "INVALID",
                 WithThousands(summary.objects).c_str(), WithThousands(summary.errors).c_str(),
                 WithThousands(summary.warnings).c_str());
  }
  return all_valid ? 0 : 1;
}

const std::vector<FlagSpec> kFilterFlags = {
    {"type", "TYPE", "only objects of this STIX type", true},
    {"id", "ID", "only this object", true},
    {"added-after", "TIMESTAMP", "only versions added to the node after this time"},
    {"version", "V", "first, last (default), all, or a version timestamp", true},
    {"collection", "ID", "only objects in this collection"},
};

std::vector<FlagSpec> WithFilters(std::vector<FlagSpec> extra) {
  std::vector<FlagSpec> flags = kFilterFlags;
  flags.insert(flags.end(), extra.begin(), extra.end());
  return flags;
}

const Registration kImport({
    .name = "import",
    .args = "FILE|-",
    .summary = "validate and store a STIX 2.1 bundle or list of objects (all or nothing)",
    .help = "Reads a bundle, a JSON array of objects or one object from FILE or stdin, validates\n"
            "every object and stores them in one transaction: if any object has an error,\n"
            "nothing is stored. Errors are printed as FILE:LINE:COLUMN: error: ID POINTER: what.\n"
            "Re-importing a stored version is a no-op; a newer 'modified' adds a version.",
    .flags = {{"collection", "ID", "also add the objects to this collection"}},
    .run = RunImport,
});

const Registration kExport({
    .name = "export",
    .summary = "write stored objects as a STIX 2.1 bundle on stdout",
    .flags = kFilterFlags,
    .run = RunExport,
});

const Registration kGet({
    .name = "get",
    .args = "ID",
    .summary = "print one object (latest version unless --version says otherwise)",
    .flags = {{"version", "V", "first, last (default), all, or a version timestamp", true}},
    .run = RunGet,
});

const Registration kList({
    .name = "list",
    .summary = "list stored objects as a table (type, id, name, modified)",
    .flags = WithFilters({{"limit", "N", "show at most N rows"}}),
    .run = RunList,
});

const Registration kValidate({
    .name = "validate",
    .args = "FILE...",
    .summary = "check STIX 2.1 documents without storing them (exit 0 valid, 1 invalid)",
    .run = RunValidate,
});

}  // namespace
}  // namespace tadamun::cli
