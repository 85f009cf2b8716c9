// The sweep engine against a slow reference written straight from docs/sweep-semantics.md, on
// generated logs in every format, full of hits and near-miss traps (notevil.com, evil.com.br,
// evil.community, 11.2.3.45 for 1.2.3.4, case, trailing dot, IDN/punycode, host:port, ip:port,
// IPv6 compressed/expanded, CIDR, URL normalisation, hashes by length, e-mails, wallets,
// defanged indicators). The reference shares no code with the engine's reading, format and
// tokenising paths: it reads whole files (zlib's gz* API), splits lines and fields with plain
// string operations, parses JSON with the json module's DOM, and decides every token against
// every indicator with string logic. Both must agree exactly, hit for hit, for any thread count
// and chunk size.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <tuple>

#include "json/json.h"
#include "match/normalize.h"
#include "match/reference_matcher.h"
#include "match/sweep.h"
#include "pattern/cidr.h"

namespace tadamun::match {
namespace {

using testing_reference::PatternOf;
using testing_reference::RefIndicator;

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// ---- Reference: tokens of a value (docs/sweep-semantics.md, "Tokens") ----

bool Hard(char c) {
  const unsigned char u = static_cast<unsigned char>(c);
  return u <= 0x20 || u == 0x7f || std::string("\"'`<>").find(c) != std::string::npos;
}
bool Soft(char c) { return std::string("()[]{},;|=&").find(c) != std::string::npos; }

std::vector<std::string> ReferenceTokens(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    std::string t = cur;
    cur.clear();
    if (t.find("://") != std::string::npos) {
      const bool open = t.find('(') != std::string::npos;
      while (!t.empty() && (std::string(".,:;!?").find(t.back()) != std::string::npos || (t.back() == ')' && !open))) t.pop_back();
    } else {
      while (!t.empty() && (t.back() == '.' || t.back() == '!' || t.back() == '?')) t.pop_back();
      if (!t.empty() && t.back() == ':' && std::count(t.begin(), t.end(), ':') == 1) t.pop_back();
    }
    if (!t.empty()) out.push_back(t);
  };
  for (char c : text) {
    const bool url = cur.find("://") != std::string::npos;
    if (Hard(c) || (Soft(c) && !url)) {
      flush();
    } else {
      cur.push_back(c);
    }
  }
  flush();
  return out;
}

std::vector<std::string> ValueTokens(const std::string& value) {
  const bool whole = value.find("://") != std::string::npos && std::none_of(value.begin(), value.end(), Hard);
  return whole ? std::vector<std::string>{value} : ReferenceTokens(value);
}

// ---- Reference: a whole file ----

using Record = std::tuple<std::string, uint64_t, std::string, std::string, std::string>;  // file line field value id

std::string ReadAll(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");  // reads plain files as they are
  std::string out;
  char buf[65536];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  gzclose(f);
  return out;
}

std::vector<std::string> Split(const std::string& s, const std::string& sep) {
  std::vector<std::string> out;
  size_t start = 0, at;
  while ((at = s.find(sep, start)) != std::string::npos) {
    out.push_back(s.substr(start, at - start));
    start = at + sep.size();
  }
  out.push_back(s.substr(start));
  return out;
}

std::string ZeekUnescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] == 'x' && std::isxdigit(static_cast<unsigned char>(s[i + 2])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 3]))) {
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 2, 2), nullptr, 16)));
      i += 3;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

void JsonStrings(const json::Value& v, const std::string& path, std::vector<std::pair<std::string, std::string>>* out,
                 bool top = true) {
  if (v.is_string()) out->push_back({path, v.str()});
  if (v.is_array()) {
    for (const json::Value& e : v.items()) JsonStrings(e, path, out, top);
  }
  if (v.is_object()) {
    for (const json::Member& m : v.members()) JsonStrings(m.value, top ? m.key : path + "." + m.key, out, false);
  }
}

