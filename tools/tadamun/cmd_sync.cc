// tadamun pull, push: node-to-node sync over TAXII 2.1 (federation module).
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "base/encoding.h"
#include "base/env.h"
#include "command.h"
#include "federation/pull.h"
#include "federation/push.h"
#include "progress.h"
#include "taxii/client.h"
#include "taxii/http_client.h"

namespace tadamun::cli {
namespace {

constexpr uint64_t kMaxTokenBytes = 4096;

// The Authorization header value: the token from --token-file or $TADAMUN_TOKEN (never from
// the command line, where other users of the machine could read it), as Bearer, or as Basic
// with --basic MEMBER. "" when no token is given.
StatusOr<std::string> Authorization(const Invocation& inv) {
  std::string token;
  if (auto file = inv.Value("token-file")) {
    auto text = Env::Default()->ReadFile(*file, kMaxTokenBytes);
    if (!text.ok()) return text.status().WithPrefix("--token-file");
    token = *text;
  } else if (const char* env = std::getenv("TADAMUN_TOKEN")) {
    token = env;
  }
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ' ||
                            token.back() == '\t')) {
    token.pop_back();
  }
  if (token.find_first_of("\r\n") != std::string::npos) {
    return Status::InvalidArgument("the token holds a line break (expected one line)");
  }
  if (token.empty()) {
    if (inv.Has("basic")) return Status::InvalidArgument("--basic needs a token (--token-file)");
    return std::string();
  }
  if (auto member = inv.Value("basic")) return "Basic " + Base64Encode(*member + ":" + token);
  return "Bearer " + token;
}

struct Connection {
  taxii::Url url;
  std::unique_ptr<taxii::HttpTransport> transport;
  std::unique_ptr<taxii::Client> client;
  std::string api_root;  // path
  std::string source;    // the API root's URL
};

StatusOr<Connection> Connect(const Invocation& inv) {
  Connection c;
  TADAMUN_ASSIGN_OR_RETURN(c.url, taxii::ParseUrl(inv.positionals[0]));
  taxii::HttpTransportOptions options;
  options.ca_file = inv.Value("ca").value_or("");
  TADAMUN_ASSIGN_OR_RETURN(c.transport, taxii::HttpTransport::Create(c.url, options));
  TADAMUN_ASSIGN_OR_RETURN(std::string authorization, Authorization(inv));
  c.client = std::make_unique<taxii::Client>(c.transport.get(),
                                             taxii::ClientOptions{.authorization = authorization});
  TADAMUN_ASSIGN_OR_RETURN(c.api_root, c.client->ResolveApiRoot(c.url.path));
  c.source = c.url.Origin() + c.api_root;
  return c;
}

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string Rate(uint64_t n, double seconds) {
  return WithThousands(seconds > 0 ? static_cast<uint64_t>(n / seconds) : n);
}

