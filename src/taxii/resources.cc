#include "taxii/resources.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <vector>

#include "base/encoding.h"
#include "base/timestamp.h"
#include "crypto/digest.h"
#include "json/json.h"

namespace tadamun::taxii {
namespace {

constexpr size_t kMaxMatchValues = 256;  // values per match[...] filter, all parameters together
constexpr size_t kMaxValueBytes = 512;   // one id, type or spec version

Response BadRequest(const Status& status) {
  return ErrorResponse(400, "Bad request parameter", status.message());
}


std::vector<std::string> SplitList(std::string_view value) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (true) {
    size_t comma = value.find(',', pos);
    out.emplace_back(value.substr(pos, comma == std::string_view::npos ? value.npos : comma - pos));
    if (comma == std::string_view::npos) return out;
    pos = comma + 1;
  }
}

bool IsSpecVersion(std::string_view s) {  // digits '.' digits
  size_t dot = s.find('.');
  if (dot == 0 || dot == std::string_view::npos || dot + 1 == s.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i != dot && !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

bool IsToken(std::string_view s) {  // ids and types: printable ASCII, no spaces or commas
  if (s.empty() || s.size() > kMaxValueBytes) return false;
  for (char c : s) {
    if (c <= ' ' || c > '~') return false;
  }
  return true;
}

std::string Canonical(std::vector<std::string>* values) {
  std::sort(values->begin(), values->end());
  values->erase(std::unique(values->begin(), values->end()), values->end());
  std::string out;
  for (const std::string& v : *values) out += v + ",";
  return out;
}

std::string FirstSegment(std::string_view* rest) {
  size_t slash = rest->find('/');
  std::string seg(rest->substr(0, slash));
  rest->remove_prefix(slash == std::string_view::npos ? rest->size() : slash + 1);
  return seg;
}

// Error texts echo parts of the request: keep them printable ASCII so the error resource is
// valid UTF-8 JSON whatever bytes came in (a cut multi-byte character, raw binary).
std::string Printable(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c < ' ' || c > '~') c = '?';
  }
  return out;
}

}  // namespace

Response ErrorResponse(int http_status, std::string_view title, std::string_view description) {
  std::string body = "{\"title\":" + json::Quoted(Printable(title));
  if (!description.empty()) body += ",\"description\":" + json::Quoted(Printable(description));
  body += ",\"http_status\":" + json::Quoted(std::to_string(http_status)) + "}";
  return JsonResponse(http_status, std::move(body));
}

Response JsonResponse(int http_status, std::string body) {
  Response r;
  r.status = http_status;
  r.headers.emplace("Content-Type", std::string(kTaxiiMediaType));
  r.body = std::move(body);
  return r;
}

Response StoreErrorResponse(const Status& status) {
  return ErrorResponse(500, "Internal error", "the node's store failed: " + status.message());
}

std::string EncodeCursor(int64_t seq, std::string_view fingerprint) {
  return Base64UrlEncode("1:" + std::to_string(seq) + ":" + std::string(fingerprint));
}

StatusOr<int64_t> DecodeCursor(std::string_view cursor, std::string_view fingerprint) {
  const Status bad = Status::InvalidArgument(
      "next: '" + std::string(cursor.substr(0, 64)) +
      "' is not a cursor issued by this server (expected the 'next' value of a previous page)");
  if (cursor.empty() || cursor.size() > 256) return bad;
  auto raw = Base64UrlDecode(cursor);
  if (!raw.ok()) return bad;
  std::string_view text = *raw;
  if (text.substr(0, 2) != "1:") return bad;
  text.remove_prefix(2);
  size_t colon = text.find(':');
  if (colon == 0 || colon == std::string_view::npos || colon > 18) return bad;
  int64_t seq = 0;
  for (size_t i = 0; i < colon; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return bad;
    seq = seq * 10 + (text[i] - '0');
  }
  if (text.substr(colon + 1) != fingerprint) {
    return Status::InvalidArgument(
        "next: the cursor was issued for different filters; repeat the request's original "
        "added_after, match[...] and limit-independent parameters, or start again without next");
  }
  return seq;
}

