#include "taxii/client.h"

#include <algorithm>
#include <cctype>

#include "base/timestamp.h"
#include "json/json.h"

namespace tadamun::taxii {
namespace {

std::string Printable(std::string_view s, size_t max = 300) {
  std::string out(s.substr(0, max));
  for (char& c : out) {
    if (c < ' ' || c > '~') c = '?';
  }
  if (s.size() > max) out += "...";
  return out;
}

StatusCode CodeOf(int http_status) {
  if (http_status == 401 || http_status == 403) return StatusCode::kPermissionDenied;
  if (http_status == 404) return StatusCode::kNotFound;
  if (http_status == 413) return StatusCode::kResourceExhausted;
  if (http_status == 429 || http_status >= 500) return StatusCode::kUnavailable;
  if (http_status >= 400) return StatusCode::kInvalidArgument;
  return StatusCode::kFailedPrecondition;  // an unexpected 1xx/2xx/3xx
}

// Reading a resource's members with messages that say which member and what was expected.
class Shape {
 public:
  Shape(const json::Value& v, std::string where) : v_(v), where_(std::move(where)) {}

  Status Bad(std::string_view what) const {
    return Status::FailedPrecondition(where_ + ": " + std::string(what));
  }
  StatusOr<std::string> String(std::string_view key, bool required) const {
    const json::Value* m = v_.Find(key);
    if (m == nullptr) {
      if (required) return Bad("the response has no '" + std::string(key) + "' (required)");
      return std::string();
    }
    if (!m->is_string()) return Bad("'" + std::string(key) + "' is not a string");
    return m->str();
  }
  StatusOr<bool> Bool(std::string_view key, bool required, bool fallback = false) const {
    const json::Value* m = v_.Find(key);
    if (m == nullptr) {
      if (required) return Bad("the response has no '" + std::string(key) + "' (required)");
      return fallback;
    }
    if (!m->is_bool()) return Bad("'" + std::string(key) + "' is not true or false");
    return m->bool_value();
  }
  StatusOr<uint64_t> Count(std::string_view key, bool required) const {
    const json::Value* m = v_.Find(key);
    if (m == nullptr) {
      if (required) return Bad("the response has no '" + std::string(key) + "' (required)");
      return uint64_t{0};
    }
    std::optional<int64_t> n = m->is_number() ? m->AsInt64() : std::nullopt;
    if (!n || *n < 0) return Bad("'" + std::string(key) + "' is not a non-negative integer");
    return static_cast<uint64_t>(*n);
  }
  StatusOr<std::vector<std::string>> Strings(std::string_view key, bool required) const {
    std::vector<std::string> out;
    const json::Value* m = v_.Find(key);
    if (m == nullptr) {
      if (required) return Bad("the response has no '" + std::string(key) + "' (required)");
      return out;
    }
    if (!m->is_array()) return Bad("'" + std::string(key) + "' is not an array");
    for (const json::Value& item : m->items()) {
      if (!item.is_string()) return Bad("'" + std::string(key) + "' has a non-string item");
      out.push_back(item.str());
    }
    return out;
  }

