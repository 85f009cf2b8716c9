// Fuzz target: the TAXII client's reading of hostile server answers. The first byte picks the
// HTTP status and Content-Type, the second the resource read (objects page, status, API root,
// collections, discovery resolution); the rest is the body, also given to ParseUrl. Every call
// must end in a value or a Status (no crash, no hang); the checks below hold for what is
// accepted.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "json/json.h"
#include "taxii/client.h"

using namespace tadamun;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2 || size > (1 << 20)) return 0;
  const uint8_t mode = data[0];
  const uint8_t which = data[1];
  std::string body(reinterpret_cast<const char*>(data) + 2, size - 2);
  static const int kStatuses[] = {200, 202, 400, 401, 404, 406, 413, 500};
  static const char* kTypes[] = {"application/taxii+json;version=2.1", "application/json",
                                 "application/taxii+json", ""};
  const int status = kStatuses[mode & 7];
  const char* type = kTypes[(mode >> 3) & 3];
  const bool dates = (mode & 0x20) != 0;
  taxii::InProcessTransport transport(
      [&](taxii::Request) {
        taxii::Response r;
        r.status = status;
        if (*type) r.headers.emplace("Content-Type", type);
        if (dates) {
          r.headers.emplace("X-TAXII-Date-Added-First", body.substr(0, 30));
          r.headers.emplace("X-TAXII-Date-Added-Last", "2024-01-01T00:00:00.000Z");
        }
        r.body = body;
        return r;
      },
      "http://fuzz.test", 1 << 20);
  taxii::Client client(&transport, {});
  const std::string root = "/taxii2/api/";
  switch (which % 5) {
    case 0: {
      auto page = client.GetObjects(root, "c", {.limit = 10});
      if (page.ok()) {
        // The objects text is a JSON array of `count` objects; `more` comes with `next`.
        auto array = json::Parse(page->objects);
        if (!array.ok() || !array->is_array() || array->items().size() != page->count) abort();
        for (const json::Value& o : array->items()) {
          if (!o.is_object()) abort();
        }
        if (page->more && page->next.empty()) abort();
      }
      break;
    }
    case 1: {
      auto s = client.GetStatus(root, "s");
      if (s.ok() && s->success_count + s->failure_count + s->pending_count != s->total_count) {
        abort();
      }
      break;
    }
    case 2: {
      auto a = client.GetApiRoot(root);
      if (a.ok() && a->max_content_length == 0) abort();
      break;
    }
    case 3: {
      auto c = client.GetCollections(root);
      if (c.ok()) {
        for (const auto& info : *c) {
          if (info.id.empty()) abort();
        }
      }
      break;
    }
    case 4: {
      auto r = client.ResolveApiRoot("/taxii2/");
      if (r.ok() && (r->empty() || r->front() != '/' || r->back() != '/')) abort();
      break;
    }
  }
  auto url = taxii::ParseUrl(body.substr(0, 4096));
  if (url.ok() &&
      (url->path.empty() || url->path[0] != '/' || url->port < 1 || url->port > 65535)) {
    abort();
  }
  return 0;
}
