// The STIX 2.1 object validator: one pass over the object's members against the static type
// table (schema.cc), then the required properties, the type's cross-property rules
// (type_rules.cc), extensions, and the SCO deterministic-id check (sco_id.cc).
#include "stix/validate.h"

#include "stix/checker.h"
#include "stix/schema.h"
#include "stix/sco_id.h"

namespace tadamun::stix {
namespace {

using internal::Checker;
using internal::Describe;
using internal::Path;
using internal::PropSpec;
using internal::PropType;

// STIX 2.1 §3.1 / §11.2: a–z, 0–9 and hyphen, 3–250 characters; "--" would make ids ambiguous.
bool IsValidTypeName(std::string_view type) {
  if (type.size() < 3 || type.size() > 250) return false;
  for (size_t i = 0; i < type.size(); ++i) {
    char c = type[i];
    if (c == '-') {
      if (i > 0 && type[i - 1] == '-') return false;
    } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
      return false;
    }
  }
  return true;
}

int FindProp(std::span<const PropSpec> props, std::string_view name) {
  for (size_t i = 0; i < props.size(); ++i) {
    if (props[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

void ReportMissing(Checker& c, const json::Value& object, const Path& root,
                   std::span<const PropSpec> props, uint64_t seen) {
  for (size_t i = 0; i < props.size(); ++i) {
    if (!props[i].required || (seen >> i) & 1) continue;
    c.Error(object, root.Child(props[i].name),
            "required property \"" + std::string(props[i].name) + "\" is missing");
  }
}

void CheckExtensions(Checker& c, std::string_view type, const json::Value& extensions,
                     const Path& path) {
  if (!extensions.is_object()) return;  // reported by the property check
  for (const json::Member& m : extensions.members()) {
    Path p = path.Child(m.key);
    if (m.key.rfind("extension-definition--", 0) == 0) {
      if (!IsValidId(m.key, "extension-definition")) {
        c.Error(m.value, p, "extension key must be \"extension-definition--<uuid>\"");
      }
      if (!m.value.is_object() || m.value.members().empty()) {
        c.Error(m.value, p, "expected a non-empty extension object, got " + Describe(m.value));
        continue;
      }
      if (const json::Value* et = m.value.Find("extension_type")) {
        if (!et->is_string() ||
            !internal::InList("new-sdo new-sco new-sro property-extension "
                              "toplevel-property-extension",
                              et->str())) {
          c.Error(*et, p.Child("extension_type"),
                  "expected one of new-sdo, new-sco, new-sro, property-extension, "
                  "toplevel-property-extension; got " + Describe(*et));
        }
      }
      continue;
    }
    bool known = false;
    std::span<const PropSpec> props = internal::PredefinedExtension(type, m.key, &known);
    if (!m.value.is_object() || m.value.members().empty()) {
      c.Error(m.value, p, "expected a non-empty extension object, got " + Describe(m.value));
      continue;
    }
    if (!known) {
      if (c.options().warn_custom) {
        c.Warning(m.value, p,
                  "custom extension \"" + m.key + "\" is neither an extension-definition id nor "
                  "a predefined extension of " + std::string(type) + "; kept as is");
      }
      continue;
    }
    uint64_t seen = 0;
    for (const json::Member& e : m.value.members()) {
      int i = FindProp(props, e.key);
      if (i >= 0) {
        seen |= uint64_t{1} << i;
        c.CheckValue(props[i], e.value, p.Child(e.key));
      } else if (c.options().warn_custom) {
        c.Warning(e.value, p.Child(e.key),
                  "property \"" + e.key + "\" is not defined for " + m.key + "; kept as is");
      }
    }
    ReportMissing(c, m.value, p, props, seen);
  }
}

// Member comparisons allowed for resolving one object's selectors: selectors × members is
// quadratic in the input, so hostile objects are cut off (legitimate ones use a tiny part).
constexpr uint64_t kSelectorWorkLimit = 4'000'000;

// Follows a granular-marking selector (STIX 2.1 §7.2.3.1: property names and "[index]" list
// positions joined by dots) through `object`; nullptr when it leads nowhere. Adds the member
// comparisons made to *work.
const json::Value* ResolveSelector(const json::Value& object, std::string_view selector,
                                   uint64_t* work) {
  const json::Value* at = &object;
  if (selector.empty()) return nullptr;
  for (int steps = 0; steps < 64; ++steps) {
    size_t dot = selector.find('.');
    std::string_view token = selector.substr(0, dot);
    if (token.size() >= 3 && token.front() == '[' && token.back() == ']') {
      if (!at->is_array()) return nullptr;
      uint64_t index = 0;
      for (char c : token.substr(1, token.size() - 2)) {
        if (c < '0' || c > '9' || index > 1000000000) return nullptr;
        index = index * 10 + static_cast<uint64_t>(c - '0');
      }
      if (index >= at->items().size()) return nullptr;
      at = &at->items()[index];
    } else {
      if (at->is_object()) *work += at->members().size();
      at = at->is_object() && !token.empty() ? at->Find(token) : nullptr;
      if (at == nullptr) return nullptr;
    }
    if (dot == std::string_view::npos) return at;
    selector.remove_prefix(dot + 1);
  }
  return nullptr;
}

// Granular-marking selectors MUST refer to properties or list items present in the object.
void CheckSelectors(Checker& c, const json::Value& object, const Path& root) {
  const json::Value* markings = object.Find("granular_markings");
  if (markings == nullptr || !markings->is_array()) return;
  Path gm = root.Child("granular_markings");
  uint64_t work = 0;
  for (size_t i = 0; i < markings->items().size(); ++i) {
    const json::Value& m = markings->items()[i];
    const json::Value* selectors = m.is_object() ? m.Find("selectors") : nullptr;
    if (selectors == nullptr || !selectors->is_array()) continue;
    Path item = gm.Item(i);  // Paths link to their parents: keep each step alive
    Path sp = item.Child("selectors");
    for (size_t j = 0; j < selectors->items().size(); ++j) {
      const json::Value& s = selectors->items()[j];
      if (work > kSelectorWorkLimit) {
        c.Error(s, sp.Item(j),
                "too many granular-marking selectors to check against this object (work limit " +
                    std::to_string(kSelectorWorkLimit) + " member comparisons); expected fewer "
                    "selectors or a smaller object");
        return;
      }
      if (!s.is_string() || ResolveSelector(object, s.str(), &work) != nullptr) continue;
      c.Error(s, sp.Item(j),
              "selector " + Describe(s) +
                  " does not refer to a property or list item of this object (expected a path "
                  "such as \"description\" or \"external_references.[0].url\")");
    }
  }
}

// The 20th hex digit of an RFC 4122 UUID holds the variant bits 10xx.
bool HasRfc4122Variant(std::string_view id) {
  size_t sep = id.find("--");
  if (sep == std::string_view::npos || id.size() < sep + 2 + 20) return false;
  char v = id[sep + 2 + 19];
  return v == '8' || v == '9' || v == 'a' || v == 'b' || v == 'A' || v == 'B';
}

}  // namespace

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
                                     std::vector<Issue>* issues,
                                     const ValidationOptions& options) {
  Object o;
  Checker c(pointer, &o.id, issues, options);
  const Path root;
  if (!value.is_object()) {
    c.Error(value, root, "expected a STIX object (a JSON object), got " + Describe(value));
    return std::nullopt;
  }

  // type and id first: every later issue names the object.
  const json::Value* type = value.Find("type");
  const json::Value* id = value.Find("id");
  bool valid_id = id != nullptr && id->is_string() && IsValidId(id->str());
  bool upper_id = id != nullptr && id->is_string() && !valid_id &&
                  internal::IsIdWithUppercaseUuid(id->str());
  if (valid_id || upper_id) o.id = id->str();
  if (type == nullptr) {
    c.Error(value, root.Child("type"), "required property \"type\" is missing");
  } else if (!type->is_string() || !IsValidTypeName(type->str())) {
    c.Error(*type, root.Child("type"),
            "expected an object type name: 3–250 characters of a–z, 0–9 and single hyphens; "
            "got " + Describe(*type));
  } else if (type->str() == "bundle") {
    c.Error(*type, root.Child("type"),
            "a bundle is not a STIX object and cannot be one of a bundle's objects; expected an "
            "object type");
  } else {
    o.type = type->str();
  }
  if (id == nullptr) {
    c.Error(value, root.Child("id"), "required property \"id\" is missing");
  } else if (!valid_id && !upper_id) {
    c.Error(*id, root.Child("id"),
            "expected \"" + (o.type.empty() ? std::string("<type>") : o.type) +
                "--<uuid>\" with a lowercase RFC 4122 UUID, got " + Describe(*id));
  } else if (!o.type.empty() && id->str().compare(0, o.type.size() + 2, o.type + "--") != 0) {
    c.Error(*id, root.Child("id"),
            "id must start with the object's type \"" + o.type + "--\", got " + Describe(*id));
  } else if (!HasRfc4122Variant(id->str())) {
    c.Error(*id, root.Child("id"),
            "expected an RFC 4122 UUID (variant bits 10: the 20th hex digit is 8, 9, a or b), "
            "got " + Describe(*id));
  } else if (upper_id) {
    c.Warning(*id, root.Child("id"),
              "the UUID has uppercase hex digits; the canonical form is lowercase (kept as is)");
  }
  if (o.type.empty()) return std::nullopt;

  const internal::TypeSpec* spec = internal::FindType(o.type);
  o.kind = spec != nullptr ? spec->kind : Kind::kCustom;
  std::span<const PropSpec> own = spec != nullptr ? spec->props : std::span<const PropSpec>();
  std::span<const PropSpec> common = internal::CommonProps(o.kind);

  // Extensions that declare a new object type or top-level properties make those legitimate.
  bool toplevel_extension = false;
  bool declares_type = false;
  const json::Value* extensions = value.Find("extensions");
  if (extensions != nullptr && extensions->is_object()) {
    for (const json::Member& m : extensions->members()) {
      const json::Value* et = m.value.is_object() ? m.value.Find("extension_type") : nullptr;
      if (et == nullptr || !et->is_string()) continue;
      toplevel_extension |= et->str() == "toplevel-property-extension";
      declares_type |= et->str().rfind("new-", 0) == 0;
    }
  }
  if (spec == nullptr && options.warn_custom && !declares_type) {
    c.Warning(*type, root.Child("type"),
              "custom object type \"" + o.type +
                  "\" is not defined by STIX 2.1; kept as is (only its common properties are "
                  "checked)");
  }

  uint64_t own_seen = 0;
  uint64_t common_seen = 0;
  for (const json::Member& m : value.members()) {
    Path p = root.Child(m.key);
    if (int i = FindProp(own, m.key); i >= 0) {
      own_seen |= uint64_t{1} << i;
      c.CheckValue(own[i], m.value, p);
      continue;
    }
    if (int i = FindProp(common, m.key); i >= 0) {
      common_seen |= uint64_t{1} << i;
      const PropSpec& prop = common[i];
      if (prop.name == "created" || prop.name == "modified") {
        std::optional<Timestamp> t = c.CheckTimestamp(m.value, p);
        (prop.name == "created" ? o.created : o.modified) = t;
      } else if (prop.name == "spec_version") {
        if (c.CheckString(m.value, p)) {
          o.spec_version = m.value.str();
          if (o.spec_version != "2.1") {
            c.Error(m.value, p, "expected \"2.1\" (STIX 2.1 content), got " + Describe(m.value));
          }
        }
      } else if (prop.name == "revoked") {
        if (c.CheckValue(prop, m.value, p)) o.revoked = m.value.bool_value();
      } else {
        c.CheckValue(prop, m.value, p);
      }
      continue;
    }
    // Not defined for this type: a custom property, kept as is.
    if (!internal::IsCustomPropertyName(m.key)) {
      c.Error(m.value, p,
              "property name \"" + m.key.substr(0, 80) +
                  "\" is not defined by STIX 2.1 and is not a valid custom property name "
                  "(3–250 characters of a–z, 0–9 and _)");
    } else if (o.kind == Kind::kMarkingDefinition && m.key == "modified") {
      if (options.warn_custom) {
        c.Warning(m.value, p,
                  "marking definitions have no \"modified\" (they are never versioned); kept "
                  "as is");
      }
    } else if (spec != nullptr && options.warn_custom && !toplevel_extension) {
      c.Warning(m.value, p,
                m.key.rfind("x_", 0) == 0
                    ? "custom property \"" + m.key + "\"; kept as is"
                    : "property \"" + m.key + "\" is not defined for " + o.type +
                          " (custom properties should start with x_); kept as is");
    }
  }
  ReportMissing(c, value, root, own, own_seen);
  ReportMissing(c, value, root, common, common_seen);

  if (o.created && o.modified && *o.modified < *o.created) {
    const json::Value& at = *value.Find("modified");
    c.Error(at, root.Child("modified"),
            "modified (" + at.str() + ") must not be earlier than created (" +
                value.Find("created")->str() + ")");
  }
  if (extensions != nullptr) CheckExtensions(c, o.type, *extensions, root.Child("extensions"));
  CheckSelectors(c, value, root);
  if (spec != nullptr && spec->rule != nullptr) {
    internal::RuleContext ctx{c, value, root};
    spec->rule(ctx);
  }
  if (o.type == "indicator" && options.check_stix_pattern) {
    const json::Value* pattern = value.Find("pattern");
    const json::Value* pattern_type = value.Find("pattern_type");
    if (pattern != nullptr && pattern->is_string() && pattern_type != nullptr &&
        pattern_type->is_string() && pattern_type->str() == "stix") {
      if (Status s = options.check_stix_pattern(pattern->str()); !s.ok()) {
        c.Error(*pattern, root.Child("pattern"), "invalid STIX pattern: " + s.message());
      }
    }
  }
  if (o.kind == Kind::kCyberObservable && options.check_sco_ids && !o.id.empty() &&
      !c.has_error()) {
    std::optional<std::string> expected = ComputeScoId(value);
    if (expected && *expected != o.id) {
      c.Warning(*id, root.Child("id"),
                "not the deterministic id of this " + o.type + " (" + *expected +
                    " from its ID contributing properties, STIX 2.1 §2.9); kept as is");
    }
  }
  if (c.has_error()) return std::nullopt;
  o.json = std::move(value);
  return o;
}

}  // namespace tadamun::stix
