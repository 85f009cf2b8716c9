// Audit log entries: what a node records (imports, releases, member and key changes) in a
// small canonical text format, so `tadamun audit log --index N --raw` prints the exact bytes
// whose leaf hash is SHA-256(0x00 || bytes).
//
// Format (UTF-8, one field per line, each line ending in '\n', fields in exactly this order,
// optional fields omitted, values non-empty without control characters or surrounding spaces):
//
//   tadamun/audit-entry/v1
//   kind import|release|member|key|delete
//   time 2026-11-25T03:00:00Z            RFC 3339 UTC (STIX timestamp rules)
//   actor <who acted>                    optional: local user, member name or node name
//   bundle sha256:<64 hex>               import: digest of the bundle file as received
//   source <where it came from>          import: file name, peer name, TAXII collection;
//                                        delete: the collection removed from, "collection:<id>"
//   member <member name>                 release: recipient; member/key: the member concerned
//   policy <policy name or rule>         release: the policy it was released under
//   action <word>                        member: add|remove|update; key: create|rotate|revoke
//   key <C2SP verifier key>              key: the key concerned
//   part <i>/<n>                         optional: large imports split into n entries
//   note <free text>                     optional
//   object <STIX id> <version>           repeated: objects imported, released or deleted
//                                        (version = the object's `modified`, or `-` when it has
//                                        none)
//
// Required: import → bundle, source; release → member, policy, ≥ 1 object; member → action,
// member; key → action, key; delete → source, ≥ 1 object (actor: who asked, e.g.
// "taxii:<member>"). Decode() accepts only the canonical encoding
// (Encode(Decode(b)) == b), so one entry has exactly one byte form. An entry is at most 65535
// bytes (entry bundles use uint16 lengths): SplitToFit() cuts a large import into parts.
//
// Value types; thread-compatible.
//
//   audit::Entry e = audit::Entry::Import(now, "sha256:ab12...", "file:feed.json", objects);
//   TADAMUN_ASSIGN_OR_RETURN(std::string bytes, audit::EncodeEntry(e));
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace tadamun::audit {

enum class EntryKind { kImport, kRelease, kMember, kKey, kDelete };

std::string_view EntryKindName(EntryKind kind);

struct ObjectRef {
  std::string id;       // STIX id, e.g. indicator--…
  std::string version;  // its `modified` timestamp, or "-"
  friend bool operator==(const ObjectRef&, const ObjectRef&) = default;
};

struct Entry {
  EntryKind kind = EntryKind::kImport;
  std::string time;  // STIX timestamp text, UTC
  std::string actor;
  std::string bundle;  // "sha256:<hex>"
  std::string source;
  std::string member;
  std::string policy;
  std::string action;
  std::string key;
  std::string part;  // "<i>/<n>"
  std::string note;
  std::vector<ObjectRef> objects;

  static Entry Import(std::string time, std::string bundle_digest, std::string source,
                      std::vector<ObjectRef> objects);
  static Entry Release(std::string time, std::string to_member, std::string policy,
                       std::vector<ObjectRef> objects);
  static Entry Member(std::string time, std::string action, std::string member);
  static Entry Key(std::string time, std::string action, std::string vkey);
  // Object versions removed from a collection (TAXII DELETE); `from` is "collection:<id>".
  static Entry Delete(std::string time, std::string actor, std::string from,
                      std::vector<ObjectRef> objects);

  friend bool operator==(const Entry&, const Entry&) = default;
};

// The canonical bytes; InvalidArgument naming the field when the entry is not valid or is
// over 65535 bytes.
StatusOr<std::string> EncodeEntry(const Entry& entry);

// Parses canonical bytes; InvalidArgument naming the line otherwise.
StatusOr<Entry> DecodeEntry(std::string_view bytes);

// Splits an entry whose encoding is over `max_bytes` into parts (same fields, objects spread,
// `part i/n` set). Entries that fit are returned alone and unchanged.
StatusOr<std::vector<Entry>> SplitToFit(const Entry& entry, size_t max_bytes = 65535);

// One line for humans: "import 2026-…Z source=… bundle=sha256:… objects=12".
std::string DescribeEntry(const Entry& entry);

}  // namespace tadamun::audit
