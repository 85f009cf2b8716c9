#include "bundle_generator.h"

#include <cstdio>

namespace tadamun::bench {
namespace {

constexpr const char* kWords[] = {"cdn",    "sync",  "update", "login", "verify", "mail",
                                  "secure", "cloud", "portal", "data",  "static", "api",
                                  "news",   "media", "relay",  "node",  "edge",   "files"};
constexpr const char* kTlds[] = {"com", "net", "org", "info", "xyz", "top", "ru", "cn", "io"};
constexpr const char* kMarkings[] = {"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
                                     "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"};

}  // namespace

BundleGenerator::BundleGenerator(const GeneratorOptions& options)
    : options_(options), rng_(options.seed) {
  identity_id_ = "identity--" + Uuid();
  intrusion_set_id_ = "intrusion-set--" + Uuid();
  malware_id_ = "malware--" + Uuid();
}

std::string BundleGenerator::Uuid() {
  uint64_t a = rng_(), b = rng_();
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                static_cast<unsigned>(0x8000 | (b >> 50)),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

std::string BundleGenerator::Hex(size_t digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  while (out.size() < digits) {
    uint64_t r = rng_();
    for (int i = 0; i < 16 && out.size() < digits; ++i, r >>= 4) out += kHex[r & 15];
  }
  return out;
}

std::string BundleGenerator::Domain() {
  std::string d = kWords[rng_() % std::size(kWords)];
  d += '-';
  d += kWords[rng_() % std::size(kWords)];
  d += std::to_string(rng_() % 1000);
  d += '.';
  d += kTlds[rng_() % std::size(kTlds)];
  return d;
}

std::string BundleGenerator::Timestamp() {
  char buf[40];
  uint64_t r = rng_();
  std::snprintf(buf, sizeof buf, "20%02u-%02u-%02uT%02u:%02u:%02u.%03uZ",
                static_cast<unsigned>(20 + r % 7), static_cast<unsigned>(1 + (r >> 8) % 12),
                static_cast<unsigned>(1 + (r >> 16) % 28), static_cast<unsigned>((r >> 24) % 24),
                static_cast<unsigned>((r >> 32) % 60), static_cast<unsigned>((r >> 40) % 60),
                static_cast<unsigned>((r >> 48) % 1000));
  return buf;
}

void BundleGenerator::AppendObject(uint64_t n, std::string* out) {
  const std::string created = "2026-01-02T03:04:05.678Z";
  if (n == 0) {
    *out += R"({"type":"identity","spec_version":"2.1","id":")" + identity_id_ +
            R"(","created":")" + created + R"(","modified":")" + created +
            R"(","name":"Generated CERT","identity_class":"organization"})";
    return;
  }
  if (n == 1) {
    *out += R"({"type":"intrusion-set","spec_version":"2.1","id":")" + intrusion_set_id_ +
            R"(","created":")" + created + R"(","modified":")" + created +
            R"(","created_by_ref":")" + identity_id_ + R"(","name":"GENERATED-SET"})";
    return;
  }
  if (n == 2) {
    *out += R"({"type":"malware","spec_version":"2.1","id":")" + malware_id_ +
            R"(","created":")" + created + R"(","modified":")" + created +
            R"(","created_by_ref":")" + identity_id_ +
            R"(","name":"GeneratedLoader","is_family":true,"malware_types":["dropper"]})";
    return;
  }
  if (n % 10 == 0 && !last_indicator_id_.empty()) {
    *out += R"({"type":"relationship","spec_version":"2.1","id":"relationship--)" + Uuid() +
            R"(","created":")" + created + R"(","modified":")" + created +
            R"(","created_by_ref":")" + identity_id_ +
            R"(","relationship_type":"indicates","source_ref":")" + last_indicator_id_ +
            R"(","target_ref":")" + malware_id_ + R"("})";
    return;
  }
  std::string pattern, name;
  switch (rng_() % 7) {
    case 0:
    case 1: {
      uint64_t r = rng_();
      std::string ip = std::to_string(1 + r % 223) + "." + std::to_string((r >> 8) % 256) + "." +
                       std::to_string((r >> 16) % 256) + "." + std::to_string((r >> 24) % 256);
      pattern = "[ipv4-addr:value = '" + ip + "']";
      name = "C2 address " + ip;
      break;
    }
    case 2: {
      std::string d = Domain();
      pattern = "[domain-name:value = '" + d + "']";
      name = "Malicious domain " + d;
      break;
    }
    case 3: {
      std::string d = Domain();
      pattern = "[url:value = 'http://" + d + "/" + Hex(8) + "/index.php?id=" +
                std::to_string(rng_() % 100000) + "']";
      name = "Phishing URL on " + d;
      break;
    }
    case 4: {
      pattern = "[file:hashes.'SHA-256' = '" + Hex(64) + "']";
      name = "Dropper sample";
      break;
    }
    case 5: {
      pattern = "[email-addr:value = '" + std::string(kWords[rng_() % std::size(kWords)]) + "@" +
                Domain() + "']";
      name = "Phishing sender";
      break;
    }
    default: {
      uint64_t r = rng_();
      pattern = "[ipv4-addr:value ISSUBSET '" + std::to_string(1 + r % 223) + "." +
                std::to_string((r >> 8) % 256) + "." + std::to_string((r >> 16) % 256) + ".0/24']";
      name = "Hosting range";
      break;
    }
  }
  std::string ts = Timestamp();
  last_indicator_id_ = "indicator--" + Uuid();
  *out += R"({"type":"indicator","spec_version":"2.1","id":")" + last_indicator_id_ +
          R"(","created":")" + ts + R"(","modified":")" + ts + R"(","created_by_ref":")" +
          identity_id_ + R"(","name":")" + name +
          R"(","description":"Generated indicator for load tests.","indicator_types":["malicious-activity"],"pattern":")" +
          pattern + R"(","pattern_type":"stix","pattern_version":"2.1","valid_from":")" + ts +
          R"(","confidence":)" + std::to_string(rng_() % 101) +
          R"(,"labels":["generated"],"kill_chain_phases":[{"kill_chain_name":"lockheed-martin-cyber-kill-chain","phase_name":"command-and-control"}],"object_marking_refs":[")" +
          kMarkings[rng_() % 2] + R"("]})";
}

std::string BundleGenerator::Bundle(uint64_t objects) {
  std::string out = R"({"type":"bundle","id":"bundle--)" + Uuid() + R"(","objects":[)";
  out.reserve(objects * 620 + 128);
  for (uint64_t i = 0; i < objects; ++i) {
    out += i == 0 ? "\n" : ",\n";
    AppendObject(i, &out);
  }
  out += "\n]}\n";
  return out;
}

}  // namespace tadamun::bench