int RunPull(const Invocation& inv) {
  if (inv.positionals.size() != 1) return UsageError(inv, "expects one URL (the API root)");
  auto collection = inv.Value("collection");
  if (!collection) return UsageError(inv, "--collection ID is required");
  uint64_t page_size = 1000;
  if (auto limit = inv.Value("limit")) {
    char* end = nullptr;
    page_size = std::strtoull(limit->c_str(), &end, 10);
    if (limit->empty() || *end != '\0' || page_size == 0) {
      return UsageError(inv, "--limit expects a positive number");
    }
  }
  uint64_t max_pages = 0;
  if (auto pages = inv.Value("max-pages")) {
    char* end = nullptr;
    max_pages = std::strtoull(pages->c_str(), &end, 10);
    if (pages->empty() || *end != '\0') return UsageError(inv, "--max-pages expects a number");
  }
  uint64_t batch = federation::PullOptions().batch_objects;
  if (auto b = inv.Value("batch")) {
    char* end = nullptr;
    batch = std::strtoull(b->c_str(), &end, 10);
    if (b->empty() || *end != '\0' || batch == 0) {
      return UsageError(inv, "--batch expects a positive number");
    }
  }
  auto node = OpenNode(inv);
  if (!node) return 1;
  const auto start = std::chrono::steady_clock::now();
  auto connection = Connect(inv);
  if (!connection.ok()) return Fail(connection.status());
  federation::PullOptions options;
  options.batch_objects = batch;
  options.source = connection->source;
  options.api_root = connection->api_root;
  options.collection = *collection;
  options.into = inv.Value("into").value_or("");
  options.page_size = page_size;
  options.max_pages = max_pages;
  Progress progress("pulling", 0, 0);
  options.progress = [&](const federation::PullProgress& p) {
    progress.Update(p.bytes, p.objects);
  };
  node::Node* n = node.get();
  federation::PageImporter importer =
      [n](const federation::PageImport& page) -> StatusOr<federation::PageResult> {
    node::ImportOptions o;
    o.collection = page.collection;
    o.source_kind = "taxii";
    o.source_name = page.source_name;
    o.read.json.max_depth = n->config().max_json_depth;
    o.read.json.max_bytes = n->config().max_import_bytes;
    TADAMUN_ASSIGN_OR_RETURN(node::ImportReport r, n->Import(page.objects, o));
    federation::PageResult out{r.committed, r.added, r.unchanged, r.summary.errors, ""};
    for (const stix::Issue& issue : r.issues) {
      if (issue.severity == stix::Severity::kError) {
        out.first_error = issue.ToString("page");
        break;
      }
    }
    return out;
  };
  auto report = federation::Pull(connection->client.get(), &n->store(), importer, options);
  progress.Finish();
  if (!report.ok()) return Fail(report.status());
  const double seconds = Seconds(start);
  std::printf(
      "%s collection %s: pulled %s objects in %s pages into collection %s "
      "(%s added, %s already stored) in %.1f s, %s objects/s\n",
      connection->source.c_str(), collection->c_str(), WithThousands(report->objects).c_str(),
      WithThousands(report->pages).c_str(), report->into.c_str(),
      WithThousands(report->added).c_str(), WithThousands(report->unchanged).c_str(), seconds,
      Rate(report->objects, seconds).c_str());
  std::printf("time: %.1f s fetching pages, %.1f s storing them\n", report->fetch_seconds,
              report->import_seconds);
  if (report->resumed) std::printf("resumed an interrupted pull\n");
  if (report->restarted) {
    std::printf(
        "the server no longer accepted the interrupted pull's cursor; started again "
        "from added_after (objects already stored were skipped)\n");
  }
  std::printf("cursor: added_after=%s%s\n",
              report->added_after_after.empty() ? "(start)" : report->added_after_after.c_str(),
              report->finished ? "" : " (more to pull: run again to continue)");
  if (report->missing_dates) {
    std::fprintf(stderr,
                 "tadamun: warning: the server sent no X-TAXII-Date-Added-Last header; "
                 "the next pull asks for everything again\n");
  }
  return 0;
}

int RunPush(const Invocation& inv) {
  if (inv.positionals.size() != 1) return UsageError(inv, "expects one URL (the API root)");
  auto collection = inv.Value("collection");
  if (!collection) return UsageError(inv, "--collection ID is required");
  auto node = OpenNode(inv);
  if (!node) return 1;
  const auto start = std::chrono::steady_clock::now();
  auto connection = Connect(inv);
  if (!connection.ok()) return Fail(connection.status());
  federation::PushOptions options;
  options.source = connection->source;
  options.api_root = connection->api_root;
  options.collection = *collection;
  options.from = inv.Value("from").value_or("");
  options.added_after = inv.Value("added-after").value_or("");
  if (!options.from.empty()) {
    auto local = node->store().GetCollection(options.from);
    if (!local.ok()) return Fail(local.status().WithPrefix("--from"));
  }
  Progress progress("pushing", 0, 0);
  options.progress = [&](const federation::PushProgress& p) {
    progress.Update(p.bytes, p.objects);
  };
  auto report = federation::Push(connection->client.get(), &node->store(), options);
  progress.Finish();
  if (!report.ok()) return Fail(report.status());
  const double seconds = Seconds(start);
  for (const taxii::StatusDetail& d : report->failure_details) {
    std::fprintf(stderr, "%s %s: %s\n", d.id.c_str(), d.version.c_str(), d.message.c_str());
  }
  if (report->failures > report->failure_details.size()) {
    std::fprintf(stderr, "... and %s more failures\n",
                 WithThousands(report->failures - report->failure_details.size()).c_str());
  }
  std::printf(
      "%s collection %s: pushed %s objects in %s envelopes in %.1f s, %s objects/s: "
      "%s succeeded, %s failed, %s pending\n",
      connection->source.c_str(), collection->c_str(), WithThousands(report->objects).c_str(),
      WithThousands(report->envelopes).c_str(), seconds, Rate(report->objects, seconds).c_str(),
      WithThousands(report->successes).c_str(), WithThousands(report->failures).c_str(),
      WithThousands(report->pending).c_str());
  return report->failures == 0 && report->pending == 0 ? 0 : 1;
}

