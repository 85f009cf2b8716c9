#include "pattern/compare.h"

#include <re2/re2.h>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

#include "base/encoding.h"
#include "pattern/cidr.h"
#include "pattern/lexer.h"
#include "pattern/unicode.h"

namespace tadamun::pattern {

struct CompiledComparisons::Compiled {
  std::unique_ptr<RE2> text_re;    // LIKE / MATCHES on strings (UTF-8, NFC)
  std::unique_ptr<RE2> binary_re;  // LIKE / MATCHES on bytes (Latin-1), when expressible
  std::optional<Cidr> cidr;        // ISSUBSET / ISSUPERSET operand
  std::vector<std::optional<std::string>> latin1;  // Latin-1 form of each string literal
};

CompiledComparisons::~CompiledComparisons() = default;

namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// One value selected by an object path.
struct Val {
  const json::Value* json = nullptr;      // a JSON value, or
  const json::Value* ref_list = nullptr;  // a `_refs` list (resolved on [n] / [*]), or
  std::string bytes;                      // a decoded `_hex` / `_bin` value
  bool is_bytes = false;
};

// Values `path` selects from `root`, left in *cur (`next` is scratch space).
void Select(const ObjectPath& path, const json::Value& root, const ObjectIndex& index,
            std::vector<Val>* cur_out, std::vector<Val>* next_out) {
  std::vector<Val>& cur = *cur_out;
  std::vector<Val>& next = *next_out;
  cur.clear();
  cur.push_back(Val{&root});
  auto resolve = [&](const json::Value& id) {
    if (!id.is_string()) return;
    auto it = index.find(id.str());
    if (it != index.end()) next.push_back(Val{it->second});
  };
  for (const PathStep& step : path.steps) {
    next.clear();
    for (const Val& v : cur) {
      switch (step.kind) {
        case PathStep::Kind::kKey: {
          if (v.json == nullptr || !v.json->is_object()) break;
          const json::Value* c = v.json->Find(step.key);
          if (c == nullptr) break;
          if (EndsWith(step.key, "_ref")) {
            resolve(*c);
          } else if (EndsWith(step.key, "_refs")) {
            if (c->is_array()) next.push_back(Val{nullptr, c});
          } else if ((EndsWith(step.key, "_hex") || EndsWith(step.key, "_bin")) &&
                     c->is_string()) {
            StatusOr<std::string> b = EndsWith(step.key, "_hex") ? HexDecode(c->str())
                                                                 : Base64Decode(c->str());
            if (b.ok() || c->str().empty()) {
              Val bv;
              bv.is_bytes = true;
              if (b.ok()) bv.bytes = std::move(*b);
              next.push_back(std::move(bv));
            } else {
              next.push_back(Val{c});  // not valid hex/base64: compared as the string it is
            }
          } else {
            next.push_back(Val{c});
          }
          break;
        }
        case PathStep::Kind::kIndex:
        case PathStep::Kind::kAnyIndex: {
          const json::Value* list = v.ref_list ? v.ref_list : v.json;
          if (list == nullptr || !list->is_array()) break;
          const auto& items = list->items();
          size_t lo = 0, hi = items.size();
          if (step.kind == PathStep::Kind::kIndex) {
            if (step.index < 0 || static_cast<uint64_t>(step.index) >= items.size()) break;
            lo = static_cast<size_t>(step.index);
            hi = lo + 1;
          }
          for (size_t i = lo; i < hi; ++i) {
            if (v.ref_list) {
              resolve(items[i]);
            } else {
              next.push_back(Val{&items[i]});
            }
          }
          break;
        }
      }
    }
    cur.swap(next);
  }
}

// Numbers: JSON integers that fit int64 stay exact; everything else is a double.
struct Num {
  bool is_int = false;
  int64_t i = 0;
  double d = 0;
};
std::optional<Num> ValNumber(const Val& v) {
  if (v.json == nullptr || !v.json->is_number()) return std::nullopt;
  const std::string& t = v.json->number_text();
  if (t.find_first_of(".eE") == std::string::npos) {
    if (auto i = v.json->AsInt64()) return Num{true, *i, 0};
  }
  if (auto d = v.json->AsDouble()) return Num{false, 0, *d};
  return std::nullopt;
}
std::optional<Num> LitNumber(const Literal& l) {
  if (const auto* i = std::get_if<IntLit>(&l)) return Num{true, i->value, 0};
  if (const auto* f = std::get_if<FloatLit>(&l)) return Num{false, 0, f->value};
  return std::nullopt;
}
// -1, 0, 1; 2 when unordered (NaN).
int CompareNum(const Num& a, const Num& b) {
  if (a.is_int && b.is_int) return (a.i > b.i) - (a.i < b.i);
  long double x = a.is_int ? static_cast<long double>(a.i) : a.d;
  long double y = b.is_int ? static_cast<long double>(b.i) : b.d;
  if (x < y) return -1;
  if (x > y) return 1;
  if (x == y) return 0;
  return 2;
}
int CompareBytes(std::string_view a, std::string_view b) {
  int c = a.compare(b);
  return (c > 0) - (c < 0);
}

enum Outcome : int { kError = -2, kFalse = 0, kTrue = 1 };  // kError differs from orders -1..1
constexpr int kUnordered = 2;

struct Tester {
  const Comparison& c;
  const CompiledComparisons::Compiled& k;
  Status* error;