StatusOr<Filters> ParseFilters(const std::multimap<std::string, std::string>& params,
                               Endpoint endpoint, const ServerOptions& options,
                               std::string_view scope) {
  Filters f;
  store::Query& q = f.query;
  f.page_size = std::max<uint64_t>(1, std::min(options.default_page_size, options.max_page_size));
  const bool many = endpoint == Endpoint::kObjects || endpoint == Endpoint::kManifest;
  const bool version_filter = endpoint != Endpoint::kVersions;
  bool saw_version = false;
  std::vector<std::string> version_words;  // canonical form of match[version]
  std::optional<std::string> next;
  size_t match_values = 0;
  auto once = [&](const std::string& name) -> Status {
    if (params.count(name) > 1) {
      return Status::InvalidArgument(name + ": given " + std::to_string(params.count(name)) +
                                     " times (expected at most once)");
    }
    return Status::Ok();
  };
  auto list = [&](const std::string& name, const std::string& value, const char* expected,
                  bool (*valid)(std::string_view)) -> StatusOr<std::vector<std::string>> {
    std::vector<std::string> items = SplitList(value);
    match_values += items.size();
    if (match_values > kMaxMatchValues) {
      return Status::InvalidArgument(name + ": more than " + std::to_string(kMaxMatchValues) +
                                     " values in match[...] filters");
    }
    for (const std::string& item : items) {
      if (!valid(item)) {
        return Status::InvalidArgument(name + ": '" + item.substr(0, 80) + "' is not " +
                                       expected);
      }
    }
    return items;
  };
  for (const auto& [name, value] : params) {
    if (name == "added_after") {
      TADAMUN_RETURN_IF_ERROR(once(name));
      auto t = Timestamp::Parse(value);
      if (!t.ok()) {
        return Status::InvalidArgument("added_after: '" + value.substr(0, 80) +
                                       "' is not a timestamp (expected RFC 3339 in UTC, e.g. "
                                       "2024-01-31T12:00:00.000Z)");
      }
      q.added_after = *t;
    } else if (name == "limit") {
      TADAMUN_RETURN_IF_ERROR(once(name));
      bool digits = !value.empty() && value.size() <= 18 &&
                    std::all_of(value.begin(), value.end(),
                                [](char c) { return c >= '0' && c <= '9'; });
      uint64_t n = digits ? std::stoull(value) : 0;
      if (n == 0) {
        return Status::InvalidArgument("limit: '" + value.substr(0, 80) +
                                       "' is not a positive integer (expected 1 to " +
                                       std::to_string(options.max_page_size) + ")");
      }
      f.page_size = std::min(n, std::max<uint64_t>(1, options.max_page_size));
    } else if (name == "next") {
      TADAMUN_RETURN_IF_ERROR(once(name));
      next = value;
    } else if (name == "match[id]" && many) {
      TADAMUN_ASSIGN_OR_RETURN(auto items, list(name, value, "an object id", IsToken));
      q.ids.insert(q.ids.end(), items.begin(), items.end());
    } else if (name == "match[type]" && many) {
      TADAMUN_ASSIGN_OR_RETURN(auto items, list(name, value, "an object type", IsToken));
      q.types.insert(q.types.end(), items.begin(), items.end());
    } else if (name == "match[spec_version]") {
      TADAMUN_ASSIGN_OR_RETURN(auto items,
                               list(name, value, "a spec version (e.g. 2.1)", IsSpecVersion));
      q.spec_versions.insert(q.spec_versions.end(), items.begin(), items.end());
    } else if (name == "match[version]" && version_filter) {
      TADAMUN_ASSIGN_OR_RETURN(auto items,
                               list(name, value, "a version", [](std::string_view s) {
                                 return !s.empty() && s.size() <= 64;
                               }));
      if (!saw_version) q.versions = store::VersionSelection{false, false, false, {}};
      saw_version = true;
      for (const std::string& item : items) {
        const size_t exact_before = q.versions.at.size();
        TADAMUN_RETURN_IF_ERROR(
            store::AddVersionWord(item, &q.versions).WithPrefix("match[version]"));
        // The cursor fingerprint names timestamps by instant, so spellings of one match.
        version_words.push_back(q.versions.at.size() > exact_before
                                    ? q.versions.at.back().SortKey()
                                    : item);
      }
    } else {
      std::string allowed = "added_after, limit, next";
      if (many) allowed += ", match[id], match[type]";
      if (version_filter) allowed += ", match[version]";
      allowed += ", match[spec_version]";
      return Status::InvalidArgument("'" + name.substr(0, 80) +
                                     "' is not a parameter of this resource (expected one of " +
                                     allowed + ")");
    }
  }
  if (endpoint == Endpoint::kVersions) q.versions = store::VersionSelection::All();

  // The fingerprint: every filter in a canonical order (the same filters in another order or
  // with repeated values give the same fingerprint), not limit and next.
  std::string canon = "scope=" + std::string(scope) +
                      "\nendpoint=" + std::to_string(static_cast<int>(endpoint));
  canon += "\nadded_after=" + (q.added_after ? q.added_after->SortKey() : std::string());
  canon += "\nids=" + Canonical(&q.ids);
  canon += "\ntypes=" + Canonical(&q.types);
  canon += "\nspec_versions=" + Canonical(&q.spec_versions);
  canon += "\nversions=" + (saw_version ? Canonical(&version_words) : std::string("default"));
  f.fingerprint = HexEncode(crypto::Sha256(canon)).substr(0, 16);
  if (next) {
    TADAMUN_ASSIGN_OR_RETURN(q.after_seq, DecodeCursor(*next, f.fingerprint));
  }
  return f;
}

