// Log formats of the sweep: detecting a file's format from its first line, cutting a line into
// named fields, and cutting free text into tokens (docs/sweep-semantics.md, "Log formats").
//
// Formats: squid native access.log, Zeek TSV (`#separator`, `#set_separator`, `#empty_field`,
// `#unset_field`, `#fields`, `#types` header lines; `\xHH` escapes; set and vector fields split
// on the set separator; unset and empty values skipped), Zeek JSON, Suricata EVE JSON, other
// JSON lines, and free text. LineParser::Parse hands each field of a line to a FieldVisitor
// with its name (squid: `client`, `url`, `user`, `hierarchy`, `extra`; Zeek: the `#fields`
// name; JSON: the key path, see json_line.h); for HTTP records it also builds the request URL
// from the host and path fields (field `url`: Zeek `host` + `uri`, EVE `http.hostname` +
// `http.url`). A line that does not fit its file's format is reported as malformed (the sweep
// then reads it as free text).
//
// Tokenizer cuts text into candidate values (boundaries in docs/sweep-semantics.md).
//
// Thread-safety: one LineParser per thread; ZeekHeader and the functions are pure values.
//
//   match::LineParser parser;
//   match::LogFormat f = match::DetectFormat(first_line);
//   parser.Parse(f, &header, line, &visitor);
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "match/json_line.h"

namespace tadamun::match {

enum class LogFormat : uint8_t { kSquid, kZeekTsv, kZeekJson, kEve, kJsonLines, kText };
std::string_view LogFormatName(LogFormat format);

// From the first non-empty line of a file.
LogFormat DetectFormat(std::string_view first_line);

// The header state of a Zeek TSV file, updated by every `#` line.
struct ZeekHeader {
  std::string separator = "\t";
  std::string set_separator = ",";
  std::string empty_field = "(empty)";
  std::string unset_field = "-";
  std::vector<std::string> fields;
  std::vector<std::string> types;  // may be empty (then every field is looked up)
  // Derived by Update(): per column, is it looked up / a set / a number; special columns.
  std::vector<uint8_t> lookup, is_set;
  int host = -1, uri = -1, ts = -1;
  // Applies one header line ("#fields\t..."); returns false for lines it does not know
  // (#path, #open, #close, comments), which change nothing.
  bool Update(std::string_view line);
};

// A field handed to the visitor. `name` is valid for squid and Zeek TSV; for JSON formats the
// name is built on demand by Name().
struct FieldRef {
  std::string_view name;
  const JsonLineScanner* json = nullptr;
  size_t json_index = 0;
  bool number = false;  // a JSON number or a Zeek numeric column (not looked up)
  bool is_time = false; // the record's time (squid `time`, Zeek `ts`, EVE `timestamp`)
  std::string Name() const;
};

class FieldVisitor {
 public:
  virtual ~FieldVisitor() = default;
  virtual void Field(const FieldRef& field, std::string_view value) = 0;
};

class LineParser {
 public:
  // Hands every field of `line` to `visitor`. Returns false (having visited nothing) when the
  // line does not fit `format`; kText never fails (the visitor gets the whole line as one
  // field named "text").
  bool Parse(LogFormat format, const ZeekHeader& header, std::string_view line, FieldVisitor* visitor);
  // Why the last Parse() returned false.
  const std::string& error() const { return error_; }
  // Whether fields that are never looked up (FieldRef::number: counters, ports, JSON numbers)
  // are handed to the visitor; the record's time always is. Default true; the sweep turns it
  // off when no pattern-engine indicator needs the whole event.
  void set_visit_unsearched(bool visit) { visit_unsearched_ = visit; }

 private:
  bool Squid(std::string_view line, FieldVisitor* visitor);
  bool ZeekTsv(const ZeekHeader& header, std::string_view line, FieldVisitor* visitor);
  bool Json(LogFormat format, std::string_view line, FieldVisitor* visitor);
  std::string_view Unescape(std::string_view value);  // Zeek \xHH; may use scratch_

  JsonLineScanner json_;
  std::vector<std::string_view> columns_;
  std::string scratch_;
  std::string url_;
  std::string error_;
  bool visit_unsearched_ = true;
};

// Cuts text into tokens: no allocation, views into `text`.
//   Tokenizer t("GET http://evil.com/a?b=c from 10.0.0.1:443;");
//   std::string_view tok; while (t.Next(&tok)) ...   // GET, http://evil.com/a?b=c, from, 10.0.0.1:443
class Tokenizer {
 public:
  explicit Tokenizer(std::string_view text) : text_(text) {}
  bool Next(std::string_view* token);

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

// True when a field value is looked up as one token rather than tokenised: it contains "://"
// and no byte that ends a URL token (whitespace, control, quotes, angle brackets).
bool IsWholeUrlValue(std::string_view value);

}  // namespace tadamun::match