  // Order of value vs literal i: -1/0/1, kUnordered, or kError.
  int Order(const Val& v, size_t i) const {
    const Literal& lit = c.values[i];
    if (auto ln = LitNumber(lit)) {
      auto vn = ValNumber(v);
      return vn ? CompareNum(*vn, *ln) : kUnordered;
    }
    if (const auto* s = std::get_if<StringLit>(&lit)) {
      if (v.is_bytes) {
        return k.latin1[i] ? CompareBytes(v.bytes, *k.latin1[i]) : kUnordered;
      }
      if (v.json && v.json->is_string()) return CompareBytes(v.json->str(), s->value);
      return kUnordered;
    }
    if (const auto* b = std::get_if<BinaryLit>(&lit)) {
      if (v.is_bytes) return CompareBytes(v.bytes, b->bytes);
      if (v.json && v.json->is_string()) {
        auto l1 = Latin1Bytes(v.json->str());
        return l1 ? CompareBytes(*l1, b->bytes) : kUnordered;
      }
      return kUnordered;
    }
    if (const auto* t = std::get_if<TimestampLit>(&lit)) {
      if (!v.json || !v.json->is_string()) return kUnordered;
      StatusOr<Timestamp> ts = Timestamp::Parse(v.json->str());
      if (!ts.ok()) {
        *error = Status::InvalidArgument(
            AtColumn(c.literal_column) + "property value '" + v.json->str().substr(0, 80) +
            "' is not a STIX timestamp; expected 'YYYY-MM-DDTHH:MM:SS[.s+]Z' to compare with "
            "t'" + t->text + "'");
        return kError;
      }
      return (*ts > t->value) - (*ts < t->value);
    }
    return kUnordered;  // booleans are not ordered
  }

  int Equal(const Val& v, size_t i) const {
    if (const auto* b = std::get_if<BoolLit>(&c.values[i])) {
      return v.json && v.json->is_bool() && v.json->bool_value() == b->value ? kTrue : kFalse;
    }
    int o = Order(v, i);
    if (o == kError) return kError;
    return o == 0 ? kTrue : kFalse;
  }

  int Regex(const Val& v) const {
    if (v.is_bytes) {
      return k.binary_re && RE2::PartialMatch(v.bytes, *k.binary_re) ? kTrue : kFalse;
    }
    if (v.json == nullptr || !v.json->is_string()) return kFalse;
    std::optional<std::string> nfc = NormalizeNfc(v.json->str());
    return nfc && RE2::PartialMatch(*nfc, *k.text_re) ? kTrue : kFalse;
  }

  int Cidrs(const Val& v) const {
    if (v.json == nullptr || !v.json->is_string()) return kFalse;
    std::optional<Cidr> value = ParseCidr(v.json->str());
    if (!value) return kFalse;
    return (c.op == CompareOp::kIsSubset ? CidrContains(*k.cidr, *value)
                                         : CidrContains(*value, *k.cidr))
               ? kTrue
               : kFalse;
  }

