// The resources that change a node's store or report on a change: POST objects, DELETE object
// and the status resource (declared in resources.h).
//
// POST objects (TAXII 2.1 §5.5):
//   - Content-Type must be application/taxii+json with version=2.1 (or no version: the latest
//     TAXII 2.x we serve, 2.1) and at most charset=utf-8 besides; media type and parameter
//     names compare case-insensitively, values may be quoted. application/stix+json is refused
//     with 415 like any other type: the Add Objects request is a TAXII envelope (§5.5), not a
//     STIX bundle.
//   - A body over max_content_length is refused with 413 before it is parsed.
//   - The body is a TAXII envelope: a JSON object whose "objects" member (when present) is an
//     array of STIX objects. Its other members ("more", "next", or a bundle's "type"/"id") are
//     ignored. Malformed JSON → 400 with line and column; well-formed JSON that is not an
//     envelope (a root that is not an object, "objects" that is not an array) → 422
//     Unprocessable Entity. Nothing is stored then.
//   - The whole body has arrived before the handler runs (a client that dies mid-POST never
//     reaches it). Objects are validated as the envelope is parsed and the valid ones go into
//     ONE store transaction, committed only when the whole envelope parsed and every store
//     write succeeded: all the valid objects are stored, or none (a malformed tail, a store
//     error → rolled back).
//   - Per object: a validation error, or a clash with a stored version (same id and version,
//     different content; also inside one envelope), is a failure of that object with a
//     message saying what and where (JSON pointer, line, column); the other objects still
//     succeed. A version already stored with the same content is a success (idempotent
//     re-POST; it joins the collection if it was not in it).
//   - Answer: 202 with a status resource ("complete": every object is decided before the
//     answer). The status is stored in the same transaction as the objects, so GET status
//     works after a restart, on any server thread, without server memory.
//   - The status lists every object: `successes` and `failures` always hold exactly
//     success_count and failure_count entries (taxii2client rejects a status whose lists and
//     counts disagree). Its size is bounded through the envelope: at most kMaxObjectsPerPost
//     objects (more → 413, nothing stored), a failure's id and version cut at kMaxIdBytes and
//     kMaxVersionBytes (they may be anything the client sent), and messages only on the first
//     kMaxFailureMessages failures, each cut at kMaxMessageBytes.
//
// DELETE object (§5.7): match[version] (default: the latest version, TAXII's filter default,
// as the OASIS reference server medallion applies it; `all` for every version) and
// match[spec_version] select
// versions of the object in the collection; their membership in the collection is removed (the
// versions stay in the store, where provenance and the audit log refer to them; DESIGN.md:
// nothing is deleted except by an explicit, audited command) and the removal is recorded for
// the node's audit log (a `delete` entry). 404 when no such version is in the collection.
// Answer: 200 with an empty body.
//
// GET status (§4.3): 200 with the stored resource; 404 when unknown or when the caller is not
// the member that made the request (another member's status is not revealed).
#include <algorithm>
#include <optional>
#include <vector>

#include "base/encoding.h"
#include "base/timestamp.h"
#include "base/uuid.h"
#include "crypto/digest.h"
#include "json/json.h"
#include "stix/validate.h"
#include "taxii/resources.h"

