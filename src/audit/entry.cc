#include "audit/entry.h"

#include "audit/tiles.h"
#include "base/encoding.h"
#include "base/timestamp.h"

namespace tadamun::audit {
namespace {

constexpr std::string_view kHeader = "tadamun/audit-entry/v1";

Status CheckValue(std::string_view field, std::string_view v, bool allow_space) {
  if (v.empty()) return Status::InvalidArgument("audit entry: field '" + std::string(field) + "' is empty");
  if (v.front() == ' ' || v.back() == ' ') {
    return Status::InvalidArgument("audit entry: field '" + std::string(field) +
                                   "' has leading or trailing spaces");
  }
  for (char c : v) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F || (!allow_space && c == ' ')) {
      return Status::InvalidArgument("audit entry: field '" + std::string(field) +
                                     "' has a control character" +
                                     (allow_space ? "" : " or a space"));
    }
  }
  return Status::Ok();
}

StatusOr<EntryKind> KindFromName(std::string_view name) {
  if (name == "import") return EntryKind::kImport;
  if (name == "release") return EntryKind::kRelease;
  if (name == "member") return EntryKind::kMember;
  if (name == "key") return EntryKind::kKey;
  if (name == "delete") return EntryKind::kDelete;
  return Status::InvalidArgument("audit entry: unknown kind '" + std::string(name.substr(0, 40)) +
                                 "' (expected import, release, member, key or delete)");
}

// The optional/required text fields in canonical order.
struct Field {
  std::string_view name;
  std::string Entry::*member;
};
constexpr Field kFields[] = {
    {"actor", &Entry::actor},   {"bundle", &Entry::bundle}, {"source", &Entry::source},
    {"member", &Entry::member}, {"policy", &Entry::policy}, {"action", &Entry::action},
    {"key", &Entry::key},       {"part", &Entry::part},     {"note", &Entry::note},
};

Status Validate(const Entry& e) {
  if (!Timestamp::Parse(e.time).ok()) {
    return Status::InvalidArgument("audit entry: time '" + e.time.substr(0, 40) +
                                   "' is not a UTC timestamp like 2026-11-25T03:00:00Z");
  }
  TADAMUN_RETURN_IF_ERROR(CheckValue("time", e.time, false));
  for (const Field& f : kFields) {
    const std::string& v = e.*f.member;
    if (!v.empty()) TADAMUN_RETURN_IF_ERROR(CheckValue(f.name, v, true));
  }
  auto require = [&](std::string_view field, const std::string& v) {
    return v.empty() ? Status::InvalidArgument("audit entry: a " +
                                               std::string(EntryKindName(e.kind)) +
                                               " entry needs '" + std::string(field) + "'")
                     : Status::Ok();
  };
  switch (e.kind) {
    case EntryKind::kImport:
      TADAMUN_RETURN_IF_ERROR(require("bundle", e.bundle));
      TADAMUN_RETURN_IF_ERROR(require("source", e.source));
      break;
    case EntryKind::kRelease:
      TADAMUN_RETURN_IF_ERROR(require("member", e.member));
      TADAMUN_RETURN_IF_ERROR(require("policy", e.policy));
      if (e.objects.empty()) return Status::InvalidArgument("audit entry: a release names no objects");
      break;
    case EntryKind::kMember:
      TADAMUN_RETURN_IF_ERROR(require("action", e.action));
      TADAMUN_RETURN_IF_ERROR(require("member", e.member));
      break;
    case EntryKind::kKey:
      TADAMUN_RETURN_IF_ERROR(require("action", e.action));
      TADAMUN_RETURN_IF_ERROR(require("key", e.key));
      break;
    case EntryKind::kDelete:
      TADAMUN_RETURN_IF_ERROR(require("source", e.source));
      if (e.objects.empty()) return Status::InvalidArgument("audit entry: a delete names no objects");
      break;
  }
  if (!e.bundle.empty()) {
    std::string_view b = e.bundle;
    if (b.substr(0, 7) != "sha256:" || b.size() != 7 + 64 || !IsHex(b.substr(7)) ||
        HexEncode(HexDecode(b.substr(7)).value()) != b.substr(7)) {
      return Status::InvalidArgument("audit entry: bundle must be sha256:<64 lowercase hex>");
    }
  }
  for (const ObjectRef& o : e.objects) {
    TADAMUN_RETURN_IF_ERROR(CheckValue("object id", o.id, false));
    TADAMUN_RETURN_IF_ERROR(CheckValue("object version", o.version, false));
  }
  return Status::Ok();
}

