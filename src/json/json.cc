#include "json/json.h"

#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <unordered_set>

namespace tadamun::json {
namespace sj = simdjson;
namespace od = simdjson::ondemand;

// ---------------------------------------------------------------------------------------------
// Value

Value Value::Bool(bool b) {
  Value v;
  v.type_ = Type::kBool;
  v.bool_ = b;
  return v;
}

Value Value::Int(int64_t n) { return NumberText(std::to_string(n)); }

Value Value::NumberText(std::string text) {
  Value v;
  v.type_ = Type::kNumber;
  v.text_ = std::move(text);
  return v;
}

Value Value::String(std::string s) {
  Value v;
  v.type_ = Type::kString;
  v.text_ = std::move(s);
  return v;
}

Value Value::Array() {
  Value v;
  v.type_ = Type::kArray;
  return v;
}

Value Value::Object() {
  Value v;
  v.type_ = Type::kObject;
  return v;
}

std::optional<int64_t> Value::AsInt64() const {
  if (type_ != Type::kNumber || text_.empty()) return std::nullopt;
  if (text_.find_first_of(".eE") != std::string::npos) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  long long n = std::strtoll(text_.c_str(), &end, 10);
  if (errno != 0 || end != text_.c_str() + text_.size()) return std::nullopt;
  return static_cast<int64_t>(n);
}

std::optional<double> Value::AsDouble() const {
  if (type_ != Type::kNumber) return std::nullopt;
  char* end = nullptr;
  double d = std::strtod(text_.c_str(), &end);
  if (end != text_.c_str() + text_.size()) return std::nullopt;
  return d;
}

const Value* Value::Find(std::string_view key) const {
  for (const Member& m : members_) {
    if (m.key == key) return &m.value;
  }
  return nullptr;
}

Value* Value::Find(std::string_view key) {
  for (Member& m : members_) {
    if (m.key == key) return &m.value;
  }
  return nullptr;
}

void Value::Set(std::string key, Value value) {
  if (Value* existing = Find(key)) {
    *existing = std::move(value);
    return;
  }
  members_.push_back(Member{std::move(key), std::move(value), 0});
}

bool Value::Erase(std::string_view key) {
  auto it = std::find_if(members_.begin(), members_.end(),
                         [&](const Member& m) { return m.key == key; });
  if (it == members_.end()) return false;
  members_.erase(it);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Positions

TextPosition PositionOf(std::string_view text, uint64_t offset) {
  TextPosition pos;
  if (offset > text.size()) offset = text.size();
  for (uint64_t i = 0; i < offset; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++pos.line;
      pos.column = 1;
    } else if ((c & 0xC0) != 0x80) {  // count code points, not continuation bytes
      ++pos.column;
    }
  }
  return pos;
}

TextPosition PositionTracker::At(uint64_t offset) {
  if (offset > text_.size()) offset = text_.size();
  if (offset < last_offset_) {
    last_offset_ = 0;
    last_ = TextPosition();
  }
  TextPosition rel = PositionOf(text_.substr(last_offset_), offset - last_offset_);
  TextPosition pos;
  if (rel.line == 1) {
    pos.line = last_.line;
    pos.column = last_.column + rel.column - 1;
  } else {
    pos.line = last_.line + rel.line - 1;
    pos.column = rel.column;
  }
  last_offset_ = offset;
  last_ = pos;
  return pos;
}

std::string DescribePosition(std::string_view text, uint64_t offset) {
  TextPosition p = PositionOf(text, offset);
  return "line " + std::to_string(p.line) + ", column " + std::to_string(p.column);
}

namespace {

// Offset of the first byte that is not part of valid UTF-8, or text.size().
uint64_t FirstInvalidUtf8(std::string_view text) {
  size_t i = 0, n = text.size();
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return i;
    }
    if (i + len > n) return i;
    for (size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return i;
      cp = cp << 6 | (s[i + k] & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return i;
    }
    i += len;
  }
  return n;
}

std::string_view Explain(sj::error_code e) {
  switch (e) {
    case sj::TAPE_ERROR:
      return "malformed JSON; expected a value, ',' , ':' or a closing bracket here";
    case sj::INCOMPLETE_ARRAY_OR_OBJECT:
      return "the document ends early; expected a closing ']' or '}'";
    case sj::STRING_ERROR: return "invalid string; expected valid escapes";
    case sj::UNESCAPED_CHARS:
      return "control character inside a string; expected it escaped (\\n, \\t, \\u00XX)";
    case sj::UNCLOSED_STRING: return "unterminated string; expected a closing '\"'";
    case sj::T_ATOM_ERROR: return "invalid literal; expected 'true'";
    case sj::F_ATOM_ERROR: return "invalid literal; expected 'false'";
    case sj::N_ATOM_ERROR: return "invalid literal; expected 'null'";
    case sj::NUMBER_ERROR: return "invalid number; expected a JSON number such as 12 or -1.5e3";
    case sj::NUMBER_OUT_OF_RANGE: return "number out of range";
    case sj::EMPTY: return "empty input; expected a JSON value";
    case sj::TRAILING_CONTENT: return "unexpected content after the JSON value";
    case sj::INCORRECT_TYPE: return "malformed JSON; expected a value";
    case sj::DEPTH_ERROR: return "nesting too deep";
    default: return sj::error_message(e);
  }
}

// A lexical scan used only to explain an error the parser reported: finds an unescaped control
// character in a string, a string that never ends, or brackets left open at the end of input.
struct Lexical {
  enum Kind { kNone, kControl, kUnclosedString, kUnclosedBracket } kind = kNone;
  uint64_t offset = 0;
};

Lexical ScanLexical(std::string_view text) {
  int64_t depth = 0;
  bool in_string = false;
  uint64_t string_start = 0;
  for (uint64_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      } else if (c < 0x20) {
        return {Lexical::kControl, i};
      }
    } else if (c == '"') {
      in_string = true;
      string_start = i;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  if (in_string) return {Lexical::kUnclosedString, string_start};
  if (depth > 0) return {Lexical::kUnclosedBracket, text.size()};
  return {};
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

class Builder {
 public:
  Builder(std::string_view text, const ParseOptions& options)
      : text_(text), options_(options), scratch_(options.max_depth + 2) {}

  Status Fail(sj::error_code e, const char* at) {
    uint64_t offset = Offset(at);
    std::string_view what = Explain(e);
    if (e != sj::DEPTH_ERROR) {
      Lexical lex = ScanLexical(text_);
      if (lex.kind == Lexical::kControl) {
        offset = lex.offset;
        what = Explain(sj::UNESCAPED_CHARS);
      } else if (lex.kind == Lexical::kUnclosedString) {
        offset = lex.offset;
        what = Explain(sj::UNCLOSED_STRING);
      } else if (lex.kind == Lexical::kUnclosedBracket) {
        offset = lex.offset;
        what = Explain(sj::INCOMPLETE_ARRAY_OR_OBJECT);
      } else if (offset < text_.size() &&
                 (text_[offset] == 't' || text_[offset] == 'f' || text_[offset] == 'n')) {
        what = "invalid literal; expected true, false or null";
      }
    }
    std::string m = DescribePosition(text_, offset) + ": " + std::string(what);
    if (e == sj::DEPTH_ERROR) return Status::ResourceExhausted(std::move(m));
    return Status::InvalidArgument(std::move(m));
  }

  Status FailAtDocument(sj::error_code e, od::document& doc, const char* fallback) {
    const char* at = nullptr;
    if (doc.current_location().get(at) != sj::SUCCESS || at == nullptr) at = fallback;
    return Fail(e, at);
  }

  uint64_t Offset(const char* at) const {
    if (at == nullptr || at < text_.data()) return 0;
    uint64_t off = static_cast<uint64_t>(at - text_.data());
    return std::min<uint64_t>(off, text_.size());
  }

  // Builds *out from `v` at nesting `depth` (1 = root). `doc` is used to locate errors.
  Status Build(od::value v, uint32_t depth, od::document& doc, Value* out) {
    std::string_view token = v.raw_json_token();
    const char* start = token.data();
    last_ = start;
    od::json_type type;
    if (auto e = v.type().get(type); e != sj::SUCCESS) return FailAtDocument(e, doc, start);
    out->set_offset(Offset(start));
    switch (type) {
      case od::json_type::object: {
        if (depth > options_.max_depth) return DepthError(start);
        od::object obj;
        if (auto e = v.get_object().get(obj); e != sj::SUCCESS) return FailAtDocument(e, doc, start);
        // Members gather in a scratch vector kept per depth, then move into the object with
        // one allocation of the exact size (no regrowth per member).
        std::vector<Member>& members = scratch_[depth];
        members.clear();
        for (auto field_result : obj) {
          od::field field;
          if (auto e = std::move(field_result).get(field); e != sj::SUCCESS) return FailAtDocument(e, doc, last_);
          const char* key_at = field.key().raw() - 1;
          last_ = key_at;
          std::string_view key;
          if (auto e = field.unescaped_key().get(key); e != sj::SUCCESS) {
            return FailAtDocument(e, doc, key_at);
          }
          TADAMUN_RETURN_IF_ERROR(CheckDuplicate(members, key, key_at));
          members.push_back(Member{std::string(key), Value(), Offset(key_at)});
          TADAMUN_RETURN_IF_ERROR(Build(field.value(), depth + 1, doc, &members.back().value));
        }
        if (members.size() > kLinearDuplicateCheck) {
          TADAMUN_RETURN_IF_ERROR(CheckDuplicatesSorted(members));
        }
        *out = Value::Object();
        out->set_offset(Offset(start));
        out->members().reserve(members.size());
        for (Member& m : members) out->members().push_back(std::move(m));
        members.clear();
        return Status::Ok();
      }
      case od::json_type::array: {
        if (depth > options_.max_depth) return DepthError(start);
        od::array arr;
        if (auto e = v.get_array().get(arr); e != sj::SUCCESS) return FailAtDocument(e, doc, start);
        *out = Value::Array();
        out->set_offset(Offset(start));
        for (auto element_result : arr) {
          od::value element;
          if (auto e = std::move(element_result).get(element); e != sj::SUCCESS) {
            return FailAtDocument(e, doc, last_);
          }
          out->items().emplace_back();
          TADAMUN_RETURN_IF_ERROR(Build(element, depth + 1, doc, &out->items().back()));
        }
        return Status::Ok();
      }
      case od::json_type::string: {
        std::string_view s;
        if (auto e = v.get_string().get(s); e != sj::SUCCESS) return Fail(e, start);
        uint64_t off = out->offset();
        *out = Value::String(std::string(s));
        out->set_offset(off);
        return Status::Ok();
      }
      case od::json_type::number: {
        od::number n;
        if (auto e = v.get_number().get(n); e != sj::SUCCESS) return Fail(e, start);
        return SetNumber(token, out);
      }
      case od::json_type::boolean: {
        bool b;
        if (auto e = v.get_bool().get(b); e != sj::SUCCESS) return Fail(e, start);
        uint64_t off = out->offset();
        *out = Value::Bool(b);
        out->set_offset(off);
        return Status::Ok();
      }
      case od::json_type::null: {
        bool is_null = false;
        if (auto e = v.is_null().get(is_null); e != sj::SUCCESS) return Fail(e, start);
        if (!is_null) return Fail(sj::N_ATOM_ERROR, start);
        return Status::Ok();
      }
    }
    return Fail(sj::TAPE_ERROR, start);
  }

  Status BuildRoot(od::document& doc, Value* out, uint32_t depth = 1) {
    od::json_type type;
    if (auto e = doc.type().get(type); e != sj::SUCCESS) return FailAtDocument(e, doc, text_.data());
    std::string_view token;
    const char* start = text_.data();
    if (doc.raw_json_token().get(token) == sj::SUCCESS) start = token.data();
    if (type == od::json_type::object || type == od::json_type::array) {
      od::value root;
      if (auto e = doc.get_value().get(root); e != sj::SUCCESS) return FailAtDocument(e, doc, start);
      TADAMUN_RETURN_IF_ERROR(Build(root, depth, doc, out));
    } else {
      // A scalar document: simdjson reads these through the document itself.
      switch (type) {
        case od::json_type::string: {
          std::string_view s;
          if (auto e = doc.get_string().get(s); e != sj::SUCCESS) return Fail(e, start);
          *out = Value::String(std::string(s));
          break;
        }
        case od::json_type::number: {
          od::number n;
          if (auto e = doc.get_number().get(n); e != sj::SUCCESS) return Fail(e, start);
          TADAMUN_RETURN_IF_ERROR(SetNumber(token, out));
          break;
        }
        case od::json_type::boolean: {
          bool b;
          if (auto e = doc.get_bool().get(b); e != sj::SUCCESS) return Fail(e, start);
          *out = Value::Bool(b);
          break;
        }
        default: {
          bool is_null = false;
          if (auto e = doc.is_null().get(is_null); e != sj::SUCCESS || !is_null) {
            return Fail(sj::N_ATOM_ERROR, start);
          }
          *out = Value();
        }
      }
      out->set_offset(Offset(start));
    }
    // current_location() fails with OUT_OF_BOUNDS exactly when the input is used up.
    if (const char* at = nullptr; doc.current_location().get(at) == sj::SUCCESS) {
      return Fail(sj::TRAILING_CONTENT, at);
    }
    return Status::Ok();
  }

 private:
  // Objects up to this size are checked for duplicate keys by comparing each new key with
  // the earlier ones (STIX objects have about 10 to 25 members); larger ones by sorting.
  static constexpr size_t kLinearDuplicateCheck = 32;

  Status DepthError(const char* at) {
    return Status::ResourceExhausted(DescribePosition(text_, Offset(at)) +
                                     ": nesting deeper than the limit of " +
                                     std::to_string(options_.max_depth) + " levels");
  }

  Status DuplicateError(std::string_view key, uint64_t offset) {
    std::string m = DescribePosition(text_, offset) + ": duplicate key ";
    AppendQuoted(key, &m);
    m += "; expected each key once per object";
    return Status::InvalidArgument(std::move(m));
  }

  Status CheckDuplicate(const std::vector<Member>& members, std::string_view key,
                        const char* key_at) {
    if (members.size() >= kLinearDuplicateCheck) return Status::Ok();
    for (const Member& m : members) {
      if (m.key == key) return DuplicateError(key, Offset(key_at));
    }
    return Status::Ok();
  }

  Status CheckDuplicatesSorted(const std::vector<Member>& members) {
    std::vector<const Member*> sorted;
    sorted.reserve(members.size());
    for (const Member& m : members) sorted.push_back(&m);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const Member* a, const Member* b) { return a->key < b->key; });
    for (size_t i = 1; i < sorted.size(); ++i) {
      if (sorted[i]->key == sorted[i - 1]->key) {
        const Member* later =
            sorted[i]->key_offset > sorted[i - 1]->key_offset ? sorted[i] : sorted[i - 1];
        return DuplicateError(later->key, later->key_offset);
      }
    }
    return Status::Ok();
  }