 private:
  const json::Value& v_;
  std::string where_;
};

StatusOr<CollectionInfo> ReadCollection(const json::Value& v, const std::string& where) {
  if (!v.is_object()) return Status::FailedPrecondition(where + ": a collection is not an object");
  Shape s(v, where);
  CollectionInfo c;
  TADAMUN_ASSIGN_OR_RETURN(c.id, s.String("id", true));
  TADAMUN_ASSIGN_OR_RETURN(c.title, s.String("title", true));
  TADAMUN_ASSIGN_OR_RETURN(c.description, s.String("description", false));
  TADAMUN_ASSIGN_OR_RETURN(c.can_read, s.Bool("can_read", true));
  TADAMUN_ASSIGN_OR_RETURN(c.can_write, s.Bool("can_write", true));
  TADAMUN_ASSIGN_OR_RETURN(c.media_types, s.Strings("media_types", false));
  return c;
}

StatusOr<std::vector<StatusDetail>> ReadDetails(const json::Value& v, std::string_view key,
                                                const Shape& s) {
  std::vector<StatusDetail> out;
  const json::Value* list = v.Find(key);
  if (list == nullptr) return out;
  if (!list->is_array()) return s.Bad("'" + std::string(key) + "' is not an array");
  for (const json::Value& item : list->items()) {
    if (!item.is_object()) return s.Bad("'" + std::string(key) + "' has a non-object item");
    Shape d(item, "");
    StatusDetail detail;
    auto id = d.String("id", true);
    auto version = d.String("version", false);
    auto message = d.String("message", false);
    if (!id.ok() || !version.ok() || !message.ok()) {
      return s.Bad("an item of '" + std::string(key) +
                   "' is not {\"id\": string, \"version\": string, \"message\": string}");
    }
    detail.id = *id;
    detail.version = *version;
    detail.message = *message;
    out.push_back(std::move(detail));
  }
  return out;
}

StatusOr<StatusResource> ReadStatus(const json::Value& v, const std::string& where) {
  Shape s(v, where);
  if (!v.is_object()) return s.Bad("the status resource is not a JSON object");
  StatusResource r;
  TADAMUN_ASSIGN_OR_RETURN(r.id, s.String("id", true));
  TADAMUN_ASSIGN_OR_RETURN(r.status, s.String("status", true));
  if (r.status != "complete" && r.status != "pending") {
    return s.Bad("'status' is '" + Printable(r.status, 40) + "' (expected complete or pending)");
  }
  TADAMUN_ASSIGN_OR_RETURN(r.request_timestamp, s.String("request_timestamp", false));
  TADAMUN_ASSIGN_OR_RETURN(r.total_count, s.Count("total_count", true));
  TADAMUN_ASSIGN_OR_RETURN(r.success_count, s.Count("success_count", true));
  TADAMUN_ASSIGN_OR_RETURN(r.failure_count, s.Count("failure_count", true));
  TADAMUN_ASSIGN_OR_RETURN(r.pending_count, s.Count("pending_count", true));
  TADAMUN_ASSIGN_OR_RETURN(r.successes, ReadDetails(v, "successes", s));
  TADAMUN_ASSIGN_OR_RETURN(r.failures, ReadDetails(v, "failures", s));
  TADAMUN_ASSIGN_OR_RETURN(r.pendings, ReadDetails(v, "pendings", s));
  if (r.success_count + r.failure_count + r.pending_count != r.total_count) {
    return s.Bad("success_count + failure_count + pending_count != total_count");
  }
  if ((!r.successes.empty() && r.successes.size() != r.success_count) ||
      (!r.failures.empty() && r.failures.size() != r.failure_count) ||
      (!r.pendings.empty() && r.pendings.size() != r.pending_count)) {
    return s.Bad("a list of successes, failures or pendings does not match its count");
  }
  return r;
}

}  // namespace

bool IsTaxiiMediaType(std::string_view content_type) {
  std::string text;
  for (char c : content_type) {
    if (c != ' ' && c != '\t')
      text += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  size_t semi = text.find(';');
  if (text.substr(0, semi) != "application/taxii+json") return false;
  bool version = false;
  while (semi != std::string::npos) {
    size_t next = text.find(';', semi + 1);
    std::string param =
        text.substr(semi + 1, next == std::string::npos ? text.npos : next - semi - 1);
    if (param == "version=2.1" || param == "version=\"2.1\"") version = true;
    semi = next;
  }
  return version;
}

Status CheckPathSegment(std::string_view segment, std::string_view what) {
  bool ok = !segment.empty() && segment.size() <= 256 && segment != "." && segment != "..";
  for (char c : segment) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' && c != '_' &&
        c != '~') {
      ok = false;
    }
  }
  if (ok) return Status::Ok();
  return Status::InvalidArgument(std::string(what) + " '" + Printable(segment, 80) +
                                 "' is not a valid path segment (expected letters, digits, "
                                 "'-', '.', '_' or '~', e.g. a UUID)");
}

std::string Client::Where(const Request& request) const {
  return request.method + " " + transport_->Origin() + request.path + EncodeQuery(request.query);
}