std::string EncodeUnchecked(const Entry& e) {
  std::string out(kHeader);
  out += "\nkind ";
  out += EntryKindName(e.kind);
  out += "\ntime " + e.time + "\n";
  for (const Field& f : kFields) {
    const std::string& v = e.*f.member;
    if (!v.empty()) {
      out += f.name;
      out += ' ';
      out += v;
      out += '\n';
    }
  }
  for (const ObjectRef& o : e.objects) out += "object " + o.id + " " + o.version + "\n";
  return out;
}

}  // namespace

std::string_view EntryKindName(EntryKind kind) {
  switch (kind) {
    case EntryKind::kImport: return "import";
    case EntryKind::kRelease: return "release";
    case EntryKind::kMember: return "member";
    case EntryKind::kKey: return "key";
    case EntryKind::kDelete: return "delete";
  }
  return "?";
}

Entry Entry::Import(std::string time, std::string bundle_digest, std::string source,
                    std::vector<ObjectRef> objects) {
  Entry e;
  e.kind = EntryKind::kImport;
  e.time = std::move(time);
  e.bundle = std::move(bundle_digest);
  e.source = std::move(source);
  e.objects = std::move(objects);
  return e;
}

Entry Entry::Release(std::string time, std::string to_member, std::string policy,
                     std::vector<ObjectRef> objects) {
  Entry e;
  e.kind = EntryKind::kRelease;
  e.time = std::move(time);
  e.member = std::move(to_member);
  e.policy = std::move(policy);
  e.objects = std::move(objects);
  return e;
}

Entry Entry::Member(std::string time, std::string action, std::string member) {
  Entry e;
  e.kind = EntryKind::kMember;
  e.time = std::move(time);
  e.action = std::move(action);
  e.member = std::move(member);
  return e;
}

Entry Entry::Key(std::string time, std::string action, std::string vkey) {
  Entry e;
  e.kind = EntryKind::kKey;
  e.time = std::move(time);
  e.action = std::move(action);
  e.key = std::move(vkey);
  return e;
}

Entry Entry::Delete(std::string time, std::string actor, std::string from,
                    std::vector<ObjectRef> objects) {
  Entry e;
  e.kind = EntryKind::kDelete;
  e.time = std::move(time);
  e.actor = std::move(actor);
  e.source = std::move(from);
  e.objects = std::move(objects);
  return e;
}

StatusOr<std::string> EncodeEntry(const Entry& entry) {
  TADAMUN_RETURN_IF_ERROR(Validate(entry));
  std::string out = EncodeUnchecked(entry);
  if (out.size() > kMaxEntrySize) {
    return Status::InvalidArgument("audit entry is " + std::to_string(out.size()) +
                                   " bytes, over 65535; split it with SplitToFit");
  }
  return out;
}