  static Status SetNumber(std::string_view token, Value* out) {
    size_t end = token.size();
    while (end > 0 && (token[end - 1] == ' ' || token[end - 1] == '\t' || token[end - 1] == '\n' ||
                       token[end - 1] == '\r')) {
      --end;
    }
    uint64_t off = out->offset();
    *out = Value::NumberText(std::string(token.substr(0, end)));
    out->set_offset(off);
    return Status::Ok();
  }

  std::string_view text_;
  ParseOptions options_;
  const char* last_ = nullptr;
  std::vector<std::vector<Member>> scratch_;  // one per depth: Build at depth d uses [d]
};

StatusOr<Value> ParsePadded(std::string_view text, size_t capacity, const ParseOptions& options) {
  if (text.size() > options.max_bytes) {
    return Status::ResourceExhausted("input is " + std::to_string(text.size()) +
                                     " bytes, over the limit of " +
                                     std::to_string(options.max_bytes) + " bytes");
  }
  // The parser's own depth bound sits above ours so that ours is the one users see.
  od::parser parser;
  if (auto e = parser.allocate(std::max<size_t>(text.size(), 64), options.max_depth + 8);
      e != sj::SUCCESS) {
    return Status::ResourceExhausted("cannot allocate a JSON parser for " +
                                     std::to_string(text.size()) + " bytes");
  }
  od::document doc;
  Builder builder(text, options);
  auto e = parser.iterate(sj::padded_string_view(text.data(), text.size(), capacity)).get(doc);
  if (e == sj::UTF8_ERROR) {
    uint64_t bad = FirstInvalidUtf8(text);
    return Status::InvalidArgument(DescribePosition(text, bad) + ": invalid UTF-8 (byte offset " +
                                   std::to_string(bad) + "); expected UTF-8 text");
  }
  if (e != sj::SUCCESS) return builder.Fail(e, text.data());
  Value root;
  TADAMUN_RETURN_IF_ERROR(builder.BuildRoot(doc, &root));
  return root;
}

}  // namespace