StatusOr<Response> Client::Call(Request request, int expect) {
  request.AddHeader("Accept", std::string(kTaxiiMediaType));
  if (!options_.authorization.empty()) request.AddHeader("Authorization", options_.authorization);
  const std::string where = Where(request);
  TADAMUN_ASSIGN_OR_RETURN(Response r, transport_->Send(request));
  std::optional<std::string> type = r.Header("Content-Type");
  if (r.status != expect) {
    std::string message = where + ": HTTP " + std::to_string(r.status);
    // The error resource, when the server sent one.
    if (type && IsTaxiiMediaType(*type)) {
      auto error = json::Parse(r.body, {.max_depth = 16, .max_bytes = 1 << 20});
      if (error.ok() && error->is_object()) {
        const json::Value* title = error->Find("title");
        const json::Value* description = error->Find("description");
        if (title && title->is_string()) message += " " + Printable(title->str());
        if (description && description->is_string()) {
          message += ": " + Printable(description->str());
        }
      }
    } else if (!r.body.empty()) {
      message += " (" + Printable(r.body, 120) + ")";
    }
    if (r.status == 401) message += " (check the token given with --token-file or $TADAMUN_TOKEN)";
    return Status(CodeOf(r.status), message);
  }
  if (!type) return Status::FailedPrecondition(where + ": the response has no Content-Type");
  if (!IsTaxiiMediaType(*type)) {
    return Status::FailedPrecondition(where + ": Content-Type is '" + Printable(*type, 100) +
                                      "' (expected " + std::string(kTaxiiMediaType) + ")");
  }
  return r;
}

namespace {
StatusOr<json::Value> ParseBody(const Response& r, const std::string& where,
                                const ClientOptions& options) {
  auto v = json::Parse(r.body, {.max_depth = options.max_json_depth});
  if (!v.ok()) {
    return Status::FailedPrecondition(where +
                                      ": the response is not valid JSON: " + v.status().message());
  }
  if (!v->is_object())
    return Status::FailedPrecondition(where + ": the response is not a JSON object");
  return v;
}
}  // namespace

namespace {
StatusOr<DiscoveryInfo> ParseDiscovery(const json::Value& v, const std::string& where) {
  Shape s(v, where);
  DiscoveryInfo d;
  TADAMUN_ASSIGN_OR_RETURN(d.title, s.String("title", true));
  TADAMUN_ASSIGN_OR_RETURN(d.description, s.String("description", false));
  TADAMUN_ASSIGN_OR_RETURN(d.default_root, s.String("default", false));
  TADAMUN_ASSIGN_OR_RETURN(d.api_roots, s.Strings("api_roots", false));
  return d;
}
}  // namespace

StatusOr<DiscoveryInfo> Client::Discover(const std::string& path) {
  Request req{.method = "GET", .path = path};
  const std::string where = Where(req);
  TADAMUN_ASSIGN_OR_RETURN(Response r, Call(req, 200));
  TADAMUN_ASSIGN_OR_RETURN(json::Value v, ParseBody(r, where, options_));
  return ParseDiscovery(v, where);
}

StatusOr<std::string> Client::ResolveApiRoot(const std::string& path) {
  std::string p = path.empty() ? "/" : path;
  if (p.back() != '/') p += '/';  // TAXII URLs end with '/'
  Request req{.method = "GET", .path = p};
  const std::string where = Where(req);
  TADAMUN_ASSIGN_OR_RETURN(Response r, Call(req, 200));
  TADAMUN_ASSIGN_OR_RETURN(json::Value v, ParseBody(r, where, options_));
  if (v.Find("max_content_length") != nullptr || v.Find("versions") != nullptr) return p;
  if (v.Find("api_roots") == nullptr && v.Find("default") == nullptr) {
    return Status::FailedPrecondition(where +
                                      ": neither an API root (no 'versions', "
                                      "'max_content_length') nor a discovery resource");
  }
  TADAMUN_ASSIGN_OR_RETURN(DiscoveryInfo d, ParseDiscovery(v, where));  // the answer in hand
  std::string root = d.default_root;
  if (root.empty()) {
    if (d.api_roots.size() != 1) {
      return Status::FailedPrecondition(where + ": the discovery resource has no default and " +
                                        std::to_string(d.api_roots.size()) +
                                        " API roots; give the API root's URL instead");
    }
    root = d.api_roots[0];
  }
  if (root.find("://") != std::string::npos) {
    auto url = ParseUrl(root);
    if (!url.ok()) return url.status().WithPrefix(where + ": API root");
    if (url->Origin() != transport_->Origin()) {
      return Status::FailedPrecondition(where + ": the default API root " + Printable(root) +
                                        " is on another server; give its URL instead");
    }
    root = url->path;
  } else if (root.empty() || root[0] != '/') {
    root = p + root;  // relative to the discovery URL
  }
  if (root.back() != '/') root += '/';
  return root;
}