std::vector<Record> ReferenceFile(const std::vector<RefIndicator>& indicators, const std::string& path, size_t max_line) {
  std::string text = ReadAll(path);
  std::vector<std::string> lines = Split(text, "\n");
  if (!text.empty() && text.back() == '\n') lines.pop_back();
  std::string format;
  // Zeek header
  std::string sep = "\t", set_sep = ",", empty = "(empty)", unset = "-";
  std::vector<std::string> fields, types;
  std::vector<Record> out;
  for (size_t n = 0; n < lines.size(); ++n) {
    std::string line = lines[n];
    if (line.size() > max_line) continue;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (format.empty()) {
      if (line.rfind("#separator", 0) == 0) {
        format = "zeek";
      } else if (line[0] == '{' || line[0] == '[') {
        auto doc = json::Parse(line);
        format = "text";
        if (doc.ok()) {
          format = "jsonl";
          if (doc->is_object()) {
            if (doc->Find("event_type")) format = "eve";
            else if (doc->Find("_path") || doc->Find("uid") || (doc->Find("ts") && doc->Find("id.orig_h"))) format = "zeekjson";
          }
        }
      } else {
        std::istringstream in(line);
        std::vector<std::string> cols;
        for (std::string c; in >> c;) cols.push_back(c);
        bool squid = cols.size() >= 7 && cols[0].find('.') != std::string::npos && cols[0].find('.') > 0 &&
                     std::all_of(cols[0].begin(), cols[0].end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '.'; }) &&
                     std::count(cols[0].begin(), cols[0].end(), '.') == 1 &&
                     std::all_of(cols[1].begin(), cols[1].end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '-'; }) &&
                     cols[3].find('/') != std::string::npos;
        format = squid ? "squid" : "text";
      }
    }
    std::vector<std::pair<std::string, std::string>> values;  // field, value (looked-up only)
    bool ok = true;
    if (format == "zeek") {
      if (line[0] == '#') {
        if (line.rfind("#separator ", 0) == 0) sep = ZeekUnescape(line.substr(11));
        std::vector<std::string> parts = Split(line, sep);
        if (parts[0] == "#set_separator") set_sep = ZeekUnescape(parts[1]);
        if (parts[0] == "#fields") fields.assign(parts.begin() + 1, parts.end()), types.clear();
        if (parts[0] == "#types") types.assign(parts.begin() + 1, parts.end());
        continue;
      }
      std::vector<std::string> cols = Split(line, sep);
      if (cols.size() != fields.size()) {
        ok = false;
      } else {
        for (size_t c = 0; c < cols.size(); ++c) {
          if (cols[c] == unset || cols[c] == empty) continue;
          std::string type = c < types.size() ? types[c] : "string";
          bool set = type.rfind("set[", 0) == 0 || type.rfind("vector[", 0) == 0;
          std::string base = set ? type.substr(type.find('[') + 1, type.find(']') - type.find('[') - 1) : type;
          if (base != "string" && base != "addr" && base != "subnet") continue;
          for (const std::string& item : set ? Split(cols[c], set_sep) : std::vector<std::string>{cols[c]}) {
            if (!item.empty()) values.push_back({fields[c], ZeekUnescape(item)});
          }
        }
        auto host = std::find(fields.begin(), fields.end(), "host"), uri = std::find(fields.begin(), fields.end(), "uri");
        if (host != fields.end() && uri != fields.end()) {
          const std::string& h = cols[host - fields.begin()];
          const std::string& u = cols[uri - fields.begin()];
          if (h != unset && h != empty && u.rfind("/", 0) == 0) values.push_back({"url", "http://" + h + u});
        }
      }
    } else if (format == "eve" || format == "zeekjson" || format == "jsonl") {
      auto doc = json::Parse(line);
      if (!doc.ok()) {
        ok = false;
      } else {
        JsonStrings(*doc, "", &values);
        std::string h, u;
        for (const auto& [f, v] : values) {
          if (f == (format == "eve" ? "http.hostname" : "host")) h = v;
          if (f == (format == "eve" ? "http.url" : "uri")) u = v;
        }
        if (format != "jsonl" && !h.empty() && u.rfind("/", 0) == 0) values.push_back({"url", "http://" + h + u});
      }
    } else if (format == "squid") {
      std::istringstream in(line);
      std::vector<std::string> cols;
      for (std::string c; in >> c;) cols.push_back(c);
      if (cols.size() < 7 || !std::isdigit(static_cast<unsigned char>(cols[0][0])) || cols[3].find('/') == std::string::npos) {
        ok = false;
      } else {
        values.push_back({"client", cols[2]});
        values.push_back({"url", cols[6]});
        if (cols.size() > 7 && cols[7] != "-") values.push_back({"user", cols[7]});
        if (cols.size() > 8 && cols[8].find('/') != std::string::npos) {
          std::string h = cols[8].substr(cols[8].find('/') + 1);
          if (!h.empty() && h != "-") values.push_back({"hierarchy", h});
        }
        for (size_t c = 10; c < cols.size(); ++c) values.push_back({"extra", cols[c]});
        values.erase(std::remove_if(values.begin(), values.end(), [](auto& p) { return p.second == "-" || p.second.empty(); }), values.end());
      }
    } else {
      values.push_back({"text", line});
    }
    if (!ok) values = {{"text", line}};
    std::set<std::string> seen;
    for (const auto& [field, value] : values) {
      for (const std::string& token : ValueTokens(value)) {
        for (uint32_t id : testing_reference::ReferenceMatch(indicators, token)) {
          const std::string sid = std::to_string(id);
          if (seen.insert(sid).second) out.push_back({path, n + 1, field, token, sid});
        }
      }
    }
  }
  return out;
}