StatusOr<Entry> DecodeEntry(std::string_view bytes) {
  if (bytes.size() > kMaxEntrySize) {
    return Status::InvalidArgument("audit entry is over 65535 bytes");
  }
  if (bytes.empty() || bytes.back() != '\n') {
    return Status::InvalidArgument("audit entry: must end with a newline");
  }
  std::vector<std::string_view> lines;
  for (size_t pos = 0; pos < bytes.size();) {
    size_t end = bytes.find('\n', pos);
    lines.push_back(bytes.substr(pos, end - pos));
    pos = end + 1;
  }
  if (lines.size() < 3 || lines[0] != kHeader) {
    return Status::InvalidArgument("audit entry: line 1 must be '" + std::string(kHeader) + "'");
  }
  auto value_of = [&](size_t i, std::string_view name) -> StatusOr<std::string_view> {
    std::string_view l = lines[i];
    if (l.substr(0, name.size() + 1) != std::string(name) + " ") {
      return Status::InvalidArgument("audit entry line " + std::to_string(i + 1) + ": expected '" +
                                     std::string(name) + " …'");
    }
    return l.substr(name.size() + 1);
  };
  Entry e;
  TADAMUN_ASSIGN_OR_RETURN(std::string_view kind, value_of(1, "kind"));
  TADAMUN_ASSIGN_OR_RETURN(e.kind, KindFromName(kind));
  TADAMUN_ASSIGN_OR_RETURN(std::string_view time, value_of(2, "time"));
  e.time = std::string(time);
  size_t i = 3;
  for (const Field& f : kFields) {
    if (i < lines.size() && lines[i].substr(0, f.name.size() + 1) == std::string(f.name) + " ") {
      e.*f.member = std::string(lines[i].substr(f.name.size() + 1));
      ++i;
    }
  }
  for (; i < lines.size(); ++i) {
    TADAMUN_ASSIGN_OR_RETURN(std::string_view obj, value_of(i, "object"));
    size_t space = obj.find(' ');
    if (space == std::string_view::npos) {
      return Status::InvalidArgument("audit entry line " + std::to_string(i + 1) +
                                     ": expected 'object <id> <version>'");
    }
    e.objects.push_back({std::string(obj.substr(0, space)), std::string(obj.substr(space + 1))});
  }
  TADAMUN_RETURN_IF_ERROR(Validate(e));
  if (EncodeUnchecked(e) != bytes) {
    return Status::InvalidArgument("audit entry: not in canonical form (field order or spacing)");
  }
  return e;
}

StatusOr<std::vector<Entry>> SplitToFit(const Entry& entry, size_t max_bytes) {
  TADAMUN_RETURN_IF_ERROR(Validate(entry));
  max_bytes = std::min(max_bytes, kMaxEntrySize);
  if (EncodeUnchecked(entry).size() <= max_bytes) return std::vector<Entry>{entry};
  Entry base = entry;
  base.objects.clear();
  base.part = "999999/999999";  // room for the widest part line
  size_t base_size = EncodeUnchecked(base).size();
  std::vector<Entry> parts;
  Entry current = base;
  size_t size = base_size;
  for (const ObjectRef& o : entry.objects) {
    size_t line = 9 + o.id.size() + o.version.size();
    if (base_size + line > max_bytes) {
      return Status::InvalidArgument("audit entry: object " + o.id.substr(0, 80) +
                                     " alone does not fit in an entry");
    }
    if (size + line > max_bytes) {
      parts.push_back(std::move(current));
      current = base;
      size = base_size;
    }
    current.objects.push_back(o);
    size += line;
  }
  parts.push_back(std::move(current));
  if (parts.size() > 999999) return Status::InvalidArgument("audit entry: too many parts");
  for (size_t i = 0; i < parts.size(); ++i) {
    parts[i].part = std::to_string(i + 1) + "/" + std::to_string(parts.size());
  }
  return parts;
}

std::string DescribeEntry(const Entry& e) {
  std::string out(EntryKindName(e.kind));
  out += " " + e.time;
  for (const Field& f : kFields) {
    const std::string& v = e.*f.member;
    if (!v.empty()) out += " " + std::string(f.name) + "=" + v;
  }
  if (!e.objects.empty()) out += " objects=" + std::to_string(e.objects.size());
  return out;
}

}  // namespace tadamun::audit
