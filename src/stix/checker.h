// Internal to the stix module: the property checks the validator is built from.
//
// A Checker validates one object: it knows the object's pointer in its document and its id, and
// turns problems into Issues with a JSON Pointer to the offending value. Paths into nested
// values are built as a chain of Path nodes on the stack and only rendered when a problem is
// reported, so checking a valid object allocates nothing.
//
// Not thread-safe (one Checker per object being validated).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/timestamp.h"
#include "json/json.h"
#include "stix/validate.h"

namespace tadamun::stix::internal {

// One step of a JSON Pointer, linked to its parent (nullptr at the object root). A Path points
// at its parent: never keep one built from a temporary (`Path p = a.Item(i).Child("x")`).
struct Path {
  const Path* parent = nullptr;
  std::string_view key;  // used when !is_index
  uint64_t index = 0;
  bool is_index = false;

  Path Child(std::string_view k) const { return Path{this, k, 0, false}; }
  Path Item(uint64_t i) const { return Path{this, {}, i, true}; }
};

enum class PropType : uint8_t {
  kString,
  kStringList,
  kTimestamp,
  kBool,
  kInteger,  // min/max apply
  kNumber,   // min/max apply
  kRef,      // targets: allowed object types ("" = any)
  kRefList,  // targets as for kRef
  kEnum,     // targets: allowed values
  kHashes,
  kKillChainPhases,
  kExternalReferences,
  kGranularMarkings,
  kExtensions,
  kDictionary,
  kHex,
  kBinary,
  kObject,           // any non-empty JSON object
  kObjectList,       // a non-empty list of JSON objects
  kMimeParts,        // email-message body_multipart
  kRegistryValues,   // windows-registry-key values
  kObservedObjects,  // observed-data objects (deprecated)
  kMarkingDefinition,
  kIgnore,  // handled by the driver (type, id)
};

struct PropSpec {
  std::string_view name;
  PropType type;
  bool required = false;
  // kRef/kRefList: space-separated object types a reference may point to (empty: any), or
  // "!" followed by the types it must not point to.
  // kEnum: space-separated allowed values.
  std::string_view targets = {};
  int64_t min = INT64_MIN;
  int64_t max = INT64_MAX;
};

class Checker {
 public:
  Checker(std::string_view base_pointer, const std::string* object_id, std::vector<Issue>* issues,
          const ValidationOptions& options)
      : base_pointer_(base_pointer), object_id_(object_id), issues_(issues), options_(options) {}

  void Error(const json::Value& at, const Path& path, std::string message);
  void Warning(const json::Value& at, const Path& path, std::string message);
  bool has_error() const { return errors_ > 0; }
  const ValidationOptions& options() const { return options_; }

  // Checks `value` against `spec`; returns false (after reporting) when it does not conform.
  bool CheckValue(const PropSpec& spec, const json::Value& value, const Path& path);

  // Single-value helpers shared with the type rules.
  bool CheckString(const json::Value& v, const Path& path);
  std::optional<Timestamp> CheckTimestamp(const json::Value& v, const Path& path);
  bool CheckRef(const json::Value& v, std::string_view targets, const Path& path);
  bool CheckHashes(const json::Value& v, const Path& path);
  bool CheckDictionary(const json::Value& v, const Path& path);
  bool CheckStringList(const json::Value& v, const Path& path);
  bool CheckInteger(const json::Value& v, int64_t min, int64_t max, const Path& path);

 private:
  bool CheckList(const json::Value& v, const Path& path, std::string_view what);
  bool CheckKillChainPhases(const json::Value& v, const Path& path);
  bool CheckExternalReferences(const json::Value& v, const Path& path);
  bool CheckGranularMarkings(const json::Value& v, const Path& path);
  bool CheckMimeParts(const json::Value& v, const Path& path);
  bool CheckRegistryValues(const json::Value& v, const Path& path);
  bool CheckObservedObjects(const json::Value& v, const Path& path);
  bool CheckMarkingDefinition(const json::Value& v, const Path& path);
  void Add(Severity severity, const json::Value& at, const Path& path, std::string message);

  std::string_view base_pointer_;
  const std::string* object_id_;
  std::vector<Issue>* issues_;
  const ValidationOptions& options_;
  int errors_ = 0;
};

// IsValidId() after lowercasing the UUID: RFC 4122 reads hex digits case-insensitively, so an
// uppercase UUID is accepted with a warning (the canonical form is lowercase).
bool IsIdWithUppercaseUuid(std::string_view text);
// "a string \"abc\"", "the number 42", "an array", … for messages (long strings are cut).
std::string Describe(const json::Value& v);
// Whether `name` is a list member of the space-separated `list`.
bool InList(std::string_view list, std::string_view name);
// "^[a-z0-9_]{3,250}$": the form of custom property names (STIX 2.1 §11.1).
bool IsCustomPropertyName(std::string_view name);

}  // namespace tadamun::stix::internal