// ---- Generated indicators and logs ----

class LogGenerator {
 public:
  explicit LogGenerator(uint32_t seed) : rng_(seed) {}
  const std::string& Pick(const std::vector<std::string>& v) { return v[rng_() % v.size()]; }
  std::string Hex(size_t n) {
    std::string s;
    for (size_t i = 0; i < n; ++i) s += "0123456789abcdef"[rng_() % 16];
    return s;
  }

  void Indicators(int n) {
    const std::vector<std::string> words = {"evil", "bad", "mal", "c2", "bücher", "a-b"};
    const std::vector<std::string> tlds = {"com", "net", "com.br", "example"};
    for (int i = 0; i < n; ++i) {
      const uint32_t id = static_cast<uint32_t>(indicators_.size());
      const std::string domain = Pick(words) + "." + Pick(tlds);
      switch (rng_() % 7) {
        case 0: {
          std::string v = rng_() % 4 == 0 ? Upper(domain) + "." : domain;
          if (rng_() % 3 == 0) v.replace(v.find('.'), 1, "[.]");
          indicators_.push_back({id, "domain-name", v});
          break;
        }
        case 1: {
          std::string ip = std::to_string(rng_() % 3 + 1) + "." + std::to_string(rng_() % 3 + 1) + "." +
                           std::to_string(rng_() % 4) + "." + std::to_string(rng_() % 50);
          if (rng_() % 3 == 0) {
            const int prefix = 16 + static_cast<int>(rng_() % 17);
            ip = FormatIpv4(*ParseIpv4(ip) & (~uint32_t{0} << (32 - prefix))) + "/" + std::to_string(prefix);
          }
          indicators_.push_back({id, "ipv4-addr", ip});
          break;
        }
        case 2:
          indicators_.push_back({id, "ipv6-addr", rng_() % 3 == 0 ? "2001:db8:" + std::to_string(rng_() % 3) + "::/48"
                                                                  : "2001:db8:" + std::to_string(rng_() % 3) + "::" + std::to_string(rng_() % 20)});
          break;
        case 3:
          indicators_.push_back({id, "url", "http://" + domain + "/p" + std::to_string(rng_() % 5) + (rng_() % 2 ? "?q=~1" : "")});
          break;
        case 4:
          indicators_.push_back({id, "file", rng_() % 2 ? Hex(64) : Upper(Hex(64))});
          break;
        case 5:
          indicators_.push_back({id, "email-addr", "u" + std::to_string(rng_() % 3) + "@" + domain});
          break;
        default:
          indicators_.push_back({id, "cryptocurrency-wallet",
                                 Pick({"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
                                       "0x52908400098527886E0F7030069857D2E4169EE7"})});
          break;
      }
    }
  }

