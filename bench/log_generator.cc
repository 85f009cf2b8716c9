#include "log_generator.h"

#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace tadamun::bench {
namespace {

constexpr const char* kTlds[] = {"com", "net", "org", "info", "ru", "cn", "xyz", "top", "io", "biz"};
constexpr const char* kStems[] = {"shop", "news", "cdn", "static", "img", "api", "mail", "video", "cloud", "data",
                                  "app", "login", "media", "search", "maps", "ads", "track", "stream", "files", "docs"};
constexpr const char* kSubs[] = {"www", "api", "static", "cdn", "m", "img", "edge", "assets"};
constexpr const char* kSegments[] = {"index.html", "js", "css", "static", "v2", "api", "images", "assets", "app.js",
                                     "logo.png", "search", "login", "news", "2025", "user", "feed", "styles.css"};
constexpr const char* kMime[] = {"text/html", "application/javascript", "image/png", "text/css", "application/json",
                                 "image/jpeg", "application/octet-stream", "-"};
constexpr const char* kAgents[] = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0", "curl/7.88.1",
    "Microsoft-CryptoAPI/10.0"};

template <size_t N>
const char* Pick(std::mt19937_64& rng, const char* const (&a)[N]) {
  return a[rng() % N];
}

std::string Letters(std::mt19937_64& rng, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += static_cast<char>('a' + rng() % 26);
  return s;
}

std::string Ip(uint32_t a) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
  return buf;
}

uint32_t ParseIp(std::string_view s) {
  uint32_t v = 0, part = 0;
  for (char c : s) {
    if (c == '/') break;
    if (c == '.') {
      v = (v << 8) | part;
      part = 0;
    } else {
      part = part * 10 + static_cast<uint32_t>(c - '0');
    }
  }
  return (v << 8) | part;
}

void JsonString(std::string* out, std::string_view key, std::string_view value, bool comma = true) {
  if (comma) *out += ',';
  *out += '"';
  *out += key;
  *out += "\":\"";
  *out += value;  // generated values need no escaping
  *out += '"';
}
void JsonNumber(std::string* out, std::string_view key, std::string_view value) {
  *out += ",\"";
  *out += key;
  *out += "\":";
  *out += value;
}

}  // namespace

IndicatorValues GenerateIndicators(size_t count, uint64_t seed) {
  std::mt19937_64 rng(seed * 7919 + 1);
  IndicatorValues v;
  size_t domains = count / 2;
  v.domains.reserve(domains);
  for (size_t i = 0; i < domains; ++i) {
    std::string d = Letters(rng, 5 + static_cast<int>(rng() % 8)) + "." + Pick(rng, kTlds);
    if (rng() % 5 == 0) d = Letters(rng, 3 + static_cast<int>(rng() % 4)) + "." + d;
    v.domains.push_back(std::move(d));
  }
  v.ipv4.reserve(count - domains);
  for (size_t i = domains; i < count; ++i) {
    uint32_t a = static_cast<uint32_t>(rng());
    uint32_t first = 1 + static_cast<uint32_t>(rng() % 126);
    if (first == 10) first = 11;
    a = (first << 24) | (a & 0xffffff);
    if (rng() % 10 == 0) {
      v.ipv4.push_back(Ip(a & 0xffffff00u) + "/24");
    } else {
      v.ipv4.push_back(Ip(a));
    }
  }
  return v;
}

std::vector<std::string> IndicatorPatterns(const IndicatorValues& values) {
  std::vector<std::string> out;
  out.reserve(values.domains.size() + values.ipv4.size());
  for (const auto& d : values.domains) out.push_back("[domain-name:value = '" + d + "']");
  for (const auto& ip : values.ipv4) {
    out.push_back(ip.find('/') != std::string::npos ? "[ipv4-addr:value ISSUBSET '" + ip + "']"
                                                    : "[ipv4-addr:value = '" + ip + "']");
  }
  return out;
}

std::string IndicatorBundle(const IndicatorValues& values) {
  std::string out = "{\"type\":\"bundle\",\"id\":\"bundle--6f2d2d52-0c9c-4c59-9b3e-6f2a3d6c0001\",\"objects\":[";
  std::vector<std::string> patterns = IndicatorPatterns(values);
  for (size_t i = 0; i < patterns.size(); ++i) {
    char id[64];
    std::snprintf(id, sizeof(id), "indicator--00000000-0000-4000-8000-%012zx", i);
    if (i) out += ",\n";
    out += "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"";
    out += id;
    out += "\",\"created\":\"2025-11-25T00:00:00.000Z\",\"modified\":\"2025-11-25T00:00:00.000Z\",\"name\":\"ioc ";
    out += std::to_string(i);
    out += "\",\"pattern\":\"";
    out += patterns[i];
    out += "\",\"pattern_type\":\"stix\",\"valid_from\":\"2025-11-25T00:00:00Z\"}";
  }
  out += "]}\n";
  return out;
}

