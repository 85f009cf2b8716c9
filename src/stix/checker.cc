#include "stix/checker.h"

#include <cmath>

namespace tadamun::stix::internal {
namespace {

constexpr size_t kMaxDescribed = 60;

bool IsHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

bool IsBase64(std::string_view s) {
  if (s.size() % 4 != 0) return false;
  size_t pad = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '=') {
      ++pad;
      if (i + 2 < s.size() || pad > 2) return false;
      continue;
    }
    if (pad > 0) return false;
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
          c == '/')) {
      return false;
    }
  }
  return true;
}

// STIX 2.1 §2.7: keys are a–z, A–Z, 0–9, '-' and '_', 1 to 250 characters.
bool IsDictionaryKey(std::string_view key) {
  if (key.empty() || key.size() > 250) return false;
  for (char c : key) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
          c == '-' || c == '_')) {
      return false;
    }
  }
  return true;
}

struct HashRule {
  std::string_view name;
  size_t hex_length;  // 0: any non-empty text
};
// hash-algorithm-ov (STIX 2.1 §10.7) with the digest lengths of the fixed-size algorithms.
constexpr HashRule kHashRules[] = {
    {"MD5", 32},      {"SHA-1", 40},    {"SHA-256", 64}, {"SHA-512", 128},
    {"SHA3-256", 64}, {"SHA3-512", 128}, {"SSDEEP", 0},  {"TLSH", 0},
};

}  // namespace

std::string Describe(const json::Value& v) {
  switch (v.type()) {
    case json::Value::Type::kNull:
      return "null";
    case json::Value::Type::kBool:
      return v.bool_value() ? "true" : "false";
    case json::Value::Type::kNumber:
      return "the number " + v.number_text().substr(0, kMaxDescribed);
    case json::Value::Type::kString: {
      std::string_view s = v.str();
      bool cut = s.size() > kMaxDescribed;
      if (cut) {
        size_t n = kMaxDescribed;
        while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xc0) == 0x80) --n;
        s = s.substr(0, n);
      }
      std::string out = "the string ";
      json::AppendQuoted(s, &out);
      if (cut) out.insert(out.size() - 1, "…");
      return out;
    }
    case json::Value::Type::kArray:
      return v.items().empty() ? "an empty array" : "an array";
    case json::Value::Type::kObject:
      return v.members().empty() ? "an empty object" : "an object";
  }
  return "a value";
}

bool IsIdWithUppercaseUuid(std::string_view text) {
  if (text.size() > 300) return false;
  std::string lower(text);
  size_t sep = lower.find("--");
  if (sep == std::string::npos) return false;
  for (size_t i = sep; i < lower.size(); ++i) {
    if (lower[i] >= 'A' && lower[i] <= 'F') lower[i] = static_cast<char>(lower[i] - 'A' + 'a');
  }
  return lower != text && IsValidId(lower);
}

bool InList(std::string_view list, std::string_view name) {
  while (!list.empty()) {
    size_t sp = list.find(' ');
    std::string_view item = list.substr(0, sp);
    if (item == name) return true;
    if (sp == std::string_view::npos) break;
    list.remove_prefix(sp + 1);
  }
  return false;
}