StatusOr<Value> Parse(std::string_view text, const ParseOptions& options) {
  if (text.size() > options.max_bytes) return ParsePadded(text, text.size(), options);
  sj::padded_string padded(text);
  return ParsePadded(std::string_view(padded.data(), padded.size()),
                     padded.size() + sj::SIMDJSON_PADDING, options);
}

namespace {

// Parses slices of one large text as separate JSON documents with one reusable parser, so
// that memory beyond the text is bounded by the largest slice (not by the whole document).
// Offsets in the values built are offsets in the whole text.
class SliceParser {
 public:
  SliceParser(std::string_view whole, size_t capacity, const ParseOptions& options)
      : whole_(whole), capacity_(capacity), options_(options), builder_(whole, options) {}

  // Parses [begin, end) as one document whose root sits at nesting `depth`.
  StatusOr<Value> Parse(size_t begin, size_t end, uint32_t depth) {
    const size_t len = end - begin;
    if (parser_.capacity() < len || !allocated_) {
      if (auto e = parser_.allocate(std::max<size_t>(len, 1 << 16), options_.max_depth + 8);
          e != sj::SUCCESS) {
        return Status::ResourceExhausted("cannot allocate a JSON parser for " +
                                         std::to_string(len) + " bytes");
      }
      allocated_ = true;
    }
    std::string_view slice = whole_.substr(begin, len);
    od::document doc;
    Builder& builder = builder_;  // reused: its scratch vectors keep their capacity
    auto e = parser_.iterate(sj::padded_string_view(slice.data(), len, capacity_ - begin)).get(doc);
    if (e == sj::UTF8_ERROR) {
      uint64_t bad = begin + FirstInvalidUtf8(slice);
      return Status::InvalidArgument(DescribePosition(whole_, bad) +
                                     ": invalid UTF-8 (byte offset " + std::to_string(bad) +
                                     "); expected UTF-8 text");
    }
    if (e != sj::SUCCESS) return builder.Fail(e, slice.data());
    Value value;
    TADAMUN_RETURN_IF_ERROR(builder.BuildRoot(doc, &value, depth));
    return value;
  }