Server::Server(store::Store& store, ServerOptions options)
    : store_(store), options_(std::move(options)) {}

Response Server::Handle(Request request) {
  std::string_view path = request.path;
  std::string_view api = options_.api_root_path;
  // Authentication comes before routing, so an anonymous caller learns nothing about paths.
  if (auto denied = Authenticate(store_, &request)) {
    std::string with_slash(path);
    if (with_slash.empty() || with_slash.back() != '/') with_slash += '/';
    if (!options_.public_discovery || with_slash != options_.discovery_path) {
      return std::move(*denied);
    }
  }
  // Method and Accept checks of a resource that allows `allowed` ("GET" or "GET, POST").
  auto checks = [&](std::string_view allowed) -> std::optional<Response> {
    bool method_ok = false;
    for (std::string_view m : {"GET", "POST", "DELETE"}) {
      if (request.method == m && allowed.find(m) != std::string_view::npos) method_ok = true;
    }
    if (!method_ok) {
      Response r = ErrorResponse(405, "Method not allowed",
                                 "'" + request.method.substr(0, 16) + " " +
                                     std::string(path.substr(0, 200)) +
                                     "' is not supported (allowed: " + std::string(allowed) +
                                     ")");
      r.headers.emplace("Allow", std::string(allowed));
      return r;
    }
    if (AcceptsTaxii(request.Header("accept"))) return std::nullopt;
    return ErrorResponse(406, "Not acceptable",
                         "the Accept header '" + request.Header("accept")->substr(0, 200) +
                             "' does not allow " + std::string(kTaxiiMediaType));
  };
  auto route = [&]() -> std::optional<Response> {
    std::string with_slash(path);
    if (with_slash.empty() || with_slash.back() != '/') with_slash += '/';
    if (with_slash == options_.discovery_path) {
      if (auto r = checks("GET")) return r;
      return Discovery(request);
    }
    if (with_slash.compare(0, api.size(), api) != 0) return std::nullopt;
    std::string_view rest = std::string_view(with_slash).substr(api.size());
    if (rest.empty()) {
      if (auto r = checks("GET")) return r;
      return ApiRoot(request);
    }
    std::string first = FirstSegment(&rest);
    if (first == "status") {
      std::string status_id = FirstSegment(&rest);
      if (status_id.empty() || !rest.empty()) return std::nullopt;
      if (auto r = checks("GET")) return r;
      return GetStatus(request, status_id);
    }
    if (first != "collections") return std::nullopt;
    if (rest.empty()) {
      if (auto r = checks("GET")) return r;
      return Collections(request);
    }
    std::string collection = FirstSegment(&rest);
    if (collection.empty()) return std::nullopt;
    if (rest.empty()) {
      if (auto r = checks("GET")) return r;
      return GetCollection(request, collection);
    }
    std::string kind = FirstSegment(&rest);
    if (kind == "manifest" && rest.empty()) {
      if (auto r = checks("GET")) return r;
      return Manifest(request, collection);
    }
    if (kind != "objects") return std::nullopt;
    if (rest.empty()) {
      if (auto r = checks("GET, POST")) return r;
      if (request.method == "POST") return PostObjects(request, collection);
      return GetObjects(request, collection);
    }
    std::string object = FirstSegment(&rest);
    if (object.empty()) return std::nullopt;
    if (rest.empty()) {
      if (auto r = checks("GET, DELETE")) return r;
      if (request.method == "DELETE") return DeleteObject(request, collection, object);
      return GetObject(request, collection, object);
    }
    if (FirstSegment(&rest) == "versions" && rest.empty()) {
      if (auto r = checks("GET")) return r;
      return Versions(request, collection, object);
    }
    return std::nullopt;
  };
  if (auto r = route()) return std::move(*r);
  return ErrorResponse(404, "Not found",
                       "no TAXII resource at '" + std::string(path.substr(0, 200)) + "'");
}