int RunPullStatus(const Invocation& inv) {
  if (!inv.positionals.empty()) return UsageError(inv, "takes no arguments");
  auto node = OpenNode(inv);
  if (!node) return 1;
  auto cursors = node->store().SyncCursors();
  if (!cursors.ok()) return Fail(cursors.status());
  if (cursors->empty()) {
    std::printf("no pulls yet\n");
    return 0;
  }
  for (const store::SyncCursor& c : *cursors) {
    std::printf(
        "%scollections/%s/\n  added_after %s, %s objects received, last moved %s%s\n",
        c.source.c_str(), c.collection.c_str(),
        c.added_after.empty() ? "(start)" : c.added_after.c_str(), WithThousands(c.objects).c_str(),
        c.updated.c_str(),
        c.next.empty() ? "" : "\n  interrupted: the next pull resumes at the following page");
  }
  return 0;
}

const std::vector<FlagSpec> kAuthFlags = {
    {"token-file", "FILE", "read the API token from FILE (else $TADAMUN_TOKEN)"},
    {"basic", "MEMBER", "send the token with HTTP Basic as MEMBER (default: Bearer)"},
    {"ca", "FILE", "trust the CA certificates in FILE (PEM) instead of the system's"},
};

std::vector<FlagSpec> WithAuth(std::vector<FlagSpec> flags) {
  flags.insert(flags.end(), kAuthFlags.begin(), kAuthFlags.end());
  return flags;
}

const Registration kPull({
    .name = "pull",
    .args = "URL",
    .summary = "copy a remote TAXII 2.1 collection into the node (resumable, idempotent)",
    .help = "URL is the remote API root (or its discovery URL), e.g.\n"
            "https://cert-b.example:8443/taxii2/api/. Pages of objects are followed with 'next';\n"
            "pages are validated and stored in batches of whole pages (--batch), each all or\n"
            "nothing (provenance: taxii, the remote collection's URL; recorded in the audit log).\n"
            "The node remembers, per API root and collection, the added_after cursor of the last\n"
            "stored page, so pulling again asks only for what was added since, and an\n"
            "interrupted pull resumes where it stopped.\n"
            "The token comes from --token-file or $TADAMUN_TOKEN, never from the command line.",
    .flags = WithAuth({{"collection", "ID", "the remote collection (required)"},
                       {"into", "ID",
                        "the local collection (default: the same id; created "
                        "when missing)"},
                       {"limit", "N", "objects per page asked for (default 1000)"},
                       {"max-pages", "N", "stop after N pages (run again to continue)"},
                       {"batch", "N",
                        "store pages in transactions of at least N objects "
                        "(default 50000; 1: page by page)"}}),
    .run = RunPull,
});

const Registration kPullStatus({
    .name = "pull status",
    .summary = "list the sources pulled from and where the next pull of each starts",
    .run = RunPullStatus,
});

const Registration kPush({
    .name = "push",
    .args = "URL",
    .summary = "send the node's objects to a remote TAXII 2.1 collection (POST objects)",
    .help = "Sends every stored version (of --from's collection, or of the whole node) in\n"
            "envelopes no larger than the API root's max_content_length, waits for each status\n"
            "to complete and prints the objects the server refused. Exit 1 when any failed.\n"
            "The token comes from --token-file or $TADAMUN_TOKEN, never from the command line.",
    .flags = WithAuth({{"collection", "ID", "the remote collection (required)"},
                       {"from", "ID", "only the objects of this local collection"},
                       {"added-after", "TIMESTAMP", "only versions added to the node after this"}}),
    .run = RunPush,
});

}  // namespace
}  // namespace tadamun::cli