 private:
  std::string_view whole_;
  size_t capacity_;
  ParseOptions options_;
  od::parser parser_;
  bool allocated_ = false;
  Builder builder_;
};

// The structure around the streamed elements ("{", keys, ":", ",", "[", "]", "}") is walked by
// this small scanner; every value in between is parsed (and fully validated) by SliceParser.
class Streamer {
 public:
  Streamer(std::string_view text, size_t capacity, const ParseOptions& options)
      : text_(text), slices_(text, capacity, options), options_(options) {}

  StatusOr<Value> Run(std::string_view stream_key, const ElementFn& on_element) {
    size_t pos = SkipSpace(0);
    if (pos == text_.size()) return Error(pos, "empty input; expected a JSON value");
    Value root;
    if (text_[pos] == '[') {
      TADAMUN_ASSIGN_OR_RETURN(pos, StreamArray(pos, 1, on_element, &root));
    } else if (text_[pos] == '{') {
      TADAMUN_ASSIGN_OR_RETURN(pos, Object(pos, stream_key, on_element, &root));
    } else {
      size_t end = ValueEnd(pos);
      TADAMUN_ASSIGN_OR_RETURN(root, slices_.Parse(pos, end == kNone ? text_.size() : end, 1));
      pos = end == kNone ? text_.size() : end;
    }
    pos = SkipSpace(pos);
    if (pos != text_.size()) return Error(pos, "unexpected content after the JSON value");
    return root;
  }