std::string IndicatorList(const IndicatorValues& values) {
  std::string out;
  for (const auto& d : values.domains) out += d + "\n";
  for (const auto& ip : values.ipv4) out += ip + "\n";
  return out;
}

LogGenerator::LogGenerator(const LogGeneratorOptions& options, const IndicatorValues& indicators)
    : options_(options), indicators_(indicators), rng_(options.seed) {
  for (int i = 0; i < 20000; ++i) {  // benign names: every label but the first and the TLD has a digit
    std::string name = std::string(Pick(rng_, kStems)) + std::to_string(rng_() % 100) + "." + Pick(rng_, kTlds);
    if (rng_() % 3 == 0) name = std::string(Pick(rng_, kStems)) + "-" + name;
    if (rng_() % 2 == 0) name = std::string(Pick(rng_, kSubs)) + "." + name;
    benign_.push_back(std::move(name));
  }
}

std::string LogGenerator::BenignName() { return benign_[rng_() % benign_.size()]; }

std::string LogGenerator::Uid() {
  static constexpr char kB62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string s = "C";
  for (int i = 0; i < 17; ++i) s += kB62[rng_() % 62];
  return s;
}

std::string LogGenerator::Path() {
  std::string p;
  int n = 1 + static_cast<int>(rng_() % 3);
  for (int i = 0; i < n; ++i) p += std::string("/") + Pick(rng_, kSegments);
  if (rng_() % 3 == 0) p += "?id=" + std::to_string(rng_() % 100000) + "&v=" + Letters(rng_, 6);
  return p;
}

// An indicator value (hit) or a near-miss trap built from one; sets *is_address.
std::string LogGenerator::Indicator(Plant plant, bool* is_address) {
  bool domain = !indicators_.domains.empty() && (indicators_.ipv4.empty() || rng_() % 2 == 0);
  bool no_names = options_.format != LogFormatKind::kSquid && options_.format != LogFormatKind::kEve &&
                  options_.zeek_log == ZeekLog::kConn;
  if (no_names && !indicators_.ipv4.empty()) domain = false;
  *is_address = !domain;
  if (domain) {
    std::string d = indicators_.domains[rng_() % indicators_.domains.size()];
    if (plant == Plant::kHit) {
      if (rng_() % 2 == 0) d = std::string(Pick(rng_, kSubs)) + "." + d;
      if (rng_() % 3 == 0) {  // letter case: a hit that grep -F misses
        for (char& c : d) {
          if (rng_() % 2 == 0) c = static_cast<char>(c ^ 0x20 * (c >= 'a' && c <= 'z'));
        }
      }
      return d;
    }
    switch (rng_() % 3) {
      case 0: return "not" + d;
      case 1: return d + ".br";
      default: return d + (d.ends_with(".com") ? "munity" : "work");
    }
  }
  const std::string& ip = indicators_.ipv4[rng_() % indicators_.ipv4.size()];
  uint32_t a = ParseIp(ip);
  if (ip.find('/') != std::string::npos) {  // a /24 block
    if (plant == Plant::kHit) return Ip(a | static_cast<uint32_t>(1 + rng_() % 254));
    return Ip(a + 256 + 7);
  }
  if (plant == Plant::kHit) return ip;
  uint32_t first = a >> 24, last = a & 255;
  if (first < 100 && rng_() % 2 == 0) return "1" + ip;  // 11.2.3.4 for 1.2.3.4
  if (last < 26) return ip + "5";                        // 1.2.3.45
  if (first < 100) return "1" + ip;
  return Ip(a + 1);
}

