#include "stix/bundle.h"

#include <optional>
#include <unordered_map>

#include "crypto/digest.h"

namespace tadamun::stix {
namespace {

class Reader {
 public:
  // `text` is read through the pointer: ParseStreaming may reallocate the string for padding.
  Reader(const std::string* text, const ReadOptions& options, const ObjectFn& on_object,
         std::vector<Issue>* issues, ReadSummary* summary)
      : text_(text), options_(options), on_object_(on_object), issues_(issues), summary_(summary) {}

  Status OnElement(json::Value&& value, std::string pointer, std::string_view source) {
    ++summary_->objects;
    std::vector<Issue> found;
    std::optional<Object> object =
        ValidateObject(std::move(value), pointer, &found, options_.validation);
    if (object) object->source_json = json::Minify(source);
    if (object && options_.check_duplicates) CheckDuplicate(*object, pointer, &found);
    for (Issue& issue : found) Add(std::move(issue));
    bool has_error = false;
    for (const Issue& issue : found) has_error |= issue.severity == Severity::kError;
    if (!object || has_error) return Status::Ok();
    ++summary_->valid;
    return on_object_(std::move(*object));
  }

  void Add(Issue issue) {
    if (issue.severity == Severity::kError) {
      ++summary_->errors;
    } else {
      ++summary_->warnings;
    }
    if (kept_ >= options_.max_issues) return;
    ++kept_;
    // Issue offsets mostly grow through the text: the tracker counts on from the previous one
    // (counting from the start for every issue would be quadratic in the document size).
    // Made on first use: ParseStreaming may have moved the text to pad it before that.
    if (!positions_) positions_.emplace(std::string_view(*text_));
    json::TextPosition pos = positions_->At(issue.offset);
    issue.line = pos.line;
    issue.column = pos.column;
    issues_->push_back(std::move(issue));
  }

  void CheckDuplicate(const Object& object, const std::string& pointer, std::vector<Issue>* out) {
    std::optional<Timestamp> version = object.Version();
    std::string key = object.id + '|' + (version ? version->SortKey() : std::string());
    std::string digest = crypto::Sha256(object.source_json.empty() ? json::ToJson(object.json)
                                                                   : object.source_json);
    auto [it, inserted] = seen_.emplace(std::move(key), std::make_pair(digest, pointer));
    if (inserted || it->second.first == digest) return;
    Issue issue;
    issue.object_id = object.id;
    issue.pointer = pointer;
    issue.offset = object.json.offset();
    issue.message = "the same id and version appear twice with different content (first at " +
                    it->second.second + "); expected one content per version";
    out->push_back(std::move(issue));
  }

 private:
  const std::string* text_;
  const ReadOptions& options_;
  const ObjectFn& on_object_;
  std::vector<Issue>* issues_;
  ReadSummary* summary_;
  uint64_t kept_ = 0;
  std::optional<json::PositionTracker> positions_;
  std::unordered_map<std::string, std::pair<std::string, std::string>> seen_;
};

Issue DocumentIssue(const json::Value& at, std::string pointer, std::string message) {
  Issue issue;
  issue.pointer = std::move(pointer);
  issue.offset = at.offset();
  issue.message = std::move(message);
  return issue;
}

}  // namespace

Status ReadObjects(std::string* text, const ReadOptions& options, const ObjectFn& on_object,
                   std::vector<Issue>* issues, ReadSummary* summary) {
  Reader reader(text, options, on_object, issues, summary);
  bool streamed = false;
  // Elements of a root array are at "/N"; those of a bundle's "objects" at "/objects/N".
  size_t first = text->find_first_not_of(" \t\r\n");
  std::string root_key = first != std::string::npos && (*text)[first] == '{' ? "objects" : "";
  auto root = json::ParseStreaming(
      text, "objects",
      [&](json::Value&& value, uint64_t index, std::string_view source) {
        streamed = true;
        std::string pointer;
        if (!root_key.empty()) json::AppendPointer(&pointer, root_key);
        json::AppendPointer(&pointer, index);
        return reader.OnElement(std::move(value), std::move(pointer), source);
      },
      options.json);
  if (!root.ok()) return root.status();
  const json::Value& doc = *root;
  if (doc.is_array()) return Status::Ok();
  if (!doc.is_object()) {
    reader.Add(DocumentIssue(doc, "", "expected a STIX bundle, an array of objects or an object"));
    return Status::Ok();
  }
  const json::Value* type = doc.Find("type");
  if (type != nullptr && type->is_string() && type->str() == "bundle") {
    if (!streamed) {
      const json::Value* objects = doc.Find("objects");
      if (objects != nullptr && !objects->is_array()) {
        reader.Add(DocumentIssue(*objects, "/objects", "bundle \"objects\" must be an array"));
      }
    }
    const json::Value* id = doc.Find("id");
    if (id == nullptr || !id->is_string() || !IsValidId(id->str(), "bundle")) {
      reader.Add(DocumentIssue(id ? *id : doc, "/id",
                               "bundle id must be \"bundle--\" followed by a UUID"));
    }
    for (const json::Member& m : doc.members()) {
      if (m.key == "spec_version") {
        Issue issue = DocumentIssue(m.value, "/spec_version",
                                    "bundles have no spec_version in STIX 2.1 (a STIX 2.0 "
                                    "bundle?); the property is ignored");
        issue.severity = Severity::kWarning;
        reader.Add(std::move(issue));
      }
    }
    return Status::Ok();
  }
  // A single object that is not a bundle.
  json::Value single = *root;
  return reader.OnElement(std::move(single), "", *text);
}

void AppendBundleStart(const std::string& bundle_id, std::string* out) {
  out->append("{\"type\":\"bundle\",\"id\":");
  json::AppendQuoted(bundle_id, out);
  out->append(",\"objects\":[");
}

void AppendBundleEnd(std::string* out) { out->append("]}"); }

}  // namespace tadamun::stix
