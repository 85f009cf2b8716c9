// Cross-property constraints of the STIX 2.1 object types (the MUST rules that involve more than
// one property). Each rule reports through the Checker; properties of the wrong type were
// already reported by the per-property checks and are skipped here.
#include <arpa/inet.h>

#include <string>

#include "stix/schema.h"
#include "stix/tlp.h"

namespace tadamun::stix::internal {
namespace {

std::optional<Timestamp> TimeOf(const RuleContext& ctx, std::string_view name) {
  const json::Value* v = ctx.Get(name);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  StatusOr<Timestamp> t = Timestamp::Parse(v->str());
  if (!t.ok()) return std::nullopt;
  return *t;
}

// `later` must be ≥ `earlier` (or > when `strict`).
void Order(RuleContext& ctx, std::string_view earlier, std::string_view later, bool strict) {
  std::optional<Timestamp> a = TimeOf(ctx, earlier);
  std::optional<Timestamp> b = TimeOf(ctx, later);
  if (!a || !b) return;
  if (strict ? *b > *a : *b >= *a) return;
  std::string msg = std::string(later) + " (" + ctx.Get(later)->str() + ") must be " +
                    (strict ? "later than " : "later than or equal to ") + std::string(earlier) +
                    " (" + ctx.Get(earlier)->str() + ")";
  ctx.checker.Error(*ctx.Get(later), ctx.root.Child(later), std::move(msg));
}

void Require(RuleContext& ctx, std::string_view name, std::string_view why) {
  if (ctx.Get(name) != nullptr) return;
  ctx.checker.Error(ctx.object, ctx.root.Child(name),
                    "required property \"" + std::string(name) + "\" is missing (" +
                        std::string(why) + ")");
}

void Exclusive(RuleContext& ctx, std::string_view a, std::string_view b) {
  if (ctx.Get(a) == nullptr || ctx.Get(b) == nullptr) return;
  ctx.checker.Error(*ctx.Get(b), ctx.root.Child(b),
                    std::string(b) + " must not be present together with " + std::string(a));
}

void AtLeastOne(RuleContext& ctx, std::initializer_list<std::string_view> names) {
  std::string list;
  for (std::string_view n : names) {
    if (ctx.Get(n) != nullptr) return;
    if (!list.empty()) list += ", ";
    list += n;
  }
  ctx.checker.Error(ctx.object, ctx.root, "expected at least one of: " + list);
}

bool IsMacAddress(std::string_view s) {
  if (s.size() != 17) return false;
  for (size_t i = 0; i < 17; ++i) {
    char c = s[i];
    if (i % 3 == 2) {
      if (c != ':') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

// An address, optionally with a "/prefix" in range (CIDR block).
bool IsIpOrCidr(const std::string& s, bool v6) {
  size_t slash = s.find('/');
  std::string addr = s.substr(0, slash);
  unsigned char buf[16];
  if (inet_pton(v6 ? AF_INET6 : AF_INET, addr.c_str(), buf) != 1) return false;
  if (slash == std::string::npos) return true;
  std::string_view prefix(s.data() + slash + 1, s.size() - slash - 1);
  if (prefix.empty() || prefix.size() > 3) return false;
  int n = 0;
  for (char c : prefix) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + (c - '0');
  }
  return n <= (v6 ? 128 : 32);
}

}  // namespace

void CampaignRule(RuleContext& ctx) { Order(ctx, "first_seen", "last_seen", false); }

void IndicatorRule(RuleContext& ctx) { Order(ctx, "valid_from", "valid_until", true); }

void LocationRule(RuleContext& ctx) {
  bool lat = ctx.Get("latitude") != nullptr;
  bool lon = ctx.Get("longitude") != nullptr;
  if (lat != lon) {
    std::string_view missing = lat ? "longitude" : "latitude";
    Require(ctx, missing, "latitude and longitude go together");
  }
  if (ctx.Get("precision") != nullptr && !(lat && lon)) {
    ctx.checker.Error(*ctx.Get("precision"), ctx.root.Child("precision"),
                      "precision needs latitude and longitude");
  }
  if (ctx.Get("region") == nullptr && ctx.Get("country") == nullptr && !(lat && lon)) {
    ctx.checker.Error(ctx.object, ctx.root,
                      "a location needs region, country, or latitude and longitude");
  }
}

void MalwareRule(RuleContext& ctx) {
  Order(ctx, "first_seen", "last_seen", false);
  const json::Value* family = ctx.Get("is_family");
  if (family != nullptr && family->is_bool() && family->bool_value()) {
    Require(ctx, "name", "a malware family must have a name");
  }
}

void MalwareAnalysisRule(RuleContext& ctx) {
  Order(ctx, "analysis_started", "analysis_ended", false);
  AtLeastOne(ctx, {"result", "analysis_sco_refs"});
}

void ObservedDataRule(RuleContext& ctx) {
  Order(ctx, "first_observed", "last_observed", false);
  Exclusive(ctx, "object_refs", "objects");
  if (ctx.Get("objects") == nullptr && ctx.Get("object_refs") == nullptr) {
    Require(ctx, "object_refs", "observed-data needs object_refs (or the deprecated objects)");
  }
}

void RelationshipRule(RuleContext& ctx) { Order(ctx, "start_time", "stop_time", true); }

void SightingRule(RuleContext& ctx) { Order(ctx, "first_seen", "last_seen", false); }

void MarkingDefinitionRule(RuleContext& ctx) {
  const json::Value* type = ctx.Get("definition_type");
  const json::Value* def = ctx.Get("definition");
  if (ctx.Get("extensions") == nullptr) {
    Require(ctx, "definition_type", "a marking definition without extensions needs it");
    Require(ctx, "definition", "a marking definition without extensions needs it");
  }
  else if (type != nullptr && def == nullptr) Require(ctx, "definition", "definition_type is set");
  else if (def != nullptr && type == nullptr) Require(ctx, "definition_type", "definition is set");
  if (type != nullptr && type->is_string() && def != nullptr && def->is_object()) {
    Path dp = ctx.root.Child("definition");
    if (type->str() == "tlp") {
      const json::Value* tlp = def->Find("tlp");
      if (tlp == nullptr || !tlp->is_string() || def->members().size() != 1 ||
          (tlp->str() != "white" && tlp->str() != "green" && tlp->str() != "amber" &&
           tlp->str() != "red")) {
        ctx.checker.Error(*def, dp,
                          "a tlp definition must be {\"tlp\": \"white\"|\"green\"|\"amber\"|"
                          "\"red\"}, got " + json::ToJson(*def).substr(0, 80));
      }
    } else if (type->str() == "statement") {
      const json::Value* st = def->Find("statement");
      if (st == nullptr) {
        ctx.checker.Error(*def, dp.Child("statement"),
                          "required property \"statement\" is missing");
      } else {
        ctx.checker.CheckString(*st, dp.Child("statement"));
      }
    }
  }
  // Predefined TLP markings must be exactly the published objects.
  const json::Value* id = ctx.Get("id");
  if (id != nullptr && id->is_string()) {
    if (const TlpMarking* tlp = FindTlpMarking(id->str())) {
      std::string why;
      if (!MatchesPredefinedTlp(ctx.object, *tlp, &why)) {
        ctx.checker.Error(ctx.object, ctx.root,
                          "predefined " + std::string(tlp->name) + " marking (TLP " +
                              std::to_string(tlp->version) + ".0) " + why);
      }
    }
  }
}

void ExtensionDefinitionRule(RuleContext& ctx) {
  const json::Value* types = ctx.Get("extension_types");
  if (types == nullptr || !types->is_array()) return;
  bool toplevel = false;
  for (const json::Value& t : types->items()) {
    toplevel |= t.is_string() && t.str() == "toplevel-property-extension";
  }
  if (const json::Value* props = ctx.Get("extension_properties"); props != nullptr && !toplevel) {
    ctx.checker.Error(*props, ctx.root.Child("extension_properties"),
                      "extension_properties is only allowed when extension_types contains "
                      "toplevel-property-extension");
  }
  for (size_t i = 0; i < types->items().size(); ++i) {
    const json::Value& t = types->items()[i];
    if (!t.is_string()) continue;
    if (InList("new-sdo new-sco new-sro property-extension toplevel-property-extension", t.str())) {
      continue;
    }
    ctx.checker.Error(t, ctx.root.Child("extension_types").Item(i),
                      "expected one of new-sdo, new-sco, new-sro, property-extension, "
                      "toplevel-property-extension; got " + Describe(t));
  }
}

void ArtifactRule(RuleContext& ctx) {
  Exclusive(ctx, "payload_bin", "url");
  if (ctx.Get("url") != nullptr) Require(ctx, "hashes", "an artifact with a url needs hashes");
}

void EmailMessageRule(RuleContext& ctx) {
  const json::Value* multipart = ctx.Get("is_multipart");
  if (multipart == nullptr || !multipart->is_bool()) return;
  std::string_view forbidden = multipart->bool_value() ? "body" : "body_multipart";
  if (const json::Value* v = ctx.Get(forbidden)) {
    ctx.checker.Error(*v, ctx.root.Child(forbidden),
                      std::string(forbidden) + " must not be present when is_multipart is " +
                          (multipart->bool_value() ? "true" : "false"));
  }
}

void FileRule(RuleContext& ctx) {
  AtLeastOne(ctx, {"hashes", "name"});
}

void MacAddrRule(RuleContext& ctx) {
  const json::Value* v = ctx.Get("value");
  if (v == nullptr || !v->is_string() || IsMacAddress(v->str())) return;
  ctx.checker.Error(*v, ctx.root.Child("value"),
                    "expected a MAC address as six lowercase colon-separated hex octets "
                    "(\"d2:fb:49:24:37:18\"), got " + Describe(*v));
}

void IpAddrRule(RuleContext& ctx, bool v6) {
  const json::Value* v = ctx.Get("value");
  if (v == nullptr || !v->is_string() || IsIpOrCidr(v->str(), v6)) return;
  ctx.checker.Error(*v, ctx.root.Child("value"),
                    std::string("expected an ") + (v6 ? "IPv6" : "IPv4") +
                        " address or CIDR block, got " + Describe(*v));
}

void Ipv4Rule(RuleContext& ctx) { IpAddrRule(ctx, false); }
void Ipv6Rule(RuleContext& ctx) { IpAddrRule(ctx, true); }

void NetworkTrafficRule(RuleContext& ctx) {
  AtLeastOne(ctx, {"src_ref", "dst_ref"});
  Order(ctx, "start", "end", false);
  const json::Value* active = ctx.Get("is_active");
  if (ctx.Get("end") != nullptr && active != nullptr && active->is_bool() &&
      active->bool_value()) {
    ctx.checker.Error(*active, ctx.root.Child("is_active"),
                      "is_active must not be true when end is present");
  }
}

void ProcessRule(RuleContext& ctx) {
  for (const json::Member& m : ctx.object.members()) {
    if (m.key != "type" && m.key != "id" && m.key != "spec_version" &&
        m.key != "object_marking_refs" && m.key != "granular_markings" && m.key != "defanged") {
      return;
    }
  }
  ctx.checker.Error(ctx.object, ctx.root,
                    "a process needs at least one process property or extension");
}

void X509Rule(RuleContext& ctx) {
  AtLeastOne(ctx, {"is_self_signed", "hashes", "version", "serial_number", "signature_algorithm",
                   "issuer", "validity_not_before", "validity_not_after", "subject",
                   "subject_public_key_algorithm", "subject_public_key_modulus",
                   "subject_public_key_exponent", "x509_v3_extensions"});
  Order(ctx, "validity_not_before", "validity_not_after", false);
}

}  // namespace tadamun::stix::internal