LogGenerator::Hosts LogGenerator::PickHosts() {
  Hosts h;
  h.client = "10." + std::to_string(rng_() % 4) + "." + std::to_string(rng_() % 256) + "." + std::to_string(1 + rng_() % 254);
  h.server_ip = Ip((128u + static_cast<uint32_t>(rng_() % 96)) << 24 | static_cast<uint32_t>(rng_() & 0xffffff));
  h.host = BenignName();
  double r = std::uniform_real_distribution<double>(0, 1)(rng_);
  Plant plant = r < options_.hit_rate ? Plant::kHit
                : r < options_.hit_rate + options_.near_miss_rate ? Plant::kNearMiss
                                                                  : Plant::kNone;
  if (plant == Plant::kNone) return h;
  (plant == Plant::kHit ? hits_ : near_misses_) += 1;
  bool address = false;
  std::string v = Indicator(plant, &address);
  if (!address) {
    h.host = v;
    h.planted_host = true;
  } else if (plant == Plant::kNearMiss || rng_() % 4 != 0) {
    h.server_ip = v;
    h.planted_server = true;
  } else {
    h.client = v;
  }
  return h;
}

void LogGenerator::AppendLine(std::string* out) {
  ++lines_;
  time_ += std::uniform_real_distribution<double>(0, 0.002)(rng_);
  Hosts h = PickHosts();
  switch (options_.format) {
    case LogFormatKind::kSquid: Squid(h, out); break;
    case LogFormatKind::kZeekTsv: ZeekTsv(h, out); break;
    case LogFormatKind::kZeekJson: ZeekJson(h, out); break;
    case LogFormatKind::kEve: Eve(h, out); break;
  }
}

void LogGenerator::Squid(const Hosts& h, std::string* out) {
  uint32_t m = static_cast<uint32_t>(rng_() % 100);
  const char* method = m < 78 ? "GET" : m < 88 ? "CONNECT" : m < 97 ? "POST" : "HEAD";
  bool connect = method[0] == 'C';
  uint32_t c = static_cast<uint32_t>(rng_() % 100);
  const char* code = connect ? "TCP_TUNNEL" : c < 60 ? "TCP_MISS" : c < 80 ? "TCP_HIT" : c < 95 ? "TCP_REFRESH_MODIFIED" : "TCP_DENIED";
  int status = code[4] == 'D' ? 403 : connect ? 200 : (rng_() % 10 == 0 ? 304 : 200);
  bool direct = (code[4] != 'H' && code[4] != 'D') || h.planted_server;
  // A tenth of the URLs name their server by address.
  std::string host = (!connect && !h.planted_host && rng_() % 10 == 0) ? h.server_ip : h.host;
  std::string url = connect ? host + ":443" : "http://" + host + Path();
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%.3f %6u ", time_, static_cast<unsigned>(rng_() % 30000));
  *out += buf;
  *out += h.client;
  std::snprintf(buf, sizeof(buf), " %s/%03d %u %s ", code, status, static_cast<unsigned>(200 + rng_() % 60000), method);
  *out += buf;
  *out += url;
  *out += rng_() % 20 == 0 ? " jdoe " : " - ";
  *out += direct ? "HIER_DIRECT/" + h.server_ip : std::string("HIER_NONE/-");
  *out += ' ';
  *out += connect ? "-" : Pick(rng_, kMime);
  *out += '\n';
}

namespace {

constexpr const char* kConnFields =
    "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\t"
    "conn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\t"
    "tunnel_parents";
constexpr const char* kConnTypes =
    "time\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\tcount\tstring\t"
    "count\tcount\tcount\tcount\tset[string]";
constexpr const char* kDnsFields =
    "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\trtt\tquery\tqclass\tqclass_name\tqtype\t"
    "qtype_name\trcode\trcode_name\tAA\tTC\tRD\tRA\tZ\tanswers\tTTLs\trejected";
constexpr const char* kDnsTypes =
    "time\tstring\taddr\tport\taddr\tport\tenum\tcount\tinterval\tstring\tcount\tstring\tcount\tstring\tcount\tstring\t"
    "bool\tbool\tbool\tbool\tcount\tvector[string]\tvector[interval]\tbool";
constexpr const char* kHttpFields =
    "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\ttrans_depth\tmethod\thost\turi\treferrer\tversion\t"
    "user_agent\torigin\trequest_body_len\tresponse_body_len\tstatus_code\tstatus_msg\tinfo_code\tinfo_msg\ttags\t"
    "username\tpassword\tproxied\torig_fuids\torig_filenames\torig_mime_types\tresp_fuids\tresp_filenames\t"
    "resp_mime_types";
constexpr const char* kHttpTypes =
    "time\tstring\taddr\tport\taddr\tport\tcount\tstring\tstring\tstring\tstring\tstring\tstring\tstring\tcount\t"
    "count\tcount\tstring\tcount\tstring\tset[enum]\tstring\tstring\tset[string]\tvector[string]\tvector[string]\t"
    "vector[string]\tvector[string]\tvector[string]\tvector[string]";

}  // namespace