StatusOr<ApiRootInfo> Client::GetApiRoot(const std::string& api_root) {
  Request req{.method = "GET", .path = api_root};
  const std::string where = Where(req);
  TADAMUN_ASSIGN_OR_RETURN(Response r, Call(req, 200));
  TADAMUN_ASSIGN_OR_RETURN(json::Value v, ParseBody(r, where, options_));
  Shape s(v, where);
  ApiRootInfo a;
  TADAMUN_ASSIGN_OR_RETURN(a.title, s.String("title", true));
  TADAMUN_ASSIGN_OR_RETURN(a.description, s.String("description", false));
  TADAMUN_ASSIGN_OR_RETURN(a.versions, s.Strings("versions", true));
  TADAMUN_ASSIGN_OR_RETURN(a.max_content_length, s.Count("max_content_length", true));
  if (std::none_of(a.versions.begin(), a.versions.end(),
                   [](const std::string& m) { return IsTaxiiMediaType(m); })) {
    return s.Bad("'versions' does not list " + std::string(kTaxiiMediaType));
  }
  if (a.max_content_length == 0) return s.Bad("'max_content_length' is 0");
  return a;
}

StatusOr<std::vector<CollectionInfo>> Client::GetCollections(const std::string& api_root) {
  Request req{.method = "GET", .path = api_root + "collections/"};
  const std::string where = Where(req);
  TADAMUN_ASSIGN_OR_RETURN(Response r, Call(req, 200));
  TADAMUN_ASSIGN_OR_RETURN(json::Value v, ParseBody(r, where, options_));
  std::vector<CollectionInfo> out;
  const json::Value* list = v.Find("collections");
  if (list == nullptr) return out;  // optional: no collections
  if (!list->is_array())
    return Status::FailedPrecondition(where + ": 'collections' is not an array");
  for (const json::Value& item : list->items()) {
    TADAMUN_ASSIGN_OR_RETURN(CollectionInfo c, ReadCollection(item, where));
    out.push_back(std::move(c));
  }
  return out;
}

StatusOr<CollectionInfo> Client::GetCollection(const std::string& api_root, const std::string& id) {
  TADAMUN_RETURN_IF_ERROR(CheckPathSegment(id, "collection id"));
  Request req{.method = "GET", .path = api_root + "collections/" + id + "/"};
  const std::string where = Where(req);
  TADAMUN_ASSIGN_OR_RETURN(Response r, Call(req, 200));
  TADAMUN_ASSIGN_OR_RETURN(json::Value v, ParseBody(r, where, options_));
  TADAMUN_ASSIGN_OR_RETURN(CollectionInfo c, ReadCollection(v, where));
  if (c.id != id) {
    return Status::FailedPrecondition(where + ": the collection's id is '" + Printable(c.id, 80) +
                                      "' (expected " + id + ")");
  }
  return c;
}