  // The test of one value, before NOT.
  int Test(const Val& v) const {
    switch (c.op) {
      case CompareOp::kEq: return Equal(v, 0);
      case CompareOp::kNe: {
        int e = Equal(v, 0);
        return e == kError ? kError : e == kTrue ? kFalse : kTrue;
      }
      case CompareOp::kLt: case CompareOp::kLe: case CompareOp::kGt: case CompareOp::kGe: {
        int o = Order(v, 0);
        if (o == kError) return kError;
        if (o == kUnordered) return kFalse;
        bool r = c.op == CompareOp::kLt ? o < 0 : c.op == CompareOp::kLe ? o <= 0
                 : c.op == CompareOp::kGt ? o > 0 : o >= 0;
        return r ? kTrue : kFalse;
      }
      case CompareOp::kIn:
        for (size_t i = 0; i < c.values.size(); ++i) {
          int e = Equal(v, i);
          if (e != kFalse) return e;
        }
        return kFalse;
      case CompareOp::kLike:
      case CompareOp::kMatches:
        return Regex(v);
      case CompareOp::kIsSubset:
      case CompareOp::kIsSuperset:
        return Cidrs(v);
      case CompareOp::kExists:
        return kTrue;
    }
    return kFalse;
  }
};

std::string LikeToRegex(std::string_view like) {
  std::string re;
  for (size_t i = 0; i < like.size();) {
    char ch = like[i];
    if (ch == '%') {
      re += "(?s:.*)";
      ++i;
    } else if (ch == '_') {
      re += "(?s:.)";
      ++i;
    } else {
      size_t n = 1;
      while (i + n < like.size() && (static_cast<unsigned char>(like[i + n]) & 0xC0) == 0x80) ++n;
      re += RE2::QuoteMeta(like.substr(i, n));
      i += n;
    }
  }
  return re;
}

}  // namespace

StatusOr<std::unique_ptr<CompiledComparisons>> CompiledComparisons::Compile(const Pattern& p) {
  std::unique_ptr<CompiledComparisons> out(new CompiledComparisons());
  out->pattern_ = &p;
  std::vector<uint32_t> first(p.comparisons.size());
  for (size_t i = 0; i < p.comparisons.size(); ++i) {
    auto k = std::make_unique<Compiled>();
    first[i] = static_cast<uint32_t>(i);
    if (const auto* b = std::get_if<BoolExpr>(&p.comparisons[i])) {
      first[i] = std::min(first[b->left], first[b->right]);
    } else {
      const auto& c = std::get<Comparison>(p.comparisons[i]);
      for (const Literal& l : c.values) {
        const auto* s = std::get_if<StringLit>(&l);
        k->latin1.push_back(s ? Latin1Bytes(s->value) : std::nullopt);
      }
      if (c.op == CompareOp::kLike || c.op == CompareOp::kMatches) {
        std::optional<std::string> nfc = NormalizeNfc(std::get<StringLit>(c.values[0]).value);
        if (!nfc) return Status::InvalidArgument(AtColumn(c.literal_column) + "invalid UTF-8");
        std::string text = c.op == CompareOp::kLike ? LikeToRegex(*nfc) : *nfc;
        RE2::Options opts;
        opts.set_log_errors(false);
        if (c.op == CompareOp::kLike) opts.set_dot_nl(true);
        RE2::Options anchored = opts;
        std::string wrapped = c.op == CompareOp::kLike ? "^(?:" + text + ")$" : text;
        k->text_re = std::make_unique<RE2>(wrapped, anchored);
        if (!k->text_re->ok()) {
          return Status::InvalidArgument(AtColumn(c.literal_column) +
                                         "regular expression does not compile: " +
                                         k->text_re->error() + "; expected RE2 syntax");
        }
        if (std::optional<std::string> l1 = Latin1Bytes(wrapped)) {
          RE2::Options bin = opts;
          bin.set_encoding(RE2::Options::EncodingLatin1);
          auto re = std::make_unique<RE2>(*l1, bin);
          if (re->ok()) k->binary_re = std::move(re);
        }
      }
      if (c.op == CompareOp::kIsSubset || c.op == CompareOp::kIsSuperset) {
        k->cidr = ParseCidr(std::get<StringLit>(c.values[0]).value);
        if (!k->cidr) {
          return Status::InvalidArgument(AtColumn(c.literal_column) +
                                         "not an IP address or CIDR block");
        }
      }
    }
    out->compiled_.push_back(std::move(k));
  }
  out->leaf_range_.resize(p.leaf_count);
  out->leaf_types_.resize(p.leaf_count);
  for (const ObservationNode& n : p.observations) {
    if (const auto* s = std::get_if<ObsSimple>(&n)) {
      out->leaf_range_[s->leaf] = {first[s->comparison], s->comparison};
      auto& types = out->leaf_types_[s->leaf];
      for (uint32_t i = first[s->comparison]; i <= s->comparison; ++i) {
        if (const auto* c = std::get_if<Comparison>(&p.comparisons[i])) {
          if (std::find(types.begin(), types.end(), c->path.object_type) == types.end()) {
            types.push_back(c->path.object_type);
          }
        }
      }
    }
  }
  return out;
}