namespace tadamun::taxii {
namespace {

constexpr uint64_t kMaxObjectsPerPost = 100000;  // objects in one envelope
constexpr size_t kMaxFailureMessages = 1000;     // failures that carry a message
constexpr size_t kMaxMessageBytes = 512;         // one failure message
constexpr size_t kMaxIdBytes = 300;              // a failure's id (STIX: type ≤ 250 + uuid)
constexpr size_t kMaxVersionBytes = 64;          // a failure's version
constexpr size_t kMaxIssuesPerFailure = 3;       // validation errors named in one message

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Cuts `s` to at most `max` bytes without splitting a UTF-8 sequence.
std::string Truncate(std::string s, size_t max) {
  if (s.size() <= max) return s;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  s.resize(end);
  return s + "...";
}


// Why a Content-Type is not a TAXII 2.1 envelope; nullopt when it is.
std::optional<std::string> ContentTypeProblem(const std::optional<std::string>& header) {
  const std::string expected = " (expected " + std::string(kTaxiiMediaType) + ")";
  if (!header || Trim(*header).empty()) return "the request has no Content-Type" + expected;
  std::string_view value = *header;
  size_t semi = value.find(';');
  std::string type = Lower(Trim(value.substr(0, semi)));
  const std::string shown = "Content-Type '" + Truncate(std::string(value), 200) + "'";
  if (type == "application/stix+json") {
    return shown +
           ": POST objects takes a TAXII envelope {\"objects\": [...]}, not a STIX "
           "document" +
           expected;
  }
  if (type != "application/taxii+json") return shown + " is not supported" + expected;
  std::string_view params = semi == std::string_view::npos ? "" : value.substr(semi + 1);
  while (!Trim(params).empty()) {
    size_t next = params.find(';');
    std::string_view p = Trim(params.substr(0, next));
    size_t eq = p.find('=');
    std::string name = Lower(Trim(p.substr(0, eq)));
    std::string_view v = eq == std::string_view::npos ? "" : Trim(p.substr(eq + 1));
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    if (name == "version") {
      if (v != "2.1") return shown + ": this server speaks TAXII version 2.1" + expected;
    } else if (name == "charset") {
      if (Lower(v) != "utf-8") return shown + ": TAXII content is UTF-8" + expected;
    } else {
      return shown + ": unknown parameter '" + Truncate(name, 40) + "'" + expected;
    }
    if (next == std::string_view::npos) break;
    params.remove_prefix(next + 1);
  }
  return std::nullopt;
}

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    char c = s[i];
    if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// One entry of a status resource's successes/failures list (TAXII 2.1 §4.3.1 status-details).
struct Detail {
  std::string id;
  std::string version;
  std::string message;
};

// Collects the outcome of every object and writes the status resource.
class StatusBuilder {
 public:
  void Success(std::string id, std::string version, std::string message) {
    ++success_count_;
    successes_.push_back({std::move(id), std::move(version), std::move(message)});
  }
  // Whether the next failure still gets a message (building one is wasted work otherwise).
  bool KeepsFailureMessage() const { return failure_count_ < kMaxFailureMessages; }
  void Failure(std::string id, std::string version, std::string message) {
    ++failure_count_;
    failures_.push_back(
        {Truncate(std::move(id), kMaxIdBytes), Truncate(std::move(version), kMaxVersionBytes),
         failures_.size() < kMaxFailureMessages ? Truncate(std::move(message), kMaxMessageBytes)
                                                : std::string()});
  }
  std::string Json(const std::string& id, const std::string& request_timestamp) const {
    std::string out = "{\"id\":" + json::Quoted(id) +
                      ",\"status\":\"complete\",\"request_timestamp\":" + json::Quoted(request_timestamp) +
                      ",\"total_count\":" + std::to_string(success_count_ + failure_count_) +
                      ",\"success_count\":" + std::to_string(success_count_) + ",\"successes\":";
    AppendList(successes_, &out);
    out += ",\"failure_count\":" + std::to_string(failure_count_) + ",\"failures\":";
    AppendList(failures_, &out);
    out += ",\"pending_count\":0,\"pending\":[]}";
    return out;
  }

 private:
  static void AppendList(const std::vector<Detail>& list, std::string* out) {
    out->push_back('[');
    for (size_t i = 0; i < list.size(); ++i) {
      if (i > 0) out->push_back(',');
      *out += "{\"id\":";
      json::AppendQuoted(list[i].id, out);
      *out += ",\"version\":";
      json::AppendQuoted(list[i].version, out);
      if (!list[i].message.empty()) {
        *out += ",\"message\":";
        json::AppendQuoted(list[i].message, out);
      }
      out->push_back('}');
    }
    out->push_back(']');
  }