void LogGenerator::AppendHeader(std::string* out) {
  if (options_.format != LogFormatKind::kZeekTsv) return;
  const char* path = options_.zeek_log == ZeekLog::kConn ? "conn" : options_.zeek_log == ZeekLog::kDns ? "dns" : "http";
  const char* fields = options_.zeek_log == ZeekLog::kConn ? kConnFields : options_.zeek_log == ZeekLog::kDns ? kDnsFields : kHttpFields;
  const char* types = options_.zeek_log == ZeekLog::kConn ? kConnTypes : options_.zeek_log == ZeekLog::kDns ? kDnsTypes : kHttpTypes;
  *out += "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\t";
  *out += path;
  *out += "\n#open\t2025-11-25-00-00-00\n#fields\t";
  *out += fields;
  *out += "\n#types\t";
  *out += types;
  *out += '\n';
}

void LogGenerator::ZeekTsv(const Hosts& h, std::string* out) {
  char buf[256];
  std::snprintf(buf, sizeof(buf), "%.6f\t", time_);
  *out += buf;
  *out += Uid() + "\t" + h.client + "\t" + std::to_string(1024 + rng_() % 60000) + "\t";
  switch (options_.zeek_log) {
    case ZeekLog::kConn:
      *out += h.server_ip;
      std::snprintf(buf, sizeof(buf), "\t443\ttcp\tssl\t%.6f\t%u\t%u\tSF\tT\tF\t0\tShADadFf\t%u\t%u\t%u\t%u\t-\n",
                    static_cast<double>(rng_() % 100000) / 1000.0, static_cast<unsigned>(rng_() % 5000),
                    static_cast<unsigned>(rng_() % 90000), static_cast<unsigned>(rng_() % 40),
                    static_cast<unsigned>(rng_() % 9000), static_cast<unsigned>(rng_() % 80),
                    static_cast<unsigned>(rng_() % 90000));
      *out += buf;
      break;
    case ZeekLog::kDns:
      std::snprintf(buf, sizeof(buf), "10.0.0.53\t53\tudp\t%u\t0.%06u\t", static_cast<unsigned>(rng_() % 65536),
                    static_cast<unsigned>(rng_() % 100000));
      *out += buf;
      *out += h.host + "\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\t" + h.server_ip + "\t300.000000\tF\n";
      break;
    case ZeekLog::kHttp:
      *out += h.server_ip + "\t80\t1\tGET\t" + h.host + "\t" + Path() + "\t-\t1.1\t" + Pick(rng_, kAgents) +
              "\t-\t0\t" + std::to_string(rng_() % 90000) + "\t200\tOK\t-\t-\t(empty)\t-\t-\t-\t-\t-\t-\t" + "F" +
              Uid().substr(1) + "\t-\t" + Pick(rng_, kMime) + "\n";
      break;
  }
}

void LogGenerator::ZeekJson(const Hosts& h, std::string* out) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "{\"ts\":%.6f", time_);
  *out += buf;
  JsonString(out, "uid", Uid());
  JsonString(out, "id.orig_h", h.client);
  JsonNumber(out, "id.orig_p", std::to_string(1024 + rng_() % 60000));
  switch (options_.zeek_log) {
    case ZeekLog::kConn:
      JsonString(out, "id.resp_h", h.server_ip);
      *out += ",\"id.resp_p\":443,\"proto\":\"tcp\",\"service\":\"ssl\",\"duration\":" +
              std::to_string(rng_() % 100000 / 1000.0) + ",\"orig_bytes\":" + std::to_string(rng_() % 5000) +
              ",\"resp_bytes\":" + std::to_string(rng_() % 90000) +
              ",\"conn_state\":\"SF\",\"local_orig\":true,\"local_resp\":false,\"missed_bytes\":0,\"history\":\"ShADadFf\","
              "\"orig_pkts\":12,\"orig_ip_bytes\":1400,\"resp_pkts\":20,\"resp_ip_bytes\":24000}\n";
      break;
    case ZeekLog::kDns:
      *out += ",\"id.resp_h\":\"10.0.0.53\",\"id.resp_p\":53,\"proto\":\"udp\",\"trans_id\":" + std::to_string(rng_() % 65536) +
              ",\"rtt\":0.0123";
      JsonString(out, "query", h.host);
      *out += ",\"qclass\":1,\"qclass_name\":\"C_INTERNET\",\"qtype\":1,\"qtype_name\":\"A\",\"rcode\":0,\"rcode_name\":"
              "\"NOERROR\",\"AA\":false,\"TC\":false,\"RD\":true,\"RA\":true,\"Z\":0,\"answers\":[\"" +
              h.server_ip + "\"],\"TTLs\":[300.0],\"rejected\":false}\n";
      break;
    case ZeekLog::kHttp:
      JsonString(out, "id.resp_h", h.server_ip);
      *out += ",\"id.resp_p\":80,\"trans_depth\":1,\"method\":\"GET\"";
      JsonString(out, "host", h.host);
      JsonString(out, "uri", Path());
      *out += ",\"version\":\"1.1\"";
      JsonString(out, "user_agent", Pick(rng_, kAgents));
      *out += ",\"request_body_len\":0,\"response_body_len\":" + std::to_string(rng_() % 90000) +
              ",\"status_code\":200,\"status_msg\":\"OK\",\"tags\":[],\"resp_fuids\":[\"F" + Uid().substr(1) +
              "\"],\"resp_mime_types\":[\"" + Pick(rng_, kMime) + "\"]}\n";
      break;
  }
}