 private:
  static constexpr size_t kNone = std::string_view::npos;

  Status Error(size_t pos, std::string_view what) {
    // A structural error may really be a lexical one earlier on (an unterminated string that
    // swallowed the rest): let the full parser explain when it can.
    std::string m = DescribePosition(text_, pos) + ": " + std::string(what);
    return Status::InvalidArgument(std::move(m));
  }

  size_t SkipSpace(size_t pos) const {
    while (pos < text_.size() && IsSpace(text_[pos])) ++pos;
    return pos;
  }

  // Position just after the '"' that closes the string whose contents start at `pos`, or
  // kNone. memchr does the scanning: most of a STIX document is string contents.
  size_t StringEnd(size_t pos) const {
    const char* t = text_.data();
    const size_t n = text_.size();
    while (pos < n) {
      const void* hit = std::memchr(t + pos, '"', n - pos);
      if (hit == nullptr) return kNone;
      size_t quote = static_cast<size_t>(static_cast<const char*>(hit) - t);
      size_t backslashes = 0;
      while (quote - backslashes > pos && t[quote - backslashes - 1] == '\\') ++backslashes;
      if (backslashes % 2 == 0) return quote + 1;
      pos = quote + 1;  // an escaped quote
    }
    return kNone;
  }

  // End of the value starting at `pos` (not validated: the slice parser does that), or kNone
  // when the text ends before it does.
  size_t ValueEnd(size_t pos) const {
    const size_t n = text_.size();
    const char* t = text_.data();
    char c = t[pos];
    if (c == '"') return StringEnd(pos + 1);
    if (c == '[' || c == '{') {
      uint64_t depth = 0;
      for (size_t i = pos; i < n; ++i) {
        char ch = t[i];
        if (ch == '"') {
          i = StringEnd(i + 1);
          if (i == kNone) return kNone;
          --i;
        } else if (ch == '[' || ch == '{') {
          ++depth;
        } else if (ch == ']' || ch == '}') {
          if (--depth == 0) return i + 1;
        }
      }
      return kNone;
    }
    size_t i = pos;
    while (i < n && t[i] != ',' && t[i] != ']' && t[i] != '}' && t[i] != ':' && !IsSpace(t[i])) ++i;
    return i;
  }

