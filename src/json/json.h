// JSON documents: the one adapter over the JSON library (simdjson), and a small DOM.
//
// Parse() reads untrusted text into a json::Value tree. It is strict (RFC 8259, valid UTF-8,
// no duplicate object keys) and bounded (ParseOptions: size and depth), and every Value
// remembers the byte offset where it starts, so later checks (STIX validation) can report
// line and column. Numbers keep the exact text they were written with, so a parsed document
// serialises back to the same values, digit for digit.
//
// ParseStreaming() hands the elements of one big array (a bundle's "objects") to a callback
// one at a time, so memory stays bounded by the input text and one element.
//
// Values are plain data: copyable, movable, thread-compatible.
//
//   TADAMUN_ASSIGN_OR_RETURN(json::Value doc, json::Parse(text));
//   if (const json::Value* id = doc.Find("id"); id && id->is_string()) Use(id->str());
//   std::string out = json::ToJson(doc);
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace tadamun::json {

struct Member;

class Value {
 public:
  enum class Type : uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };

  // Special members are defined below, once Member is a complete type.
  Value();  // null
  Value(const Value&);
  Value(Value&&) noexcept;
  Value& operator=(const Value&);
  Value& operator=(Value&&) noexcept;
  ~Value();

  static Value Bool(bool b);
  static Value Int(int64_t n);
  // Precondition: `text` is a valid JSON number.
  static Value NumberText(std::string text);
  static Value String(std::string s);
  static Value Array();
  static Value Object();

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::kNull; }
  bool is_bool() const { return type_ == Type::kBool; }
  bool is_number() const { return type_ == Type::kNumber; }
  bool is_string() const { return type_ == Type::kString; }
  bool is_array() const { return type_ == Type::kArray; }
  bool is_object() const { return type_ == Type::kObject; }

  // Preconditions: the matching type.
  bool bool_value() const { return bool_; }
  const std::string& str() const { return text_; }          // string contents
  const std::string& number_text() const { return text_; }  // number as written
  const std::vector<Value>& items() const { return items_; }
  std::vector<Value>& items() { return items_; }
  const std::vector<Member>& members() const { return members_; }
  std::vector<Member>& members() { return members_; }

  // A number written as an integer (no fraction, no exponent) that fits in int64.
  std::optional<int64_t> AsInt64() const;
  // Any number as a double (may round).
  std::optional<double> AsDouble() const;

  // Object access. Find returns nullptr when absent or when this is not an object.
  const Value* Find(std::string_view key) const;
  Value* Find(std::string_view key);
  // Replaces the member named `key` or appends it (keeps member order).
  void Set(std::string key, Value value);
  bool Erase(std::string_view key);
  // Array append. Precondition: is_array().
  void Append(Value value) { items_.push_back(std::move(value)); }

  // Byte offset of the value's first character in the parsed text (0 for built values).
  uint64_t offset() const { return offset_; }
  void set_offset(uint64_t offset) { offset_ = offset; }

 private:
  Type type_ = Type::kNull;
  bool bool_ = false;
  uint64_t offset_ = 0;
  std::string text_;
  std::vector<Value> items_;
  std::vector<Member> members_;
};

struct Member {
  std::string key;
  Value value;
  uint64_t key_offset = 0;  // offset of the key's opening quote
};

inline Value::Value() = default;
inline Value::Value(const Value&) = default;
inline Value::Value(Value&&) noexcept = default;
inline Value& Value::operator=(const Value&) = default;
inline Value& Value::operator=(Value&&) noexcept = default;
inline Value::~Value() = default;

struct ParseOptions {
  // Deepest nesting of arrays and objects accepted (the root is depth 1).
  uint32_t max_depth = 64;
  // Largest input accepted, in bytes.
  uint64_t max_bytes = uint64_t{1} << 30;
};

// 1-based line and column (in Unicode code points) of a byte offset in `text`.
struct TextPosition {
  uint64_t line = 1;
  uint64_t column = 1;
};
TextPosition PositionOf(std::string_view text, uint64_t offset);

// Positions of many offsets in one text in time linear in the text overall: each call counts on
// from the previous offset (an offset before the previous one starts again from the top).
// Borrows `text`, which must outlive it. Not thread-safe.
class PositionTracker {
 public:
  explicit PositionTracker(std::string_view text) : text_(text) {}
  TextPosition At(uint64_t offset);

 private:
  std::string_view text_;
  uint64_t last_offset_ = 0;
  TextPosition last_;
};
// "line L, column C".
std::string DescribePosition(std::string_view text, uint64_t offset);

// Parses one JSON document. Errors: InvalidArgument "line L, column C: what was wrong;
// expected ..." for malformed input, invalid UTF-8 or duplicate keys; ResourceExhausted for
// input over max_bytes or nesting over max_depth.
StatusOr<Value> Parse(std::string_view text, const ParseOptions& options = {});

// Like Parse, but when the root is an array, or an object with a member named `stream_key`
// whose value is an array, each element of that array is passed to `on_element` (with its
// index and its exact source text) instead of being kept; the returned root has that array
// empty. A non-OK status from the callback stops parsing and is returned. `text` may be
// reallocated to add the padding the parser needs (its contents are unchanged); give it a
// capacity of size() + 64 to avoid the copy.
using ElementFn =
    std::function<Status(Value&& element, uint64_t index, std::string_view source)>;
StatusOr<Value> ParseStreaming(std::string* text, std::string_view stream_key,
                               const ElementFn& on_element, const ParseOptions& options = {});

// Compact serialisation: no whitespace, members in stored order, strings escaped minimally
// (quote, backslash, control characters), non-ASCII UTF-8 kept as is, numbers as written.
std::string ToJson(const Value& value);
void AppendJson(const Value& value, std::string* out);
// Removes insignificant whitespace from valid JSON text, keeping every token exactly as
// written (escapes, number spellings, member order). Precondition: `text` is valid JSON.
std::string Minify(std::string_view text);
// Indented serialisation for people (two spaces).
std::string ToPrettyJson(const Value& value);
// Appends `s` as a JSON string literal (with quotes).
void AppendQuoted(std::string_view s, std::string* out);
// `s` as a JSON string literal (with quotes).
inline std::string Quoted(std::string_view s) {
  std::string out;
  AppendQuoted(s, &out);
  return out;
}

// Semantic equality: objects compare as unordered maps, numbers by value, the rest exactly.
bool Equal(const Value& a, const Value& b);

// Appends "/token" to a JSON Pointer (RFC 6901), escaping '~' and '/'.
void AppendPointer(std::string* pointer, std::string_view token);
void AppendPointer(std::string* pointer, uint64_t index);

}  // namespace tadamun::json