  // Values seen in logs: hits in every spelling and near-miss traps.
  void Values() {
    for (const RefIndicator& ind : indicators_) {
      std::string v = Undefang(ind.value);
      if (!v.empty() && v.back() == '.') v.pop_back();
      if (ind.type == "domain-name") {
        for (std::string t : {v, "www." + v, Upper(v), v + ".", "not" + v, v + ".br", v + "munity", v + ":8080",
                              "u@" + v, "x" + v.substr(1)}) hosts_.push_back(t);
        if (v.find("bücher") != std::string::npos) hosts_.push_back(std::string(v).replace(v.find("bücher"), 7, "xn--bcher-kva"));
      } else if (ind.type == "ipv4-addr") {
        const std::string ip = v.substr(0, v.find('/'));
        const uint32_t a = *ParseIpv4(ip);
        for (std::string t : {ip, "1" + ip, ip + "5", FormatIpv4(a - 1), FormatIpv4(a + 1), FormatIpv4(a + 255)}) ips_.push_back(t);
        others_.push_back(ip + ":443");
      } else if (ind.type == "ipv6-addr") {
        const std::string ip = v.substr(0, v.find('/'));
        Ipv6Bytes b = *ParseIpv6(ip);
        std::string expanded;
        for (int k = 0; k < 16; k += 2) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "%02X%02X", b[k], b[k + 1]);
          expanded += (k ? ":" : "") + std::string(buf);
        }
        ips_.push_back(ip);
        ips_.push_back(expanded);
        others_.push_back("[" + expanded + "]:443");
        b[15] ^= 1;
        ips_.push_back(FormatIpv6(b));
      } else if (ind.type == "url") {
        const std::string rest = v.substr(7);
        for (std::string t : {v, "HTTP://" + rest, v + "#frag", v + "x", "http://" + rest.substr(0, rest.find('/')) + ":80" +
                              rest.substr(rest.find('/')), Upper(v), "https://" + rest}) urls_.push_back(t);
        if (v.find('~') != std::string::npos) urls_.push_back(std::string(v).replace(v.find('~'), 1, "%7E"));
        paths_.push_back({rest.substr(0, rest.find('/')), rest.substr(rest.find('/'))});
      } else if (ind.type == "file") {
        for (std::string t : {v, Upper(v), v.substr(1), v + "0", v.substr(0, 40)}) others_.push_back(t);
      } else if (ind.type == "email-addr") {
        for (std::string t : {v, Upper(v), "x" + v}) others_.push_back(t);
      } else {
        std::string lower = v;
        for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        for (std::string t : {v, lower, Upper(v), v.substr(1)}) others_.push_back(t);
      }
    }
    for (int i = 0; i < 20; ++i) others_.push_back(Hex(1 + rng_() % 70));
  }

  std::string Any() {
    switch (rng_() % 4) {
      case 0: return Pick(hosts_);
      case 1: return Pick(ips_);
      case 2: return Pick(urls_);
      default: return Pick(others_);
    }
  }
  std::string Ip() { return rng_() % 5 == 0 ? Any() : Pick(ips_); }
  // Free text: values between separators and punctuation.
  std::string Sentence() {
    static const std::vector<std::string> seps = {" ", ", ", " (", ") ", "=", "; ", " | ", " <", "> ", "\"", "'", "&", " [", "] ", "\t"};
    static const std::vector<std::string> ends = {"", ".", ":", "?", "!", ")", ","};
    std::string s = "word";
    const int n = 1 + static_cast<int>(rng_() % 6);
    for (int i = 0; i < n; ++i) s += Pick(seps) + Any() + Pick(ends);
    return s;
  }

  std::string Squid(int lines) {
    std::string out;
    for (int i = 0; i < lines; ++i) {
      if (rng_() % 25 == 0) {
        out += Sentence() + "\n";  // not squid: swept as text
        continue;
      }
      const std::string url = rng_() % 3 == 0 ? Pick(hosts_) : Pick(urls_);
      out += std::to_string(1286536308 + i) + "." + std::to_string(100 + rng_() % 900) + "    " + std::to_string(rng_() % 999) +
             " " + Ip() + " TCP_MISS/200 " + std::to_string(rng_() % 5000) + (rng_() % 2 ? " GET " : " CONNECT ") + url +
             " " + (rng_() % 4 == 0 ? Pick(others_) : "-") + " " + (rng_() % 2 ? "DIRECT/" + Ip() : "HIER_NONE/-") + " text/html" +
             (rng_() % 5 == 0 ? " " + Any() : "") + "\n";
    }
    return out;
  }

  std::string ZeekTsv(int lines) {
    std::string out =
        "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\thttp\n"
        "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\thost\turi\tanswers\tuser_agent\tstatus_code\n"
        "#types\ttime\tstring\taddr\tport\taddr\tport\tstring\tstring\tvector[string]\tstring\tcount\n";
    for (int i = 0; i < lines; ++i) {
      if (rng_() % 30 == 0) {
        out += "broken\t" + Any() + "\n";  // wrong field count: swept as text
        continue;
      }
      std::string host = "-", uri = "-";
      if (rng_() % 2 && !paths_.empty()) {
        const auto& p = paths_[rng_() % paths_.size()];
        host = rng_() % 3 ? p.first : Upper(p.first);
        uri = p.second;
      } else if (rng_() % 2) {
        host = Pick(hosts_);
        uri = "/x?" + Any();
      }
      std::string answers = rng_() % 4 == 0 ? "(empty)" : Any() + "," + Any();
      if (rng_() % 5 == 0) answers += ",a\\x2c" + Pick(hosts_);  // an escaped set separator inside an element
      out += "1521911720." + std::to_string(rng_() % 999999) + "\tC" + Hex(10) + "\t" + Ip() + "\t" + std::to_string(rng_() % 65536) +
             "\t" + Ip() + "\t80\t" + host + "\t" + uri + "\t" + answers + "\tMozilla/5.0 (" + Any() + ")\t" +
             std::to_string(rng_() % 3 == 0 ? 200 : 404) + "\n";
    }
    return out + "#close\t2024-04-12-19-34-07\n";
  }

  std::string Escaped(std::string s) {  // JSON string body, with \/ and \u escapes now and then
    std::string out;
    for (unsigned char c : s) {
      if (c == '"' || c == '\\') out += '\\', out += static_cast<char>(c);
      else if (c == '/' && rng_() % 2) out += "\\/";
      else if (c < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      } else out += static_cast<char>(c);
    }
    return out;
  }

  std::string Eve(int lines) {
    std::string out;
    for (int i = 0; i < lines; ++i) {
      std::string line = "{\"timestamp\":\"2024-03-01T10:00:0" + std::to_string(i % 10) + ".000000+0000\",\"flow_id\":" + std::to_string(i) +
                         ",\"event_type\":\"http\",\"src_ip\":\"" + Escaped(Ip()) + "\",\"src_port\":1234,\"dest_ip\":\"" + Escaped(Ip()) +
                         "\",\"dest_port\":80,\"proto\":\"TCP\"";
      if (rng_() % 2 && !paths_.empty()) {
        const auto& p = paths_[rng_() % paths_.size()];
        line += ",\"http\":{\"hostname\":\"" + Escaped(p.first) + "\",\"url\":\"" + Escaped(p.second) + "\",\"length\":12}";
      } else {
        line += ",\"dns\":{\"rrname\":\"" + Escaped(Pick(hosts_)) + "\",\"answers\":[{\"rdata\":\"" + Escaped(Any()) +
                "\"},{\"rdata\":\"" + Escaped(Any()) + "\"}]}";
      }
      line += ",\"tls\":{\"sni\":\"" + Escaped(Any()) + "\"},\"fileinfo\":{\"sha256\":\"" + Escaped(Pick(others_)) + "\",\"size\":-1.5e3}}";
      if (rng_() % 25 == 0) line.pop_back();  // malformed: swept as text
      out += line + (rng_() % 10 == 0 ? "\r\n" : "\n");
    }
    return out;
  }

  std::string ZeekJson(int lines) {
    std::string out;
    for (int i = 0; i < lines; ++i) {
      out += "{\"_path\":\"http\",\"ts\":\"2018-03-24T17:15:20.865716Z\",\"uid\":\"C" + Hex(8) + "\",\"id.orig_h\":\"" + Escaped(Ip()) +
             "\",\"id.orig_p\":41772,\"host\":\"" + Escaped(Pick(hosts_)) + "\",\"uri\":\"/" + Escaped(Any()) + "\",\"tags\":[],\"ok\":true,\"x\":null}\n";
    }
    return out;
  }

  std::string JsonLines(int lines) {
    std::string out;
    for (int i = 0; i < lines; ++i) {
      out += "{\"msg\":\"" + Escaped(Sentence()) + "\",\"deep\":{\"a\":[[\"" + Escaped(Any()) + "\"],{\"b\":\"" + Escaped(Any()) + "\"}]}}\n";
    }
    return out;
  }

  std::string Text(int lines, size_t long_line) {
    std::string out;
    for (int i = 0; i < lines; ++i) {
      if (i == lines / 2) out += std::string(long_line, 'a') + " " + Any() + "\n";  // over the limit: skipped
      out += Sentence() + "\n";
    }
    return out;
  }

  std::vector<RefIndicator> indicators_;
  std::vector<std::string> hosts_, ips_, urls_, others_;
  std::vector<std::pair<std::string, std::string>> paths_;  // host, path of URL indicators
  std::mt19937 rng_;
};