  // Parses the value at `pos` into *out; returns the position after it.
  StatusOr<size_t> Slice(size_t pos, uint32_t depth, Value* out) {
    size_t end = ValueEnd(pos);
    if (end == kNone) {
      // Let the parser say what is wrong (unterminated string, unclosed bracket).
      auto parsed = slices_.Parse(pos, text_.size(), depth);
      if (!parsed.ok()) return parsed.status();
      return Error(text_.size(), "the document ends early; expected a closing ']' or '}'");
    }
    if (end == pos) return Error(pos, "malformed JSON; expected a value");
    TADAMUN_ASSIGN_OR_RETURN(*out, slices_.Parse(pos, end, depth));
    return end;
  }

  StatusOr<size_t> StreamArray(size_t pos, uint32_t depth, const ElementFn& on_element,
                               Value* out) {
    if (depth > options_.max_depth) return Status::ResourceExhausted(
        DescribePosition(text_, pos) + ": nesting deeper than the limit of " +
        std::to_string(options_.max_depth) + " levels");
    *out = Value::Array();
    out->set_offset(pos);
    pos = SkipSpace(pos + 1);
    if (pos < text_.size() && text_[pos] == ']') return pos + 1;
    for (uint64_t index = 0;; ++index) {
      if (pos >= text_.size()) return Error(pos, "the document ends early; expected a value");
      Value element;
      const size_t start = pos;
      TADAMUN_ASSIGN_OR_RETURN(pos, Slice(pos, depth + 1, &element));
      TADAMUN_RETURN_IF_ERROR(on_element(std::move(element), index, text_.substr(start, pos - start)));
      pos = SkipSpace(pos);
      if (pos >= text_.size()) {
        return Error(pos, "the document ends early; expected a closing ']' or '}'");
      }
      if (text_[pos] == ']') return pos + 1;
      if (text_[pos] != ',') return Error(pos, "malformed JSON; expected ',' or ']'");
      pos = SkipSpace(pos + 1);
      if (pos < text_.size() && text_[pos] == ']') {
        return Error(pos, "malformed JSON; expected a value after ','");
      }
    }
  }