struct CompiledComparisons::Scratch {
  std::vector<uint8_t> roots;
  std::vector<Val> values, next;
};

void CompiledComparisons::ScratchDeleter::operator()(Scratch* s) const { delete s; }

CompiledComparisons::ScratchPtr CompiledComparisons::NewScratch() const {
  return ScratchPtr(new Scratch());
}

StatusOr<bool> CompiledComparisons::Holds(uint32_t leaf, const Observation& o, uint64_t* work,
                                          Scratch* scratch) const {
  auto [lo, hi] = leaf_range_[leaf];
  size_t n_obj = o.objects.size();
  // Cheap rejection: no SCO of a type the `[...]` names.
  bool any_type = false;
  for (const json::Value* obj : o.objects) {
    const json::Value* type = obj->Find("type");
    if (type == nullptr || !type->is_string()) continue;
    for (const std::string& t : leaf_types_[leaf]) any_type = any_type || t == type->str();
    if (any_type) break;
  }
  if (!any_type) return false;
  // roots[(i - lo) * n_obj + j]: comparison node i holds for root SCO j.
  std::vector<uint8_t>& roots = scratch->roots;
  roots.assign((hi - lo + 1) * n_obj, 0);
  std::vector<Val>& values = scratch->values;
  static const ObjectIndex kEmpty;
  const ObjectIndex& index = o.index ? *o.index : kEmpty;
  for (uint32_t i = lo; i <= hi; ++i) {
    uint8_t* r = &roots[(i - lo) * n_obj];
    if (const auto* b = std::get_if<BoolExpr>(&pattern_->comparisons[i])) {
      const uint8_t* l = &roots[(b->left - lo) * n_obj];
      const uint8_t* rr = &roots[(b->right - lo) * n_obj];
      for (size_t j = 0; j < n_obj; ++j) {
        r[j] = b->op == BoolExpr::Op::kAnd ? (l[j] & rr[j]) : (l[j] | rr[j]);
      }
      continue;
    }
    const auto& c = std::get<Comparison>(pattern_->comparisons[i]);
    Status error;
    Tester tester{c, *compiled_[i], &error};
    for (size_t j = 0; j < n_obj; ++j) {
      const json::Value& obj = *o.objects[j];
      const json::Value* type = obj.Find("type");
      if (type == nullptr || !type->is_string() || type->str() != c.path.object_type) continue;
      Select(c.path, obj, index, &values, &scratch->next);
      *work += values.size();
      if (c.op == CompareOp::kExists) {
        bool present = false;
        for (const Val& v : values) present = present || v.is_bytes || v.ref_list || !v.json->is_null();
        r[j] = present != c.negated;
        continue;
      }
      for (const Val& v : values) {
        int t = tester.Test(v);
        if (t == kError) return error;
        if ((t == kTrue) != c.negated) {
          r[j] = 1;
          break;
        }
      }
    }
  }
  for (size_t j = 0; j < n_obj; ++j) {
    if (roots[(hi - lo) * n_obj + j]) return true;
  }
  return false;
}

}  // namespace tadamun::pattern
