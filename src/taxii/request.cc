#include "taxii/request.h"

#include <cctype>

namespace tadamun::taxii {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

StatusOr<std::string> Decode(std::string_view s, size_t base) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%') {
      int hi = i + 2 < s.size() ? HexDigit(s[i + 1]) : -1;
      int lo = i + 2 < s.size() ? HexDigit(s[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        return Status::InvalidArgument("query string: bad %-escape at byte " +
                                       std::to_string(base + i) +
                                       " (expected '%' and two hex digits)");
      }
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

void Request::AddHeader(std::string_view name, std::string value) {
  headers.emplace(Lower(name), std::move(value));
}

std::optional<std::string> Request::Header(std::string_view name) const {
  auto it = headers.find(Lower(name));
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> Response::Header(std::string_view name) const {
  std::string want = Lower(name);
  for (const auto& [k, v] : headers) {
    if (Lower(k) == want) return v;
  }
  return std::nullopt;
}

StatusOr<std::multimap<std::string, std::string>> ParseQueryString(std::string_view query,
                                                                   size_t max_params) {
  std::multimap<std::string, std::string> out;
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t end = query.find('&', pos);
    if (end == std::string_view::npos) end = query.size();
    std::string_view part = query.substr(pos, end - pos);
    if (!part.empty()) {
      if (out.size() >= max_params) {
        return Status::ResourceExhausted("query string: more than " + std::to_string(max_params) +
                                         " parameters");
      }
      size_t eq = part.find('=');
      std::string_view name = part.substr(0, eq);
      std::string_view value = eq == std::string_view::npos ? "" : part.substr(eq + 1);
      TADAMUN_ASSIGN_OR_RETURN(std::string n, Decode(name, pos));
      TADAMUN_ASSIGN_OR_RETURN(std::string v,
                               Decode(value, eq == std::string_view::npos ? end : pos + eq + 1));
      out.emplace(std::move(n), std::move(v));
    }
    pos = end + 1;
  }
  return out;
}

bool AcceptsTaxii(const std::optional<std::string>& accept) {
  if (!accept || Trim(*accept).empty()) return true;
  std::string_view rest = *accept;
  while (true) {
    size_t comma = rest.find(',');
    std::string_view range = rest.substr(0, comma);
    // media-range: type/subtype *( ";" parameter )
    size_t semi = range.find(';');
    std::string type = Lower(Trim(range.substr(0, semi)));
    std::string_view params = semi == std::string_view::npos ? "" : range.substr(semi + 1);
    bool version_ok = true;
    bool q_zero = false;
    while (!params.empty()) {
      size_t next = params.find(';');
      std::string_view p = Trim(params.substr(0, next));
      size_t eq = p.find('=');
      std::string key = Lower(Trim(p.substr(0, eq)));
      std::string_view value = eq == std::string_view::npos ? "" : Trim(p.substr(eq + 1));
      if (key == "version") version_ok = value == "2.1";
      if (key == "q") {
        q_zero = !value.empty() && value.find_first_not_of("0.") == std::string_view::npos;
      }
      if (next == std::string_view::npos) break;
      params.remove_prefix(next + 1);
    }
    if (!q_zero) {
      if (type == "*/*" || type == "application/*") return true;
      if (type == "application/taxii+json" && version_ok) return true;
    }
    if (comma == std::string_view::npos) return false;
    rest.remove_prefix(comma + 1);
  }
}

}  // namespace tadamun::taxii