  StatusOr<size_t> Object(size_t pos, std::string_view stream_key, const ElementFn& on_element,
                          Value* out) {
    *out = Value::Object();
    out->set_offset(pos);
    std::unordered_set<std::string> keys;
    pos = SkipSpace(pos + 1);
    if (pos < text_.size() && text_[pos] == '}') return pos + 1;
    for (;;) {
      if (pos >= text_.size()) return Error(pos, "the document ends early; expected a closing '}'");
      if (text_[pos] != '"') return Error(pos, "malformed JSON; expected a key string");
      Value key;
      const size_t key_at = pos;
      TADAMUN_ASSIGN_OR_RETURN(pos, Slice(pos, 1, &key));
      if (!keys.insert(key.str()).second) {  // a set: a root object may have many keys
        std::string msg = "duplicate key ";
        AppendQuoted(key.str(), &msg);
        return Error(key_at, msg + "; expected each key once per object");
      }
      pos = SkipSpace(pos);
      if (pos >= text_.size() || text_[pos] != ':') return Error(pos, "malformed JSON; expected ':'");
      pos = SkipSpace(pos + 1);
      if (pos >= text_.size()) return Error(pos, "the document ends early; expected a value");
      out->members().push_back(Member{key.str(), Value(), key_at});
      Value& value = out->members().back().value;
      if (key.str() == stream_key && text_[pos] == '[') {
        TADAMUN_ASSIGN_OR_RETURN(pos, StreamArray(pos, 2, on_element, &value));
      } else {
        TADAMUN_ASSIGN_OR_RETURN(pos, Slice(pos, 2, &value));
      }
      pos = SkipSpace(pos);
      if (pos >= text_.size()) return Error(pos, "the document ends early; expected a closing '}'");
      if (text_[pos] == '}') return pos + 1;
      if (text_[pos] != ',') return Error(pos, "malformed JSON; expected ',' or '}'");
      pos = SkipSpace(pos + 1);
    }
  }

  std::string_view text_;
  SliceParser slices_;
  ParseOptions options_;
};

}  // namespace

StatusOr<Value> ParseStreaming(std::string* text, std::string_view stream_key,
                               const ElementFn& on_element, const ParseOptions& options) {
  if (text->size() > options.max_bytes) {
    return Status::ResourceExhausted("input is " + std::to_string(text->size()) +
                                     " bytes, over the limit of " +
                                     std::to_string(options.max_bytes) + " bytes");
  }
  if (text->capacity() < text->size() + sj::SIMDJSON_PADDING) {
    text->reserve(text->size() + sj::SIMDJSON_PADDING);
  }
  Streamer streamer(*text, text->capacity(), options);
  return streamer.Run(stream_key, on_element);
}

