// A scanner for one JSON log line (Zeek JSON, Suricata EVE, any JSON lines): it lists the
// line's scalar values with their paths, without building a tree.
//
// Scan() walks the text once, iteratively (explicit stack, depth limit), validates it as one
// JSON value (RFC 8259 syntax; strings must not hold raw control bytes; UTF-8 is not checked
// here) and records every string and number value with the key path that leads to it. Keys are
// joined with '.', array elements add nothing to the path: in
//   {"dns":{"answers":[{"rdata":"1.2.3.4"}]}}
// "1.2.3.4" has the path "dns.answers.rdata". String escapes (\" \\ \/ \b \f \n \r \t \uXXXX,
// surrogate pairs; a lone surrogate is an error, as for the json module) are decoded into the scanner's scratch
// buffer; unescaped strings are views into the line. Work is linear in the line; memory is
// the scanner's reused buffers (no allocation per line once warm).
//
// Thread-safety: one scanner per thread. Views returned stay valid until the next Scan().
//
//   match::JsonLineScanner s;
//   if (s.Scan(R"({"query":"evil.com"})")) {
//     for (size_t i = 0; i < s.size(); ++i) Use(s.Path(i, &path), s.value(i));
//   }
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tadamun::match {

class JsonLineScanner {
 public:
  // Deepest nesting of objects and arrays accepted.
  static constexpr int kMaxDepth = 64;

  // Scans `line`. False when it is not exactly one JSON value (then `error()` says what and
  // the byte column); the values found before the error are dropped.
  bool Scan(std::string_view line);

  size_t size() const { return values_.size(); }
  std::string_view value(size_t i) const;
  bool is_number(size_t i) const { return values_[i].number; }
  // The value's path ("a.b.c"), built into *out (returned view points into it).
  std::string_view Path(size_t i, std::string* out) const;
  // True when the value's path is exactly `path` (no string built).
  bool PathIs(size_t i, std::string_view path) const;
  // The last key of the value's path ("" for a top-level value).
  std::string_view Key(size_t i) const;
  const std::string& error() const { return error_; }

 private:
  struct Node {  // one object member key
    int32_t parent;  // -1: top level
    uint32_t offset; // key bytes: in line_ or in scratch_
    uint32_t length;
    bool in_scratch;
  };
  struct Item {
    int32_t node;  // the key leading to the value (-1: none)
    uint32_t offset;
    uint32_t length;
    bool in_scratch;
    bool number;
  };
  std::string_view Bytes(uint32_t offset, uint32_t length, bool in_scratch) const {
    return in_scratch ? std::string_view(scratch_).substr(offset, length) : line_.substr(offset, length);
  }
  // Parses the string starting at line_[*pos] == '"'; on success sets its location.
  bool String(size_t* pos, uint32_t* offset, uint32_t* length, bool* in_scratch);
  bool Fail(size_t pos, const char* what);

  std::string_view line_;
  std::string scratch_;
  std::vector<Node> nodes_;
  std::vector<Item> values_;
  std::string error_;
};

}  // namespace tadamun::match