StatusOr<ObjectsPage> Client::GetObjects(const std::string& api_root, const std::string& collection,
                                         const GetObjectsOptions& options) {
  TADAMUN_RETURN_IF_ERROR(CheckPathSegment(collection, "collection id"));
  Request req{.method = "GET", .path = api_root + "collections/" + collection + "/objects/"};
  if (!options.added_after.empty()) req.query.emplace("added_after", options.added_after);
  if (options.limit > 0) req.query.emplace("limit", std::to_string(options.limit));
  if (!options.next.empty()) req.query.emplace("next", options.next);
  if (!options.types.empty()) {
    std::string types;
    for (const std::string& t : options.types) types += (types.empty() ? "" : ",") + t;
    req.query.emplace("match[type]", types);
  }
  if (!options.versions.empty()) req.query.emplace("match[version]", options.versions);
  const std::string where = Where(req);
  TADAMUN_ASSIGN_OR_RETURN(Response r, Call(req, 200));
  size_t first = r.body.find_first_not_of(" \t\r\n");
  if (first == std::string::npos || r.body[first] != '{') {
    return Status::FailedPrecondition(where + ": the response is not an envelope (a JSON object)");
  }
  ObjectsPage page;
  page.objects.reserve(r.body.size() + 2);
  page.objects = "[";
  Status element_error;
  auto root = json::ParseStreaming(
      &r.body, "objects",
      [&](json::Value&& element, uint64_t index, std::string_view source) -> Status {
        if (!element.is_object()) {
          return Status::FailedPrecondition(where + ": objects[" + std::to_string(index) +
                                            "] is not a JSON object");
        }
        if (page.count++ > 0) page.objects += ',';
        page.objects.append(source);
        return Status::Ok();
      },
      {.max_depth = options_.max_json_depth});
  if (!root.ok()) {
    if (root.status().code() == StatusCode::kFailedPrecondition) return root.status();
    return Status::FailedPrecondition(
        where + ": the response is not valid JSON: " + root.status().message());
  }
  page.objects += ']';
  if (!root->is_object()) {
    return Status::FailedPrecondition(where + ": the response is not an envelope (a JSON object)");
  }
  Shape s(*root, where);
  const json::Value* objects = root->Find("objects");
  if (objects != nullptr && !objects->is_array()) return s.Bad("'objects' is not an array");
  TADAMUN_ASSIGN_OR_RETURN(page.more, s.Bool("more", false));
  TADAMUN_ASSIGN_OR_RETURN(page.next, s.String("next", false));
  if (page.more && page.next.empty()) {
    return s.Bad("'more' is true but there is no 'next' cursor to continue with");
  }
  if (page.more && page.count == 0) return s.Bad("'more' is true on an empty page");
  for (auto [header, out] : {std::pair{"X-TAXII-Date-Added-First", &page.date_added_first},
                             std::pair{"X-TAXII-Date-Added-Last", &page.date_added_last}}) {
    std::optional<std::string> value = r.Header(header);
    if (!value) continue;
    if (!Timestamp::Parse(*value).ok()) {
      return s.Bad(std::string(header) + " '" + Printable(*value, 60) +
                   "' is not a timestamp (expected RFC 3339 in UTC)");
    }
    *out = *value;
  }
  if (!page.date_added_first.empty() && !page.date_added_last.empty() &&
      *Timestamp::Parse(page.date_added_last) < *Timestamp::Parse(page.date_added_first)) {
    return s.Bad("X-TAXII-Date-Added-Last is before X-TAXII-Date-Added-First");
  }
  return page;
}

StatusOr<StatusResource> Client::PostObjects(const std::string& api_root,
                                             const std::string& collection, std::string envelope) {
  TADAMUN_RETURN_IF_ERROR(CheckPathSegment(collection, "collection id"));
  Request req{.method = "POST", .path = api_root + "collections/" + collection + "/objects/"};
  req.AddHeader("Content-Type", std::string(kTaxiiMediaType));
  req.body = std::move(envelope);
  const std::string where = Where(req);
  TADAMUN_ASSIGN_OR_RETURN(Response r, Call(std::move(req), 202));
  TADAMUN_ASSIGN_OR_RETURN(json::Value v, ParseBody(r, where, options_));
  return ReadStatus(v, where);
}

StatusOr<StatusResource> Client::GetStatus(const std::string& api_root,
                                           const std::string& status_id) {
  TADAMUN_RETURN_IF_ERROR(CheckPathSegment(status_id, "status id"));
  Request req{.method = "GET", .path = api_root + "status/" + status_id + "/"};
  const std::string where = Where(req);
  TADAMUN_ASSIGN_OR_RETURN(Response r, Call(req, 200));
  TADAMUN_ASSIGN_OR_RETURN(json::Value v, ParseBody(r, where, options_));
  TADAMUN_ASSIGN_OR_RETURN(StatusResource s, ReadStatus(v, where));
  if (s.id != status_id) {
    return Status::FailedPrecondition(where + ": the status id is '" + Printable(s.id, 80) + "'");
  }
  return s;
}

}  // namespace tadamun::taxii