Response Server::Discovery(const Request&) {
  json::Value v = json::Value::Object();
  v.Set("title", json::Value::String(options_.title));
  if (!options_.description.empty()) {
    v.Set("description", json::Value::String(options_.description));
  }
  if (!options_.contact.empty()) v.Set("contact", json::Value::String(options_.contact));
  std::string root = options_.public_url + options_.api_root_path;
  v.Set("default", json::Value::String(root));
  json::Value roots = json::Value::Array();
  roots.Append(json::Value::String(root));
  v.Set("api_roots", std::move(roots));
  return JsonResponse(200, json::ToJson(v));
}

Response Server::ApiRoot(const Request&) {
  json::Value v = json::Value::Object();
  v.Set("title", json::Value::String(options_.api_root_title));
  if (!options_.api_root_description.empty()) {
    v.Set("description", json::Value::String(options_.api_root_description));
  }
  json::Value versions = json::Value::Array();
  versions.Append(json::Value::String(std::string(kTaxiiMediaType)));
  v.Set("versions", std::move(versions));
  v.Set("max_content_length", json::Value::Int(static_cast<int64_t>(options_.max_content_length)));
  return JsonResponse(200, json::ToJson(v));
}

namespace {
json::Value CollectionJson(const store::Collection& c, store::Rights rights) {
  json::Value v = json::Value::Object();
  v.Set("id", json::Value::String(c.id));
  v.Set("title", json::Value::String(c.title));
  if (!c.description.empty()) v.Set("description", json::Value::String(c.description));
  v.Set("can_read", json::Value::Bool(rights.can_read));  // the caller's rights
  v.Set("can_write", json::Value::Bool(rights.can_write));
  json::Value media = json::Value::Array();
  media.Append(json::Value::String(std::string(kStixMediaType)));
  v.Set("media_types", std::move(media));
  return v;
}
}  // namespace

Response Server::Collections(const Request& request) {
  auto collections = store_.Collections();
  if (!collections.ok()) return StoreErrorResponse(collections.status());
  auto rights = store_.ListRights(request.member);
  if (!rights.ok()) return StoreErrorResponse(rights.status());
  std::map<std::string, store::Rights> by_collection;
  if (!request.member.empty()) {  // "" would list every member's rights
    for (const store::MemberRights& r : *rights) by_collection[r.collection] = r.rights;
  }
  json::Value list = json::Value::Array();
  for (const store::Collection& c : *collections) {
    auto it = by_collection.find(c.id);
    if (it == by_collection.end() || Decide(it->second, Access::kRead) == Decision::kHide) {
      continue;  // the member may not see it (write-only collections are listed, TAXII §5.2)
    }
    list.Append(CollectionJson(c, it->second));
  }
  if (list.items().empty()) return JsonResponse(200, "{}");
  json::Value v = json::Value::Object();
  v.Set("collections", std::move(list));
  return JsonResponse(200, json::ToJson(v));
}

std::optional<Response> Server::LookUpRights(const Request& request,
                                             const std::string& collection_id,
                                             store::Rights* rights) {
  // One 404 for "does not exist" and "exists but not for you": same status, headers and body.
  const auto not_found = [&] {
    return ErrorResponse(404, "Collection not found",
                         "no collection '" + collection_id.substr(0, 200) + "' in this API root");
  };
  // Both lookups run whatever the first one finds, so the time taken does not tell an
  // unknown collection from one the member may not see either.
  *rights = store::Rights{};
  if (!request.member.empty()) {
    auto r = store_.GetRights(request.member, collection_id);
    if (!r.ok()) return StoreErrorResponse(r.status());
    *rights = *r;
  }
  auto c = store_.GetCollection(collection_id);
  if (!c.ok() && c.status().code() != StatusCode::kNotFound) return StoreErrorResponse(c.status());
  if (!c.ok() || (!rights->can_read && !rights->can_write)) return not_found();
  return std::nullopt;
}

std::optional<Response> Server::CheckCollection(const Request& request,
                                                const std::string& collection_id, Access need) {
  store::Rights rights;
  if (auto r = LookUpRights(request, collection_id, &rights)) return r;
  // kHide cannot happen here: LookUpRights answered 404 already.
  if (Decide(rights, need) == Decision::kAllow) return std::nullopt;
  return ErrorResponse(403, "Forbidden",
                       need == Access::kWrite
                           ? "this member may read collection '" + collection_id.substr(0, 200) +
                                 "' but not add or delete objects in it"
                           : "this member may add objects to collection '" +
                                 collection_id.substr(0, 200) + "' but not read it");
}

Response Server::GetCollection(const Request& request, const std::string& collection_id) {
  store::Rights rights;  // either right shows the collection resource (TAXII §5.2)
  if (auto r = LookUpRights(request, collection_id, &rights)) return std::move(*r);
  auto c = store_.GetCollection(collection_id);
  if (!c.ok()) return StoreErrorResponse(c.status());
  return JsonResponse(200, json::ToJson(CollectionJson(*c, rights)));
}