void LogGenerator::Eve(const Hosts& h, std::string* out) {
  char buf[128];
  uint64_t micros = static_cast<uint64_t>(time_ * 1e6);
  time_t secs = static_cast<time_t>(micros / 1000000);
  struct tm tm;
  gmtime_r(&secs, &tm);
  std::snprintf(buf, sizeof(buf), "{\"timestamp\":\"%04d-%02d-%02dT%02d:%02d:%02d.%06u+0000\",\"flow_id\":%llu",
                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<unsigned>(micros % 1000000), static_cast<unsigned long long>(rng_() >> 12));
  *out += buf;
  uint32_t kind = static_cast<uint32_t>(rng_() % 100);
  const char* type = kind < 60 ? "http" : kind < 85 ? "dns" : "tls";
  *out += ",\"in_iface\":\"eth0\"";
  JsonString(out, "event_type", type);
  JsonString(out, "src_ip", h.client);
  JsonNumber(out, "src_port", std::to_string(1024 + rng_() % 60000));
  if (type[0] == 'd') {
    *out += ",\"dest_ip\":\"10.0.0.53\",\"dest_port\":53,\"proto\":\"UDP\",\"dns\":{\"type\":\"answer\",\"id\":" +
            std::to_string(rng_() % 65536);
    JsonString(out, "rrname", h.host);
    *out += ",\"rrtype\":\"A\",\"rcode\":\"NOERROR\",\"answers\":[{\"rrname\":\"" + h.host +
            "\",\"rrtype\":\"A\",\"ttl\":300,\"rdata\":\"" + h.server_ip + "\"}]}}\n";
    return;
  }
  JsonString(out, "dest_ip", h.server_ip);
  if (type[0] == 'h') {
    *out += ",\"dest_port\":80,\"proto\":\"TCP\",\"tx_id\":0,\"http\":{";
    JsonString(out, "hostname", h.host, false);
    JsonString(out, "url", Path());
    JsonString(out, "http_user_agent", Pick(rng_, kAgents));
    JsonString(out, "http_content_type", Pick(rng_, kMime));
    *out += ",\"http_method\":\"GET\",\"protocol\":\"HTTP/1.1\",\"status\":200,\"length\":" +
            std::to_string(rng_() % 90000) + "}}\n";
  } else {
    *out += ",\"dest_port\":443,\"proto\":\"TCP\",\"tls\":{\"subject\":\"CN=" + h.host + "\",\"issuerdn\":\"CN=R3, O=Let's Encrypt, C=US\"";
    JsonString(out, "sni", h.host);
    *out += ",\"version\":\"TLS 1.3\",\"ja3\":{\"hash\":\"" + Letters(rng_, 8) + "\"}}}\n";
  }
}

uint64_t ParseSize(const char* text) {
  char* end = nullptr;
  double v = std::strtod(text, &end);
  switch (end && *end ? *end : ' ') {
    case 'K': case 'k': v *= 1e3; break;
    case 'M': case 'm': v *= 1e6; break;
    case 'G': case 'g': v *= 1e9; break;
    default: break;
  }
  return static_cast<uint64_t>(v);
}

bool WriteFile(const std::string& path, std::string_view text) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return false;
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  return std::fclose(f) == 0 && ok;
}

}  // namespace tadamun::bench