bool IsCustomPropertyName(std::string_view name) {
  if (name.size() < 3 || name.size() > 250) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

void Checker::Add(Severity severity, const json::Value& at, const Path& path,
                  std::string message) {
  Issue issue;
  issue.severity = severity;
  if (object_id_ != nullptr) issue.object_id = *object_id_;
  issue.pointer = std::string(base_pointer_);
  const Path* chain[64];
  size_t n = 0;
  for (const Path* p = &path; p != nullptr && n < 64; p = p->parent) chain[n++] = p;
  while (n > 0) {
    const Path* p = chain[--n];
    if (p->is_index) {
      json::AppendPointer(&issue.pointer, p->index);
    } else if (!p->key.empty() || p->parent != nullptr) {
      json::AppendPointer(&issue.pointer, p->key);
    }
  }
  issue.offset = at.offset();
  issue.message = std::move(message);
  issues_->push_back(std::move(issue));
}

void Checker::Error(const json::Value& at, const Path& path, std::string message) {
  ++errors_;
  Add(Severity::kError, at, path, std::move(message));
}

void Checker::Warning(const json::Value& at, const Path& path, std::string message) {
  Add(Severity::kWarning, at, path, std::move(message));
}

bool Checker::CheckString(const json::Value& v, const Path& path) {
  if (v.is_string()) return true;
  Error(v, path, "expected a string, got " + Describe(v));
  return false;
}

std::optional<Timestamp> Checker::CheckTimestamp(const json::Value& v, const Path& path) {
  if (!v.is_string()) {
    Error(v, path,
          "expected a timestamp string such as \"2016-04-06T20:03:48.000Z\", got " + Describe(v));
    return std::nullopt;
  }
  StatusOr<Timestamp> t = Timestamp::Parse(v.str());
  if (!t.ok()) {
    Error(v, path, "bad timestamp " + Describe(v) + ": " + t.status().message());
    return std::nullopt;
  }
  return *t;
}

bool Checker::CheckRef(const json::Value& v, std::string_view targets, const Path& path) {
  bool valid = v.is_string() && IsValidId(v.str());
  if (!valid && v.is_string() && IsIdWithUppercaseUuid(v.str())) {
    Warning(v, path, "identifier " + Describe(v) + " has uppercase hex digits; the canonical form "
                     "is lowercase");
    valid = true;
  }
  if (valid) {
    if (targets.empty()) return true;
    std::string_view s = v.str();
    std::string_view type = s.substr(0, s.find("--"));
    if (targets[0] == '!') {  // a list of types the reference must not point to
      if (!InList(targets.substr(1), type)) return true;
      Error(v, path, "a reference to an object of type " + std::string(type) + " is not allowed here");
      return false;
    }
    if (InList(targets, type)) return true;
    std::string want(targets);
    for (char& c : want) {
      if (c == ' ') c = '|';
    }
    Error(v, path, "expected a reference to an object of type " + want + ", got " + Describe(v));
    return false;
  }
  Error(v, path, "expected an identifier \"<type>--<uuid>\" (lowercase RFC 4122 UUID), got " +
                     Describe(v));
  return false;
}

bool Checker::CheckList(const json::Value& v, const Path& path, std::string_view what) {
  if (v.is_array() && !v.items().empty()) return true;
  Error(v, path, "expected a non-empty list of " + std::string(what) + ", got " + Describe(v));
  return false;
}

bool Checker::CheckStringList(const json::Value& v, const Path& path) {
  if (!CheckList(v, path, "strings")) return false;
  bool ok = true;
  for (size_t i = 0; i < v.items().size(); ++i) ok &= CheckString(v.items()[i], path.Item(i));
  return ok;
}

bool Checker::CheckInteger(const json::Value& v, int64_t min, int64_t max, const Path& path) {
  std::optional<int64_t> n = v.is_number() ? v.AsInt64() : std::nullopt;
  if (n && *n >= min && *n <= max) return true;
  std::string range;
  if (min != INT64_MIN && max != INT64_MAX) {
    range = " " + std::to_string(min) + "–" + std::to_string(max);
  } else if (min != INT64_MIN) {
    range = " ≥ " + std::to_string(min);
  } else if (max != INT64_MAX) {
    range = " ≤ " + std::to_string(max);
  }
  std::string_view name = path.is_index ? std::string_view("value") : path.key;
  Error(v, path,
        std::string(name) + " must be an integer" + range + ", got " +
            (v.is_number() ? v.number_text() : Describe(v)));
  return false;
}

bool Checker::CheckHashes(const json::Value& v, const Path& path) {
  if (!v.is_object() || v.members().empty()) {
    Error(v, path, "expected a non-empty dictionary of hashes, got " + Describe(v));
    return false;
  }
  bool ok = true;
  for (const json::Member& m : v.members()) {
    Path p = path.Child(m.key);
    if (!IsDictionaryKey(m.key)) {
      Error(m.value, p, "bad hash algorithm name: expected 1–250 characters of a–z, A–Z, 0–9, - or _");
      ok = false;
      continue;
    }
    if (!CheckString(m.value, p)) {
      ok = false;
      continue;
    }
    const HashRule* rule = nullptr;
    for (const HashRule& r : kHashRules) {
      if (r.name == m.key) rule = &r;
    }
    if (rule == nullptr) {
      if (options_.warn_custom) {
        Warning(m.value, p,
                "hash algorithm \"" + m.key +
                    "\" is not in hash-algorithm-ov (MD5, SHA-1, SHA-256, SHA-512, SHA3-256, "
                    "SHA3-512, SSDEEP, TLSH)");
      }
      continue;
    }
    const std::string& h = m.value.str();
    if (rule->hex_length != 0 ? (h.size() != rule->hex_length || !IsHex(h)) : h.empty()) {
      Error(m.value, p,
            rule->hex_length != 0
                ? "expected " + std::to_string(rule->hex_length) + " hex digits for " + m.key +
                      ", got " + Describe(m.value)
                : "expected a non-empty " + m.key + " hash");
      ok = false;
    }
  }
  return ok;
}

bool Checker::CheckDictionary(const json::Value& v, const Path& path) {
  if (!v.is_object() || v.members().empty()) {
    Error(v, path, "expected a non-empty dictionary (JSON object), got " + Describe(v));
    return false;
  }
  bool ok = true;
  for (const json::Member& m : v.members()) {
    if (IsDictionaryKey(m.key)) continue;
    Error(m.value, path.Child(m.key),
          "bad dictionary key: expected 1–250 characters of a–z, A–Z, 0–9, - or _");
    ok = false;
  }
  return ok;
}

bool Checker::CheckKillChainPhases(const json::Value& v, const Path& path) {
  if (!CheckList(v, path, "kill chain phases")) return false;
  bool ok = true;
  for (size_t i = 0; i < v.items().size(); ++i) {
    const json::Value& phase = v.items()[i];
    Path p = path.Item(i);
    if (!phase.is_object()) {
      Error(phase, p, "expected a kill-chain-phase object, got " + Describe(phase));
      ok = false;
      continue;
    }
    for (std::string_view key : {"kill_chain_name", "phase_name"}) {
      const json::Value* s = phase.Find(key);
      if (s == nullptr) {
        Error(phase, p.Child(key), "required property \"" + std::string(key) + "\" is missing");
        ok = false;
      } else {
        ok &= CheckString(*s, p.Child(key));
      }
    }
  }
  return ok;
}

bool Checker::CheckExternalReferences(const json::Value& v, const Path& path) {
  if (!CheckList(v, path, "external references")) return false;
  bool ok = true;
  for (size_t i = 0; i < v.items().size(); ++i) {
    const json::Value& ref = v.items()[i];
    Path p = path.Item(i);
    if (!ref.is_object()) {
      Error(ref, p, "expected an external-reference object, got " + Describe(ref));
      ok = false;
      continue;
    }
    bool has_detail = false;
    for (const json::Member& m : ref.members()) {
      Path mp = p.Child(m.key);
      if (m.key == "source_name") {
        ok &= CheckString(m.value, mp);
      } else if (m.key == "description" || m.key == "url" || m.key == "external_id") {
        has_detail = true;
        ok &= CheckString(m.value, mp);
      } else if (m.key == "hashes") {
        ok &= CheckHashes(m.value, mp);
      } else if (options_.warn_custom) {
        Warning(m.value, mp, "unknown external-reference property \"" + m.key + "\"; kept as is");
      }
    }
    if (ref.Find("source_name") == nullptr) {
      Error(ref, p.Child("source_name"), "required property \"source_name\" is missing");
      ok = false;
    }
    if (!has_detail) {
      Error(ref, p, "an external reference needs description, url or external_id besides "
                    "source_name");
      ok = false;
    }
  }
  return ok;
}

bool Checker::CheckGranularMarkings(const json::Value& v, const Path& path) {
  if (!CheckList(v, path, "granular markings")) return false;
  bool ok = true;
  for (size_t i = 0; i < v.items().size(); ++i) {
    const json::Value& gm = v.items()[i];
    Path p = path.Item(i);
    if (!gm.is_object()) {
      Error(gm, p, "expected a granular-marking object, got " + Describe(gm));
      ok = false;
      continue;
    }
    const json::Value* lang = gm.Find("lang");
    const json::Value* ref = gm.Find("marking_ref");
    const json::Value* selectors = gm.Find("selectors");
    if (lang != nullptr) ok &= CheckString(*lang, p.Child("lang"));
    if (ref != nullptr) ok &= CheckRef(*ref, "marking-definition", p.Child("marking_ref"));
    if ((lang == nullptr) == (ref == nullptr)) {
      Error(gm, p, "a granular marking needs exactly one of lang and marking_ref");
      ok = false;
    }
    if (selectors == nullptr) {
      Error(gm, p.Child("selectors"), "required property \"selectors\" is missing");
      ok = false;
    } else {
      ok &= CheckStringList(*selectors, p.Child("selectors"));
    }
  }
  return ok;
}

bool Checker::CheckMimeParts(const json::Value& v, const Path& path) {
  if (!CheckList(v, path, "MIME parts")) return false;
  bool ok = true;
  for (size_t i = 0; i < v.items().size(); ++i) {
    const json::Value& part = v.items()[i];
    Path p = path.Item(i);
    if (!part.is_object()) {
      Error(part, p, "expected an email-mime-part object, got " + Describe(part));
      ok = false;
      continue;
    }
    const json::Value* body = part.Find("body");
    const json::Value* raw = part.Find("body_raw_ref");
    if (body != nullptr) ok &= CheckString(*body, p.Child("body"));
    if (raw != nullptr) ok &= CheckRef(*raw, "artifact file", p.Child("body_raw_ref"));
    if ((body == nullptr) == (raw == nullptr)) {
      Error(part, p, "a MIME part needs exactly one of body and body_raw_ref");
      ok = false;
    }
    for (std::string_view key : {"content_type", "content_disposition"}) {
      if (const json::Value* s = part.Find(key)) ok &= CheckString(*s, p.Child(key));
    }
  }
  return ok;
}

bool Checker::CheckRegistryValues(const json::Value& v, const Path& path) {
  if (!CheckList(v, path, "registry values")) return false;
  static constexpr std::string_view kDataTypes =
      "REG_NONE REG_SZ REG_EXPAND_SZ REG_BINARY REG_DWORD REG_DWORD_BIG_ENDIAN "
      "REG_DWORD_LITTLE_ENDIAN REG_LINK REG_MULTI_SZ REG_RESOURCE_LIST "
      "REG_FULL_RESOURCE_DESCRIPTION REG_RESOURCE_REQUIREMENTS_LIST REG_QWORD REG_INVALID_TYPE";
  bool ok = true;
  for (size_t i = 0; i < v.items().size(); ++i) {
    const json::Value& rv = v.items()[i];
    Path p = path.Item(i);
    if (!rv.is_object()) {
      Error(rv, p, "expected a windows-registry-value-type object, got " + Describe(rv));
      ok = false;
      continue;
    }
    for (std::string_view key : {"name", "data"}) {
      if (const json::Value* s = rv.Find(key)) ok &= CheckString(*s, p.Child(key));
    }
    if (const json::Value* t = rv.Find("data_type")) {
      ok &= CheckValue(PropSpec{"data_type", PropType::kEnum, false, kDataTypes}, *t,
                       p.Child("data_type"));
    }
  }
  return ok;
}

bool Checker::CheckObservedObjects(const json::Value& v, const Path& path) {
  if (!v.is_object() || v.members().empty()) {
    Error(v, path, "expected a non-empty dictionary of cyber-observable objects, got " +
                       Describe(v));
    return false;
  }
  bool ok = true;
  for (const json::Member& m : v.members()) {
    Path p = path.Child(m.key);
    const json::Value* type = m.value.is_object() ? m.value.Find("type") : nullptr;
    if (type == nullptr || !type->is_string()) {
      Error(m.value, p, "expected a cyber-observable object with a \"type\" string");
      ok = false;
    }
  }
  if (options_.warn_custom) {
    Warning(v, path, "observed-data \"objects\" is deprecated in STIX 2.1; use object_refs");
  }
  return ok;
}

bool Checker::CheckValue(const PropSpec& spec, const json::Value& v, const Path& path) {
  switch (spec.type) {
    case PropType::kString:
      return CheckString(v, path);
    case PropType::kStringList:
      return CheckStringList(v, path);
    case PropType::kTimestamp:
      return CheckTimestamp(v, path).has_value();
    case PropType::kBool:
      if (v.is_bool()) return true;
      Error(v, path, "expected true or false, got " + Describe(v));
      return false;
    case PropType::kInteger:
      return CheckInteger(v, spec.min, spec.max, path);
    case PropType::kNumber: {
      std::optional<double> d = v.is_number() ? v.AsDouble() : std::nullopt;
      if (d && std::isfinite(*d) && *d >= static_cast<double>(spec.min) &&
          *d <= static_cast<double>(spec.max)) {
        return true;
      }
      std::string range;
      if (spec.min != INT64_MIN) range += " from " + std::to_string(spec.min);
      if (spec.max != INT64_MAX) range += " to " + std::to_string(spec.max);
      Error(v, path,
            std::string(spec.name) + " must be a number" + range + ", got " +
                (v.is_number() ? v.number_text() : Describe(v)));
      return false;
    }
    case PropType::kRef:
      return CheckRef(v, spec.targets, path);
    case PropType::kRefList: {
      if (!CheckList(v, path, "identifiers")) return false;
      bool ok = true;
      for (size_t i = 0; i < v.items().size(); ++i) {
        ok &= CheckRef(v.items()[i], spec.targets, path.Item(i));
      }
      return ok;
    }
    case PropType::kEnum: {
      if (v.is_string() && InList(spec.targets, v.str())) return true;
      std::string want(spec.targets);
      for (char& c : want) {
        if (c == ' ') c = ',';
      }
      Error(v, path, "expected one of " + want + "; got " + Describe(v));
      return false;
    }
    case PropType::kHashes:
      return CheckHashes(v, path);
    case PropType::kKillChainPhases:
      return CheckKillChainPhases(v, path);
    case PropType::kExternalReferences:
      return CheckExternalReferences(v, path);
    case PropType::kGranularMarkings:
      return CheckGranularMarkings(v, path);
    case PropType::kExtensions:
    case PropType::kObject:
      if (v.is_object() && !v.members().empty()) return true;
      Error(v, path, "expected a non-empty JSON object, got " + Describe(v));
      return false;
    case PropType::kObjectList: {
      if (!CheckList(v, path, "objects")) return false;
      bool ok = true;
      for (size_t i = 0; i < v.items().size(); ++i) {
        const json::Value& item = v.items()[i];
        if (item.is_object()) continue;
        Error(item, path.Item(i), "expected a JSON object, got " + Describe(item));
        ok = false;
      }
      return ok;
    }
    case PropType::kDictionary:
      return CheckDictionary(v, path);
    case PropType::kHex:
      if (v.is_string() && v.str().size() % 2 == 0 && IsHex(v.str())) return true;
      Error(v, path, "expected an even number of hex digits, got " + Describe(v));
      return false;
    case PropType::kBinary:
      if (v.is_string() && IsBase64(v.str())) return true;
      Error(v, path, "expected base64 (RFC 4648) text, got " + Describe(v));
      return false;
    case PropType::kMimeParts:
      return CheckMimeParts(v, path);
    case PropType::kRegistryValues:
      return CheckRegistryValues(v, path);
    case PropType::kObservedObjects:
      return CheckObservedObjects(v, path);
    case PropType::kMarkingDefinition:
      return CheckMarkingDefinition(v, path);
    case PropType::kIgnore:
      return true;
  }
  return true;
}

bool Checker::CheckMarkingDefinition(const json::Value& v, const Path& path) {
  if (!v.is_object() || v.members().empty()) {
    Error(v, path, "expected a non-empty marking definition object, got " + Describe(v));
    return false;
  }
  return true;  // the content depends on definition_type: see the marking-definition rule
}

}  // namespace tadamun::stix::internal