// ---------------------------------------------------------------------------------------------
// Serialisation

std::string Minify(std::string_view text) {
  std::string out;
  out.resize(text.size());  // overwritten by the minifier up to `len`
  size_t len = 0;
  // simdjson's minifier reads whole 64-byte blocks only inside the input and copies the
  // remainder into a block of its own, so it needs no padding (the fuzz target checks this
  // under AddressSanitizer).
  if (sj::minify(text.data(), text.size(), out.data(), len) != sj::SUCCESS) {
    return std::string(text);
  }
  out.resize(len);
  return out;
}

void AppendQuoted(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      default:
        out->append("\\u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 15]);
    }
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

namespace {

void AppendIndented(const Value& v, int indent, int level, std::string* out) {
  auto newline = [&](int lvl) {
    if (indent == 0) return;
    out->push_back('\n');
    out->append(static_cast<size_t>(indent * lvl), ' ');
  };
  switch (v.type()) {
    case Value::Type::kNull: out->append("null"); break;
    case Value::Type::kBool: out->append(v.bool_value() ? "true" : "false"); break;
    case Value::Type::kNumber: out->append(v.number_text()); break;
    case Value::Type::kString: AppendQuoted(v.str(), out); break;
    case Value::Type::kArray: {
      out->push_back('[');
      bool first = true;
      for (const Value& item : v.items()) {
        if (!first) out->push_back(',');
        first = false;
        newline(level + 1);
        AppendIndented(item, indent, level + 1, out);
      }
      if (!v.items().empty()) newline(level);
      out->push_back(']');
      break;
    }
    case Value::Type::kObject: {
      out->push_back('{');
      bool first = true;
      for (const Member& m : v.members()) {
        if (!first) out->push_back(',');
        first = false;
        newline(level + 1);
        AppendQuoted(m.key, out);
        out->push_back(':');
        if (indent != 0) out->push_back(' ');
        AppendIndented(m.value, indent, level + 1, out);
      }
      if (!v.members().empty()) newline(level);
      out->push_back('}');
      break;
    }
  }
}

}  // namespace

void AppendJson(const Value& value, std::string* out) { AppendIndented(value, 0, 0, out); }

std::string ToJson(const Value& value) {
  std::string out;
  AppendJson(value, &out);
  return out;
}

std::string ToPrettyJson(const Value& value) {
  std::string out;
  AppendIndented(value, 2, 0, &out);
  return out;
}

bool Equal(const Value& a, const Value& b) {
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case Value::Type::kNull: return true;
    case Value::Type::kBool: return a.bool_value() == b.bool_value();
    case Value::Type::kString: return a.str() == b.str();
    case Value::Type::kNumber: {
      if (a.number_text() == b.number_text()) return true;
      auto ia = a.AsInt64(), ib = b.AsInt64();
      if (ia && ib) return *ia == *ib;
      auto da = a.AsDouble(), db = b.AsDouble();
      return da && db && *da == *db;
    }
    case Value::Type::kArray: {
      if (a.items().size() != b.items().size()) return false;
      for (size_t i = 0; i < a.items().size(); ++i) {
        if (!Equal(a.items()[i], b.items()[i])) return false;
      }
      return true;
    }
    case Value::Type::kObject: {
      if (a.members().size() != b.members().size()) return false;
      for (const Member& m : a.members()) {
        const Value* other = b.Find(m.key);
        if (other == nullptr || !Equal(m.value, *other)) return false;
      }
      return true;
    }
  }
  return false;
}

void AppendPointer(std::string* pointer, std::string_view token) {
  pointer->push_back('/');
  for (char c : token) {
    if (c == '~') {
      pointer->append("~0");
    } else if (c == '/') {
      pointer->append("~1");
    } else {
      pointer->push_back(c);
    }
  }
}

void AppendPointer(std::string* pointer, uint64_t index) {
  pointer->push_back('/');
  pointer->append(std::to_string(index));
}

}  // namespace tadamun::json
