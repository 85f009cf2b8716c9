// Placeholder until the full validator lands: checks only what the store relies on.
#include "stix/validate.h"

namespace tadamun::stix {

std::string Issue::ToString(std::string_view source_name) const {
  std::string out(source_name);
  if (line > 0) out += ":" + std::to_string(line) + ":" + std::to_string(column);
  out += severity == Severity::kError ? ": error: " : ": warning: ";
  if (!object_id.empty()) out += object_id + " ";
  if (!pointer.empty()) out += pointer + ": ";
  out += message;
  return out;
}

bool IsValidId(std::string_view text, std::string_view expected_type) {
  size_t sep = text.find("--");
  if (sep == std::string_view::npos || sep == 0) return false;
  if (!expected_type.empty() && text.substr(0, sep) != expected_type) return false;
  std::string_view uuid = text.substr(sep + 2);
  if (uuid.size() != 36) return false;
  for (size_t i = 0; i < 36; ++i) {
    char c = uuid[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

std::optional<Object> ValidateObject(json::Value value, std::string_view pointer,
                                     std::vector<Issue>* issues, const ValidationOptions&) {
  Object o;
  auto error = [&](const json::Value& at, std::string_view prop, std::string message) {
    Issue issue;
    issue.object_id = o.id;
    issue.pointer = std::string(pointer);
    if (!prop.empty()) json::AppendPointer(&issue.pointer, prop);
    issue.offset = at.offset();
    issue.message = std::move(message);
    issues->push_back(std::move(issue));
  };
  if (!value.is_object()) {
    error(value, "", "expected a STIX object (a JSON object)");
    return std::nullopt;
  }
  const json::Value* id = value.Find("id");
  const json::Value* type = value.Find("type");
  if (id && id->is_string()) o.id = id->str();
  if (!type || !type->is_string()) {
    error(type ? *type : value, "type", "required property \"type\" missing or not a string");
    return std::nullopt;
  }
  o.type = type->str();
  if (!id || !id->is_string() || !IsValidId(id->str(), o.type)) {
    error(id ? *id : value, "id", "expected \"" + o.type + "--<uuid>\"");
    return std::nullopt;
  }
  for (const char* prop : {"created", "modified"}) {
    if (const json::Value* t = value.Find(prop)) {
      auto ts = t->is_string() ? Timestamp::Parse(t->str())
                               : StatusOr<Timestamp>(Status::InvalidArgument("not a string"));
      if (!ts.ok()) {
        error(*t, prop, ts.status().message());
        return std::nullopt;
      }
      (std::string_view(prop) == "created" ? o.created : o.modified) = *ts;
    }
  }
  if (const json::Value* sv = value.Find("spec_version"); sv && sv->is_string()) {
    o.spec_version = sv->str();
  }
  o.json = std::move(value);
  return o;
}

}  // namespace tadamun::stix
