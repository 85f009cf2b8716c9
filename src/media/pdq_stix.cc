#include "media/pdq_stix.h"

#include <cctype>

namespace tadamun::media {

namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

void SkipSpace(std::string_view s, size_t* i) {
  while (*i < s.size() && std::isspace(static_cast<unsigned char>(s[*i]))) ++*i;
}

// Reads a STIX pattern string literal starting at the opening quote; on success returns its
// unescaped value and leaves *i after the closing quote.
std::optional<std::string> ReadLiteral(std::string_view s, size_t* i) {
  if (*i >= s.size() || s[*i] != '\'') return std::nullopt;
  std::string out;
  size_t j = *i + 1;
  while (j < s.size()) {
    const char c = s[j];
    if (c == '\\' && j + 1 < s.size()) {
      out.push_back(s[j + 1]);
      j += 2;
    } else if (c == '\'') {
      *i = j + 1;
      return out;
    } else {
      out.push_back(c);
      ++j;
    }
  }
  *i = s.size();
  return std::nullopt;
}

// Reads an identifier-like word ([A-Za-z0-9_-]+).
std::string_view ReadWord(std::string_view s, size_t* i) {
  const size_t start = *i;
  while (*i < s.size() && (std::isalnum(static_cast<unsigned char>(s[*i])) || s[*i] == '_' ||
                           s[*i] == '-')) {
    ++*i;
  }
  return s.substr(start, *i - start);
}

Status AddHash(const std::string& text, std::optional<int> quality, const std::string& where,
               std::vector<StixPdqHash>* out) {
  StatusOr<PdqHash> h = ParseHex(text);
  if (!h.ok()) return h.status().WithPrefix(where + ": PDQ value '" + text.substr(0, 80) + "'");
  out->push_back({*h, quality});
  return Status::Ok();
}

// Scans a STIX pattern for PDQ comparisons (see pdq_stix.h).
Status ScanPattern(std::string_view s, std::optional<int> quality, const std::string& where,
                   std::vector<StixPdqHash>* out) {
  static constexpr std::string_view kPath = "file:hashes.";
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] == '\'') {
      if (!ReadLiteral(s, &i)) break;  // unterminated: nothing more to find
      continue;
    }
    if (s.compare(i, kPath.size(), kPath) != 0) {
      ++i;
      continue;
    }
    size_t j = i + kPath.size();
    std::string key;
    if (j < s.size() && s[j] == '\'') {
      std::optional<std::string> quoted = ReadLiteral(s, &j);
      if (!quoted) break;
      key = *quoted;
    } else {
      key = std::string(ReadWord(s, &j));
    }
    i = j;
    if (!EqualsIgnoreCase(key, "PDQ")) continue;
    SkipSpace(s, &j);
    if (j < s.size() && s[j] == '=') {
      ++j;
      SkipSpace(s, &j);
      const size_t literal_at = j;
      std::optional<std::string> value = ReadLiteral(s, &j);
      if (!value) {
        return Status::InvalidArgument(where + ": pattern offset " + std::to_string(literal_at) +
                                       ": expected a quoted PDQ hash after 'file:hashes." + key +
                                       " ='");
      }
      TADAMUN_RETURN_IF_ERROR(AddHash(*value, quality, where, out));
      i = j;
      continue;
    }
    size_t k = j;
    if (EqualsIgnoreCase(ReadWord(s, &k), "IN")) {
      SkipSpace(s, &k);
      if (k < s.size() && s[k] == '(') {
        ++k;
        for (;;) {
          SkipSpace(s, &k);
          std::optional<std::string> value = ReadLiteral(s, &k);
          if (!value) break;
          TADAMUN_RETURN_IF_ERROR(AddHash(*value, quality, where, out));
          SkipSpace(s, &k);
          if (k < s.size() && s[k] == ',') {
            ++k;
            continue;
          }
          break;
        }
        i = k;
      }
    }
    // Anything else (!=, NOT, LIKE, MATCHES, ...) does not assert a PDQ hash.
  }
  return Status::Ok();
}