std::string TempDir() {
  std::string d = std::filesystem::temp_directory_path() / ("sweep_diff_" + std::to_string(::getpid()));
  std::filesystem::create_directories(d);
  return d;
}

void Write(const std::string& path, const std::string& text, bool gz) {
  if (gz) {
    gzFile f = gzopen(path.c_str(), "wb");
    gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
    gzclose(f);
  } else {
    std::ofstream(path, std::ios::binary) << text;
  }
}

TEST(SweepDifferential, EngineAgreesWithReferenceOnEveryFormat) {
  const std::string dir = TempDir();
  size_t total_hits = 0;
  for (uint32_t seed = 1; seed <= 4; ++seed) {
    LogGenerator g(seed);
    g.Indicators(30 + 20 * static_cast<int>(seed));
    g.Values();
    const size_t max_line = 4096;
    std::vector<std::pair<std::string, std::string>> logs = {
        {"squid.log", g.Squid(300)},    {"zeek.log", g.ZeekTsv(300)}, {"eve.json", g.Eve(200)},
        {"zeek.json", g.ZeekJson(200)}, {"app.jsonl", g.JsonLines(200)}, {"notes.txt", g.Text(300, max_line + 10)},
        {"squid2.log.gz", g.Squid(200)},
    };
    IndicatorSet::Builder builder(Timestamp::FromUnixMicros(0));
    for (const RefIndicator& ind : g.indicators_) {
      json::Value o = json::Value::Object();
      o.Set("type", json::Value::String("indicator"));
      o.Set("id", json::Value::String(std::to_string(ind.id)));
      o.Set("pattern", json::Value::String(PatternOf(ind)));
      o.Set("pattern_type", json::Value::String("stix"));
      builder.Add(o);
    }
    IndicatorSet set = std::move(builder).Build();
    ASSERT_EQ(set.counts().indexed, g.indicators_.size());
    std::vector<InputFile> files;
    std::vector<Record> want;
    for (const auto& [name, text] : logs) {
      const std::string path = dir + "/" + std::to_string(seed) + "-" + name;
      Write(path, text, name.ends_with(".gz"));
      files.push_back({path, std::filesystem::file_size(path), name.ends_with(".gz")});
      for (Record& r : ReferenceFile(g.indicators_, path, max_line)) want.push_back(std::move(r));
    }
    std::sort(want.begin(), want.end());
    total_hits += want.size();
    // One thread reading whole files, then several threads on 4 KiB chunks with 4 KiB blocks.
    for (auto [threads, chunk] : {std::pair{1, uint64_t{0}}, std::pair{3, uint64_t{4096}}, std::pair{2, uint64_t{10000}}}) {
      SweepOptions options;
      options.threads = threads;
      options.chunk_bytes = chunk;
      options.reader.block_bytes = 4096;
      options.reader.max_line_bytes = max_line;
      std::vector<Record> got;
      std::vector<std::pair<size_t, uint64_t>> order;
      SweepSummary s = Sweep(set, files, options, [&](const SweepHit& h) {
        got.push_back({files[h.file].path, h.line, h.field, h.value, set.indicators()[h.indicator].id});
        order.push_back({h.file, h.line});
      });
      EXPECT_TRUE(std::is_sorted(order.begin(), order.end())) << "hits are handed over in input order";
      EXPECT_EQ(s.long_lines, 1u);
      EXPECT_GT(s.malformed_lines, 0u);
      EXPECT_EQ(s.files_failed, 0u);
      uint64_t text_bytes = 0;
      for (const auto& log : logs) text_bytes += log.second.size();
      EXPECT_EQ(s.bytes, text_bytes) << "the byte counts of ranges add up";
      std::sort(got.begin(), got.end());
      std::vector<Record> missing, extra;
      std::set_difference(want.begin(), want.end(), got.begin(), got.end(), std::back_inserter(missing));
      std::set_difference(got.begin(), got.end(), want.begin(), want.end(), std::back_inserter(extra));
      for (size_t i = 0; i < missing.size() && i < 10; ++i) {
        const auto& [f, l, field, value, id] = missing[i];
        ADD_FAILURE() << "missed: " << f << ":" << l << " " << field << " '" << value << "' indicator " << id;
      }
      for (size_t i = 0; i < extra.size() && i < 10; ++i) {
        const auto& [f, l, field, value, id] = extra[i];
        ADD_FAILURE() << "false hit: " << f << ":" << l << " " << field << " '" << value << "' indicator " << id;
      }
      ASSERT_EQ(got.size(), want.size()) << "seed " << seed << " threads " << threads << " chunk " << chunk;
    }
  }
  EXPECT_GT(total_hits, 1000u);  // the generated logs must exercise the hit side too
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tadamun::match