  uint64_t success_count_ = 0;
  uint64_t failure_count_ = 0;
  std::vector<Detail> successes_;
  std::vector<Detail> failures_;
};

std::string StringMember(const json::Value& v, std::string_view key) {
  const json::Value* m = v.Find(key);
  return m != nullptr && m->is_string() ? m->str() : std::string();
}

}  // namespace

Response Server::PostObjects(const Request& request, const std::string& collection_id) {
  if (auto r = CheckCollection(request, collection_id, Access::kWrite)) return std::move(*r);
  if (auto problem = ContentTypeProblem(request.Header("content-type"))) {
    return ErrorResponse(415, "Unsupported media type", *problem);
  }
  if (request.body.size() > options_.max_content_length) {
    return ErrorResponse(413, "Request too large",
                         "the body is " + std::to_string(request.body.size()) +
                             " bytes; this API root accepts at most " +
                             std::to_string(options_.max_content_length) + " (max_content_length)");
  }
  const std::string request_timestamp = Clock::System()->Now().WithDigits(6).ToString();
  const std::string status_id = RandomUuid();

  std::string text;
  text.reserve(request.body.size() + 64);  // room for the parser's padding: no second copy
  text = request.body;
  const std::string digest = HexEncode(crypto::Sha256(text));
  auto import = store_.BeginImport({"taxii", request.member, digest}, collection_id);
  if (!import.ok()) return StoreErrorResponse(import.status());

  StatusBuilder status;
  Status store_failure;   // the first store error that is not a clash: aborts everything
  bool too_many = false;  // more than kMaxObjectsPerPost objects: aborts everything
  std::optional<json::PositionTracker> positions;  // made once ParseStreaming padded `text`
  auto where = [&](const std::string& pointer, uint64_t offset) {
    if (!positions) positions.emplace(std::string_view(text));
    json::TextPosition pos = positions->At(offset);
    return pointer + " (line " + std::to_string(pos.line) + ", column " +
           std::to_string(pos.column) + ")";
  };
  json::ParseOptions parse;
  parse.max_bytes = options_.max_content_length;
  auto root = json::ParseStreaming(
      &text, "objects",
      [&](json::Value&& value, uint64_t index, std::string_view source) -> Status {
        if (index >= kMaxObjectsPerPost) {
          too_many = true;
          return Status::ResourceExhausted("too many objects");  // stops parsing
        }
        std::string pointer = "/objects";
        json::AppendPointer(&pointer, index);
        const uint64_t offset = value.offset();
        // What identifies the object in the status, read before validation takes the value.
        std::string id = StringMember(value, "id");
        std::string version = StringMember(value, "modified");
        if (version.empty()) version = StringMember(value, "created");
        std::vector<stix::Issue> issues;
        std::optional<stix::Object> object =
            stix::ValidateObject(std::move(value), pointer, &issues, options_.validation);
        if (!object) {
          std::string message;
          if (status.KeepsFailureMessage()) {
            // The first errors, in text order: positions are then counted forward only (the
            // tracker restarts from the top for an earlier offset, which could make many
            // failing objects cost time quadratic in the body).
            std::vector<const stix::Issue*> shown;
            size_t errors = 0;
            for (const stix::Issue& issue : issues) {
              if (issue.severity != stix::Severity::kError) continue;
              if (++errors <= kMaxIssuesPerFailure) shown.push_back(&issue);
            }
            std::stable_sort(
                shown.begin(), shown.end(),
                [](const stix::Issue* a, const stix::Issue* b) { return a->offset < b->offset; });
            for (const stix::Issue* issue : shown) {
              if (!message.empty()) message += "; ";
              // An issue lies inside its object; never count from before it.
              message +=
                  where(issue->pointer, std::max(issue->offset, offset)) + ": " + issue->message;
            }
            if (errors > kMaxIssuesPerFailure) {
              message += "; and " + std::to_string(errors - kMaxIssuesPerFailure) + " more errors";
            }
          }
          status.Failure(std::move(id), std::move(version), std::move(message));
          return Status::Ok();
        }
        object->source_json = json::Minify(source);
        auto added = (*import)->Add(*object);
        if (!added.ok()) {
          if (added.status().code() != StatusCode::kInvalidArgument) {
            store_failure = added.status();
            return store_failure;  // stops parsing
          }
          status.Failure(std::move(id), std::move(version),
                         status.KeepsFailureMessage()
                             ? where(pointer, offset) + ": " + added.status().message()
                             : std::string());
          return Status::Ok();
        }
        std::optional<Timestamp> v = object->Version();
        status.Success(
            object->id, v ? v->ToString() : (*import)->date_added(),
            *added == store::AddOutcome::kUnchanged ? "already stored with the same content" : "");
        return Status::Ok();
      },
      parse);
  if (!root.ok()) {
    (*import)->Rollback();
    if (!store_failure.ok()) return StoreErrorResponse(store_failure);
    if (too_many) {
      return ErrorResponse(413, "Too many objects",
                           "the envelope holds more than " + std::to_string(kMaxObjectsPerPost) +
                               " objects; send them in several POSTs");
    }
    return ErrorResponse(400, "Malformed envelope",
                         "the body is not valid JSON: " + root.status().message());
  }
  if (!root->is_object()) {
    (*import)->Rollback();
    return ErrorResponse(422, "Not an envelope",
                         "the body must be a TAXII envelope, a JSON object {\"objects\": [...]}");
  }
  if (const json::Value* objects = root->Find("objects");
      objects != nullptr && !objects->is_array()) {
    (*import)->Rollback();
    return ErrorResponse(422, "Not an envelope",
                         "\"objects\" at " + json::DescribePosition(text, objects->offset()) +
                             " must be an array of STIX objects");
  }

  store::TaxiiStatus record;
  record.id = status_id;
  record.member = request.member;
  record.json = status.Json(status_id, request_timestamp);
  const bool changed = (*import)->added() > 0 || (*import)->unchanged() > 0;
  if (!changed) (*import)->Rollback();  // nothing to store: keep only the status
  // With the import open, the status joins its transaction: both commit or neither.
  if (Status s = store_.PutTaxiiStatus(record); !s.ok()) return StoreErrorResponse(s);
  if (changed) {
    if (Status s = (*import)->Commit(); !s.ok()) return StoreErrorResponse(s);
    if (options_.after_write) options_.after_write();
  }
  return JsonResponse(202, std::move(record.json));
}

Response Server::DeleteObject(const Request& request, const std::string& collection_id,
                              const std::string& object_id) {
  if (auto r = CheckCollection(request, collection_id, Access::kWrite)) return std::move(*r);
  store::VersionSelection versions;  // the latest, unless match[version] says otherwise
  bool saw_version = false;
  std::vector<std::string> spec_versions;
  size_t values = 0;
  for (const auto& [name, value] : request.query) {
    const bool is_version = name == "match[version]";
    if (!is_version && name != "match[spec_version]") {
      return ErrorResponse(400, "Bad request parameter",
                           "'" + name.substr(0, 80) +
                               "' is not a parameter of DELETE object (expected match[version], "
                               "match[spec_version])");
    }
    size_t pos = 0;
    while (true) {
      size_t comma = value.find(',', pos);
      std::string item = value.substr(pos, comma == std::string::npos ? comma : comma - pos);
      if (++values > 256) {
        return ErrorResponse(400, "Bad request parameter",
                             "more than 256 values in match[...] filters");
      }
      if (is_version) {
        if (!saw_version) versions = store::VersionSelection{false, false, false, {}};
        saw_version = true;
        if (Status s = store::AddVersionWord(item, &versions); !s.ok()) {
          return ErrorResponse(400, "Bad request parameter", "match[version]: " + s.message());
        }
      } else {
        size_t dot = item.find('.');
        bool ok = !item.empty() && item.size() <= 16 && dot != 0 && dot != std::string::npos &&
                  dot + 1 < item.size() &&
                  item.find_first_not_of("0123456789.") == std::string::npos &&
                  item.find('.', dot + 1) == std::string::npos;
        if (!ok) {
          return ErrorResponse(
              400, "Bad request parameter",
              "match[spec_version]: '" + item.substr(0, 80) + "' is not a spec version (e.g. 2.1)");
        }
        spec_versions.push_back(item);
      }
      if (comma == std::string::npos) break;
      pos = comma + 1;
    }
  }
  const std::string actor = request.member.empty() ? "taxii" : "taxii:" + request.member;
  auto removed =
      store_.RemoveFromCollection(collection_id, object_id, versions, spec_versions, actor);
  if (!removed.ok()) return StoreErrorResponse(removed.status());
  if (removed->empty()) {
    return ErrorResponse(404, "Object not found",
                         "no version of object '" + object_id.substr(0, 200) + "' in collection '" +
                             collection_id + "'" +
                             (request.query.empty() ? "" : " matches the filters"));
  }
  if (options_.after_write) options_.after_write();
  Response r;
  r.status = 200;
  r.headers.emplace("Content-Type", std::string(kTaxiiMediaType));
  return r;
}

Response Server::GetStatus(const Request& request, const std::string& status_id) {
  const Response not_found = ErrorResponse(
      404, "Status not found", "no status '" + status_id.substr(0, 200) + "' on this API root");
  if (!IsUuid(status_id)) return not_found;
  auto status = store_.GetTaxiiStatus(status_id);
  if (!status.ok()) {
    return status.status().code() == StatusCode::kNotFound ? not_found
                                                           : StoreErrorResponse(status.status());
  }
  if (status->member != request.member) return not_found;  // not revealed to others
  return JsonResponse(200, std::move(status->json));
}

}  // namespace tadamun::taxii