std::optional<int> QualityOf(const json::Value& object) {
  const json::Value* q = object.Find(kPdqQualityProperty);
  if (q == nullptr || !q->is_number()) return std::nullopt;
  std::optional<int64_t> v = q->AsInt64();
  if (!v || *v < 0 || *v > 100) return std::nullopt;
  return static_cast<int>(*v);
}

Status FromFileObject(const json::Value& file, std::optional<int> quality, const std::string& where,
                      std::vector<StixPdqHash>* out) {
  const json::Value* hashes = file.Find("hashes");
  if (hashes == nullptr || !hashes->is_object()) return Status::Ok();
  for (const json::Member& m : hashes->members()) {
    if (!EqualsIgnoreCase(m.key, "PDQ")) continue;
    if (!m.value.is_string()) {
      return Status::InvalidArgument(where + ": hashes." + m.key + " must be a string");
    }
    TADAMUN_RETURN_IF_ERROR(AddHash(m.value.str(), quality, where, out));
  }
  return Status::Ok();
}

}  // namespace

StatusOr<std::vector<StixPdqHash>> ExtractPdqHashes(const json::Value& object) {
  std::vector<StixPdqHash> out;
  if (!object.is_object()) return out;
  const json::Value* type = object.Find("type");
  if (type == nullptr || !type->is_string()) return out;
  const json::Value* id = object.Find("id");
  const std::string where = (id && id->is_string()) ? id->str() : type->str();
  const std::optional<int> quality = QualityOf(object);
  if (type->str() == "indicator") {
    const json::Value* pattern_type = object.Find("pattern_type");
    if (pattern_type != nullptr && (!pattern_type->is_string() || pattern_type->str() != "stix")) {
      return out;
    }
    const json::Value* pattern = object.Find("pattern");
    if (pattern == nullptr || !pattern->is_string()) return out;
    TADAMUN_RETURN_IF_ERROR(ScanPattern(pattern->str(), quality, where, &out));
  } else if (type->str() == "file") {
    TADAMUN_RETURN_IF_ERROR(FromFileObject(object, quality, where, &out));
  } else if (type->str() == "observed-data") {
    const json::Value* objects = object.Find("objects");
    if (objects != nullptr && objects->is_object()) {
      for (const json::Member& m : objects->members()) {
        const json::Value* t = m.value.Find("type");
        if (t && t->is_string() && t->str() == "file") {
          const std::optional<int> q = QualityOf(m.value);
          TADAMUN_RETURN_IF_ERROR(
              FromFileObject(m.value, q ? q : quality, where + " objects." + m.key, &out));
        }
      }
    }
  }
  return out;
}

std::string PdqPattern(const PdqHash& hash) {
  return "[file:hashes.PDQ = '" + FormatHex(hash) + "']";
}

json::Value MakePdqIndicator(const PdqIndicatorSpec& spec) {
  json::Value o = json::Value::Object();
  const std::string when = spec.created.ToString();
  o.Set("type", json::Value::String("indicator"));
  o.Set("spec_version", json::Value::String("2.1"));
  o.Set("id", json::Value::String(spec.id));
  if (!spec.created_by_ref.empty()) {
    o.Set("created_by_ref", json::Value::String(spec.created_by_ref));
  }
  o.Set("created", json::Value::String(when));
  o.Set("modified", json::Value::String(when));
  if (!spec.name.empty()) o.Set("name", json::Value::String(spec.name));
  if (!spec.description.empty()) o.Set("description", json::Value::String(spec.description));
  json::Value types = json::Value::Array();
  types.Append(json::Value::String("malicious-activity"));
  o.Set("indicator_types", std::move(types));
  o.Set("pattern", json::Value::String(PdqPattern(spec.hash)));
  o.Set("pattern_type", json::Value::String("stix"));
  o.Set("valid_from", json::Value::String(when));
  o.Set(kPdqQualityProperty, json::Value::Int(spec.quality));
  return o;
}

}  // namespace tadamun::media
