#include "match/event_observation.h"

#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>

#include "match/compile.h"
#include "match/log_format.h"
#include "match/normalize.h"
#include "match/token_lookup.h"
#include "pattern/evaluate.h"
#include "pattern/observation.h"

namespace tadamun::match {
namespace {

constexpr size_t kMaxScos = 1000;

const IndicatorIndex& EmptyIndex() {
  static const IndicatorIndex* empty = new IndicatorIndex(IndicatorIndex::Builder().Build());
  return *empty;
}

class BundleBuilder {
 public:
  // Returns the SCO's id, adding it once per (type, value).
  std::string Add(const std::string& type, const std::string& key, json::Value value) {
    auto [it, added] = seen_.try_emplace(type + '\0' + key, "");
    if (!added) return it->second;
    if (scos_.size() >= kMaxScos) return "";
    char id[96];
    std::snprintf(id, sizeof id, "%s--00000000-0000-4000-8000-%012zu", type.c_str(), scos_.size() + 1);
    it->second = id;
    value.Set("type", json::Value::String(type));
    value.Set("spec_version", json::Value::String("2.1"));
    value.Set("id", json::Value::String(id));
    scos_.push_back(std::move(value));
    return id;
  }
  std::string AddValue(const std::string& type, std::string_view v) {
    json::Value o = json::Value::Object();
    o.Set("value", json::Value::String(std::string(v)));
    return Add(type, std::string(v), std::move(o));
  }
  std::vector<json::Value>& scos() { return scos_; }