Response Server::GetObjects(const Request& request, const std::string& collection_id) {
  return Paged(request, collection_id, "", Endpoint::kObjects, Shape::kEnvelope);
}
Response Server::GetObject(const Request& request, const std::string& collection_id,
                           const std::string& object_id) {
  return Paged(request, collection_id, object_id, Endpoint::kObject, Shape::kEnvelope);
}
Response Server::Versions(const Request& request, const std::string& collection_id,
                          const std::string& object_id) {
  return Paged(request, collection_id, object_id, Endpoint::kVersions, Shape::kVersions);
}
Response Server::Manifest(const Request& request, const std::string& collection_id) {
  return Paged(request, collection_id, "", Endpoint::kManifest, Shape::kManifest);
}

Response Server::Paged(const Request& request, const std::string& collection_id,
                       const std::string& object_id, Endpoint endpoint, Shape shape) {
  if (auto r = CheckCollection(request, collection_id, Access::kRead)) return std::move(*r);
  auto filters = ParseFilters(request.query, endpoint, options_, collection_id + "/" + object_id);
  if (!filters.ok()) return BadRequest(filters.status());
  store::Query& q = filters->query;
  q.collection = collection_id;
  if (!object_id.empty()) {
    store::Query exists;
    exists.collection = collection_id;
    exists.ids = {object_id};
    exists.versions = store::VersionSelection::All();
    exists.limit = 1;
    bool found = false;
    Status s = store_.Scan(exists, [&](const store::Row&) {
      found = true;
      return Status::Ok();
    });
    if (!s.ok()) return StoreErrorResponse(s);
    if (!found) {
      return ErrorResponse(404, "Object not found",
                           "no object '" + object_id.substr(0, 200) + "' in collection '" +
                               collection_id + "'");
    }
    q.ids = {object_id};
  }
  const uint64_t page = filters->page_size;
  q.limit = page + 1;  // one more row tells whether there is more
  // The body is built in one buffer: a slot for the head ('{"more":…,"next":…,"objects":[',
  // known only at the end), then the items; the head is written right-aligned into the slot
  // and the unused front erased — a move within the buffer instead of a second page-sized
  // allocation and copy (pages of 1,000 indicators are ~750 KB).
  constexpr size_t kHeadSlot = 160;
  std::string items(kHeadSlot, ' ');
  uint64_t count = 0;
  bool more = false;
  int64_t last_seq = 0;
  std::string first_added, last_added;
  Status s = store_.Scan(q, [&](const store::Row& row) {
    if (count == page) {
      more = true;
      return Status::Ok();
    }
    if (count > 0) {
      items += ',';
    } else if (shape == Shape::kEnvelope) {
      items.reserve(kHeadSlot + 2 + std::min<uint64_t>((row.json.size() + 64) * page, 64 << 20));
    }
    ++count;
    last_seq = row.seq;
    if (first_added.empty()) first_added = row.date_added;
    last_added = row.date_added;
    const std::string& version = row.version.empty() ? row.date_added : row.version;
    switch (shape) {
      case Shape::kEnvelope:
        items += row.json;
        break;
      case Shape::kManifest:
        items += "{\"id\":" + json::Quoted(row.id) + ",\"date_added\":" + json::Quoted(row.date_added) +
                 ",\"version\":" + json::Quoted(version) + ",\"media_type\":\"application/stix+json;"
                 "version=" + row.spec_version + "\"}";
        break;
      case Shape::kVersions:
        items += json::Quoted(version);
        break;
    }
    return Status::Ok();
  });
  if (!s.ok()) return StoreErrorResponse(s);
  if (count == 0) return JsonResponse(200, "{}");
  std::string head = std::string("{\"more\":") + (more ? "true" : "false");
  if (more) head += ",\"next\":" + json::Quoted(EncodeCursor(last_seq, filters->fingerprint));
  head += shape == Shape::kVersions ? ",\"versions\":[" : ",\"objects\":[";
  if (head.size() <= kHeadSlot) {
    const size_t start = kHeadSlot - head.size();
    items.replace(start, head.size(), head);
    items.erase(0, start);
  } else {
    items.replace(0, kHeadSlot, head);
  }
  items += "]}";
  Response r = JsonResponse(200, std::move(items));
  r.headers.emplace("X-TAXII-Date-Added-First", first_added);
  r.headers.emplace("X-TAXII-Date-Added-Last", last_added);
  return r;
}

}  // namespace tadamun::taxii