 private:
  std::map<std::string, std::string> seen_;
  std::vector<json::Value> scos_;
};

// Adds the SCO of a host: IPv4, [IPv6] / IPv6, or a domain name.
std::string AddHost(BundleBuilder* b, std::string_view host) {
  if (host.empty()) return "";
  if (host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (ParseIpv4(host).ok()) return b->AddValue("ipv4-addr", host);
  if (host.find(':') != std::string_view::npos) {
    return ParseIpv6(host).ok() ? b->AddValue("ipv6-addr", host) : "";
  }
  if (host.find('.') == std::string_view::npos) return "";
  return b->AddValue("domain-name", host);
}

std::string_view StripPort(std::string_view host) {
  if (!host.empty() && host.front() == '[') return host.substr(0, host.find(']') + 1);
  const size_t colon = host.rfind(':');
  if (colon != std::string_view::npos && host.find(':') == colon) return host.substr(0, colon);
  return host;
}

void AddToken(BundleBuilder* b, std::string_view token) {
  std::vector<uint32_t> none;
  switch (LookupToken(EmptyIndex(), token, &none)) {
    case TokenKind::kUrl: {
      b->AddValue("url", token);
      std::string_view rest = token.substr(token.find("://") + 3);
      rest = rest.substr(0, rest.find_first_of("/?#"));
      if (size_t at = rest.rfind('@'); at != std::string_view::npos) rest = rest.substr(at + 1);
      AddHost(b, StripPort(rest));
      break;
    }
    case TokenKind::kEmail:
      b->AddValue("email-addr", token);
      AddHost(b, token.substr(token.rfind('@') + 1));
      break;
    case TokenKind::kIpv4:
    case TokenKind::kIpv6:
    case TokenKind::kDomain:
      AddHost(b, StripPort(token).empty() ? token : StripPort(token));
      break;
    case TokenKind::kHash: {
      const char* alg = token.size() == 32 ? "MD5" : token.size() == 40 ? "SHA-1" : token.size() == 64 ? "SHA-256"
                        : token.size() == 96 ? "SHA-384" : "SHA-512";
      json::Value hashes = json::Value::Object();
      hashes.Set(alg, json::Value::String(std::string(token)));
      json::Value file = json::Value::Object();
      file.Set("hashes", std::move(hashes));
      b->Add("file", std::string(alg) + ":" + std::string(token), std::move(file));
      break;
    }
    case TokenKind::kWallet:
      b->AddValue(std::string(kWalletObjectType), token);
      break;
    case TokenKind::kNone:
      break;
  }
}

const EventField* FindField(const std::vector<EventField>& fields, size_t count,
                            std::initializer_list<std::string_view> names) {
  for (size_t i = 0; i < count; ++i) {
    for (std::string_view n : names) {
      if (fields[i].name == n) return &fields[i];
    }
  }
  return nullptr;
}

}  // namespace

json::Value EventBundle(const std::vector<EventField>& fields, size_t count, Timestamp time) {
  BundleBuilder b;
  for (size_t i = 0; i < count; ++i) {
    const EventField& f = fields[i];
    if (!f.looked_up) continue;
    if (IsWholeUrlValue(f.value)) {
      AddToken(&b, f.value);
      continue;
    }
    Tokenizer tokens(f.value);
    std::string_view t;
    while (tokens.Next(&t)) AddToken(&b, t);
  }
  // Connection fields -> network-traffic.
  const EventField* src = FindField(fields, count, {"id.orig_h", "id_orig_h", "src_ip"});
  const EventField* dst = FindField(fields, count, {"id.resp_h", "id_resp_h", "dest_ip"});
  if (src != nullptr || dst != nullptr) {
    json::Value nt = json::Value::Object();
    std::string key;
    if (src != nullptr) {
      if (std::string ref = AddHost(&b, src->value); !ref.empty()) nt.Set("src_ref", json::Value::String(ref));
      key += src->value;
    }
    if (dst != nullptr) {
      if (std::string ref = AddHost(&b, dst->value); !ref.empty()) nt.Set("dst_ref", json::Value::String(ref));
      key += "|" + dst->value;
    }
    auto port = [&](std::initializer_list<std::string_view> names, const char* prop) {
      if (const EventField* p = FindField(fields, count, names)) {
        char* end = nullptr;
        const long v = std::strtol(p->value.c_str(), &end, 10);
        if (!p->value.empty() && *end == '\0' && v >= 0 && v <= 65535) {
          nt.Set(prop, json::Value::Int(v));
          key += "|" + p->value;
        }
      }
    };
    port({"id.orig_p", "id_orig_p", "src_port"}, "src_port");
    port({"id.resp_p", "id_resp_p", "dest_port"}, "dst_port");
    if (const EventField* proto = FindField(fields, count, {"proto"})) {
      std::string p = proto->value;
      for (char& c : p) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      json::Value list = json::Value::Array();
      list.Append(json::Value::String(p));
      nt.Set("protocols", std::move(list));
    }
    if (nt.Find("src_ref") != nullptr || nt.Find("dst_ref") != nullptr) {
      b.Add("network-traffic", key, std::move(nt));
    }
  }
  const std::string t = time.ToString();
  json::Value refs = json::Value::Array();
  for (const json::Value& sco : b.scos()) refs.Append(*sco.Find("id"));
  json::Value od = json::Value::Object();
  od.Set("type", json::Value::String("observed-data"));
  od.Set("spec_version", json::Value::String("2.1"));
  od.Set("id", json::Value::String("observed-data--00000000-0000-4000-8000-000000000000"));
  od.Set("created", json::Value::String(t));
  od.Set("modified", json::Value::String(t));
  od.Set("first_observed", json::Value::String(t));
  od.Set("last_observed", json::Value::String(t));
  od.Set("number_observed", json::Value::Int(1));
  od.Set("object_refs", std::move(refs));
  json::Value objects = json::Value::Array();
  objects.Append(std::move(od));
  for (json::Value& sco : b.scos()) objects.Append(std::move(sco));
  json::Value bundle = json::Value::Object();
  bundle.Set("type", json::Value::String("bundle"));
  bundle.Set("id", json::Value::String("bundle--00000000-0000-4000-8000-000000000000"));
  bundle.Set("objects", std::move(objects));
  return bundle;
}

void FallbackMatcher::Match(const std::vector<EventField>& fields, size_t count, Timestamp time,
                            std::vector<FallbackHit>* hits) {
  if (set_.fallback().empty()) return;
  if (lower_.size() < count) lower_.resize(count);
  for (size_t i = 0; i < count; ++i) {
    lower_[i] = fields[i].value;
    for (char& c : lower_[i]) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    }
  }
  std::optional<json::Value> list;
  std::optional<std::vector<pattern::Observation>> observations;
  for (const FallbackPattern& f : set_.fallback()) {
    std::string trigger;
    bool candidate = f.always;
    for (size_t i = 0; i < count && !candidate; ++i) {
      for (const std::string& needle : f.needles) {
        if (lower_[i].find(needle) != std::string::npos) {
          candidate = true;
          trigger = fields[i].value;
          break;
        }
      }
    }
    if (!candidate) continue;
    if (!observations) {
      list = json::Value::Array();
      list->Append(EventBundle(fields, count, time));
      auto obs = pattern::ObservationsFromJson(*list);
      if (!obs.ok()) {
        ++errors_;
        last_error_ = obs.status().message();
        return;
      }
      observations = std::move(*obs);
    }
    ++evaluations_;
    auto r = pattern::Evaluate(f.pattern, *observations);
    if (!r.ok()) {
      ++errors_;
      last_error_ = r.status().message();
      continue;
    }
    if (r->matched) hits->push_back({f.indicator, trigger});
  }
}

}  // namespace tadamun::match
