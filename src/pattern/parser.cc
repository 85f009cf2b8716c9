#include "pattern/parser.h"

#include <cmath>
#include <utility>
#include <vector>

#include "pattern/lexer.h"

namespace tadamun::pattern {

std::string_view CompareOpName(CompareOp op) {
  switch (op) {
    case CompareOp::kEq: return "=";
    case CompareOp::kNe: return "!=";
    case CompareOp::kLt: return "<";
    case CompareOp::kLe: return "<=";
    case CompareOp::kGt: return ">";
    case CompareOp::kGe: return ">=";
    case CompareOp::kIn: return "IN";
    case CompareOp::kLike: return "LIKE";
    case CompareOp::kMatches: return "MATCHES";
    case CompareOp::kIsSubset: return "ISSUBSET";
    case CompareOp::kIsSuperset: return "ISSUPERSET";
    case CompareOp::kExists: return "EXISTS";
  }
  return "?";
}

namespace {

bool IsOrderable(Tok t) {
  return t == Tok::kIntPos || t == Tok::kIntNeg || t == Tok::kFloatPos || t == Tok::kFloatNeg ||
         t == Tok::kString || t == Tok::kBinary || t == Tok::kHex || t == Tok::kTimestamp;
}
bool IsPrimitive(Tok t) { return IsOrderable(t) || t == Tok::kBool; }

class Parser {
 public:
  Parser(std::vector<Token> tokens, const ParseOptions& options, Pattern* out)
      : toks_(std::move(tokens)), options_(options), out_(out) {}

  Status Run() {
    TADAMUN_ASSIGN_OR_RETURN(out_->root, ObsExprs());
    if (Peek().kind != Tok::kEnd) {
      return Unexpected("an observation operator (AND, OR, FOLLOWEDBY), a qualifier "
                        "(WITHIN, REPEATS, START) or the end of the pattern");
    }
    return Status::Ok();
  }

 private:
  const Token& Peek() const { return toks_[pos_]; }
  const Token& Take() { return toks_[pos_ < toks_.size() - 1 ? pos_++ : pos_]; }

  Status Unexpected(std::string_view expected) const {
    const Token& t = Peek();
    std::string found = t.kind == Tok::kEnd ? "end of pattern"
                                            : "'" + std::string(t.text.substr(0, 40)) + "'";
    if (t.kind == Tok::kTimestamp || t.kind == Tok::kString) found = std::string(TokName(t.kind));
    return Status::InvalidArgument(AtColumn(t.column) + "found " + found + "; expected " +
                                   std::string(expected));
  }
  Status Expect(Tok kind, std::string_view expected) {
    if (Peek().kind != kind) return Unexpected(expected);
    Take();
    return Status::Ok();
  }

  Status Enter(uint32_t column) {
    if (++depth_ > options_.max_depth) {
      return Status::ResourceExhausted(AtColumn(column) + "nesting deeper than " +
                                       std::to_string(options_.max_depth) +
                                       " brackets/parentheses");
    }
    return Status::Ok();
  }

  StatusOr<uint32_t> AddObs(ObservationNode node) {
    out_->observations.push_back(std::move(node));
    return static_cast<uint32_t>(out_->observations.size() - 1);
  }
  StatusOr<uint32_t> AddCmp(ComparisonNode node, uint32_t column) {
    if (out_->comparisons.size() >= options_.max_comparisons) {
      return Status::ResourceExhausted(AtColumn(column) + "more than " +
                                       std::to_string(options_.max_comparisons) +
                                       " comparisons in one pattern");
    }
    out_->comparisons.push_back(std::move(node));
    return static_cast<uint32_t>(out_->comparisons.size() - 1);
  }

  // obsExprs := obsOr (FOLLOWEDBY obsOr)*
  StatusOr<uint32_t> ObsExprs() {
    TADAMUN_ASSIGN_OR_RETURN(uint32_t left, ObsOr());
    while (Peek().kind == Tok::kFollowedBy) {
      uint32_t col = Take().column;
      TADAMUN_ASSIGN_OR_RETURN(uint32_t right, ObsOr());
      TADAMUN_ASSIGN_OR_RETURN(left, AddObs(ObsBinary{ObsBinary::Op::kFollowedBy, left, right, col}));
    }
    return left;
  }
  StatusOr<uint32_t> ObsOr() {
    TADAMUN_ASSIGN_OR_RETURN(uint32_t left, ObsAnd());
    while (Peek().kind == Tok::kOr) {
      uint32_t col = Take().column;
      TADAMUN_ASSIGN_OR_RETURN(uint32_t right, ObsAnd());
      TADAMUN_ASSIGN_OR_RETURN(left, AddObs(ObsBinary{ObsBinary::Op::kOr, left, right, col}));
    }
    return left;
  }
  StatusOr<uint32_t> ObsAnd() {
    TADAMUN_ASSIGN_OR_RETURN(uint32_t left, ObsExpr());
    while (Peek().kind == Tok::kAnd) {
      uint32_t col = Take().column;
      TADAMUN_ASSIGN_OR_RETURN(uint32_t right, ObsExpr());
      TADAMUN_ASSIGN_OR_RETURN(left, AddObs(ObsBinary{ObsBinary::Op::kAnd, left, right, col}));
    }
    return left;
  }

  // obsExpr := ('[' cmpExpr ']' | '(' obsExprs ')') qualifier*
  StatusOr<uint32_t> ObsExpr() {
    const Token& open = Peek();
    uint32_t col = open.column;
    uint32_t node = 0;
    if (open.kind == Tok::kLBrack) {
      Take();
      TADAMUN_RETURN_IF_ERROR(Enter(col));
      if (out_->leaf_count >= options_.max_observation_expressions) {
        return Status::ResourceExhausted(AtColumn(col) + "more than " +
                                         std::to_string(options_.max_observation_expressions) +
                                         " observation expressions in one pattern");
      }
      TADAMUN_ASSIGN_OR_RETURN(uint32_t cmp, CmpExpr());
      TADAMUN_RETURN_IF_ERROR(Expect(Tok::kRBrack, "']' or a comparison operator (AND, OR)"));
      --depth_;
      TADAMUN_ASSIGN_OR_RETURN(node, AddObs(ObsSimple{cmp, out_->leaf_count++, col}));
    } else if (open.kind == Tok::kLParen) {
      Take();
      TADAMUN_RETURN_IF_ERROR(Enter(col));
      TADAMUN_ASSIGN_OR_RETURN(uint32_t inner, ObsExprs());
      TADAMUN_RETURN_IF_ERROR(Expect(Tok::kRParen, "')' or an observation operator"));
      --depth_;
      TADAMUN_ASSIGN_OR_RETURN(node, AddObs(ObsGroup{inner, col}));
    } else {
      return Unexpected("'[' (an observation expression) or '('");
    }
    while (true) {
      const Token& q = Peek();
      uint32_t qcol = q.column;
      if (q.kind == Tok::kWithin) {
        Take();
        const Token& n = Peek();
        double seconds = 0;
        if (n.kind == Tok::kIntPos) {
          seconds = static_cast<double>(std::get<IntLit>(n.literal).value);
        } else if (n.kind == Tok::kFloatPos) {
          seconds = std::get<FloatLit>(n.literal).value;
        } else {
          return Unexpected("a positive number of seconds after WITHIN");
        }
        Take();
        TADAMUN_RETURN_IF_ERROR(Expect(Tok::kSeconds, "'SECONDS'"));
        // Rounded up to whole nanoseconds; capped so it stays representable.
        double ns = std::ceil(seconds * 1e9);
        int64_t nanos = ns >= 9.2e18 ? INT64_MAX : static_cast<int64_t>(ns);
        TADAMUN_ASSIGN_OR_RETURN(node, AddObs(ObsWithin{node, seconds, nanos, qcol}));
      } else if (q.kind == Tok::kRepeats) {
        Take();
        if (Peek().kind != Tok::kIntPos) return Unexpected("a positive integer after REPEATS");
        int64_t times = std::get<IntLit>(Take().literal).value;
        TADAMUN_RETURN_IF_ERROR(Expect(Tok::kTimes, "'TIMES'"));
        TADAMUN_ASSIGN_OR_RETURN(node, AddObs(ObsRepeats{node, times, qcol}));
      } else if (q.kind == Tok::kStart) {
        Take();
        if (Peek().kind != Tok::kTimestamp) return Unexpected("a timestamp literal t'…' after START");
        Timestamp start = std::get<TimestampLit>(Take().literal).value;
        TADAMUN_RETURN_IF_ERROR(Expect(Tok::kStop, "'STOP'"));
        if (Peek().kind != Tok::kTimestamp) return Unexpected("a timestamp literal t'…' after STOP");
        Timestamp stop = std::get<TimestampLit>(Take().literal).value;
        TADAMUN_ASSIGN_OR_RETURN(node, AddObs(ObsStartStop{node, start, stop, qcol}));
      } else {
        return node;
      }
    }
  }

  // cmpExpr := cmpAnd (OR cmpAnd)*
  StatusOr<uint32_t> CmpExpr() {
    TADAMUN_ASSIGN_OR_RETURN(uint32_t left, CmpAnd());
    while (Peek().kind == Tok::kOr) {
      uint32_t col = Take().column;
      TADAMUN_ASSIGN_OR_RETURN(uint32_t right, CmpAnd());
      TADAMUN_ASSIGN_OR_RETURN(left, AddCmp(BoolExpr{BoolExpr::Op::kOr, left, right, col}, col));
    }
    return left;
  }
  StatusOr<uint32_t> CmpAnd() {
    TADAMUN_ASSIGN_OR_RETURN(uint32_t left, PropTest());
    while (Peek().kind == Tok::kAnd) {
      uint32_t col = Take().column;
      TADAMUN_ASSIGN_OR_RETURN(uint32_t right, PropTest());
      TADAMUN_ASSIGN_OR_RETURN(left, AddCmp(BoolExpr{BoolExpr::Op::kAnd, left, right, col}, col));
    }
    return left;
  }

  StatusOr<uint32_t> PropTest() {
    const Token& first = Peek();
    uint32_t col = first.column;
    if (first.kind == Tok::kLParen) {
      Take();
      TADAMUN_RETURN_IF_ERROR(Enter(col));
      TADAMUN_ASSIGN_OR_RETURN(uint32_t inner, CmpExpr());
      TADAMUN_RETURN_IF_ERROR(Expect(Tok::kRParen, "')' or a comparison operator (AND, OR)"));
      --depth_;
      return inner;
    }
    Comparison c;
    c.column = col;
    if (first.kind == Tok::kNot || first.kind == Tok::kExists) {
      c.negated = first.kind == Tok::kNot;
      Take();
      if (c.negated) {
        if (Peek().kind != Tok::kExists) {
          return Unexpected("'EXISTS' (NOT before an object path only negates EXISTS)");
        }
        Take();
      }
      c.literal_column = col;
      c.op = CompareOp::kExists;
      TADAMUN_ASSIGN_OR_RETURN(c.path, Path());
      return AddCmp(std::move(c), col);
    }
    TADAMUN_ASSIGN_OR_RETURN(c.path, Path());
    if (Peek().kind == Tok::kNot) {
      c.negated = true;
      Take();
    }
    const Token& op = Peek();
    enum class Want { kPrimitive, kOrderable, kSet, kString } want;
    switch (op.kind) {
      case Tok::kEq: c.op = CompareOp::kEq; want = Want::kPrimitive; break;
      case Tok::kNe: c.op = CompareOp::kNe; want = Want::kPrimitive; break;
      case Tok::kLt: c.op = CompareOp::kLt; want = Want::kOrderable; break;
      case Tok::kLe: c.op = CompareOp::kLe; want = Want::kOrderable; break;
      case Tok::kGt: c.op = CompareOp::kGt; want = Want::kOrderable; break;
      case Tok::kGe: c.op = CompareOp::kGe; want = Want::kOrderable; break;
      case Tok::kIn: c.op = CompareOp::kIn; want = Want::kSet; break;
      case Tok::kLike: c.op = CompareOp::kLike; want = Want::kString; break;
      case Tok::kMatches: c.op = CompareOp::kMatches; want = Want::kString; break;
      case Tok::kIsSubset: c.op = CompareOp::kIsSubset; want = Want::kString; break;
      case Tok::kIsSuperset: c.op = CompareOp::kIsSuperset; want = Want::kString; break;
      default:
        return Unexpected(
            "a comparison operator (=, !=, <, <=, >, >=, IN, LIKE, MATCHES, ISSUBSET, "
            "ISSUPERSET), optionally after NOT, or a path step ('.' or '[')");
    }
    Take();
    const Token& lit = Peek();
    c.literal_column = lit.column;
    switch (want) {
      case Want::kPrimitive:
        if (!IsPrimitive(lit.kind)) {
          return Unexpected("a literal (integer, number, 'string', true/false, b'…', h'…', t'…')");
        }
        c.values.push_back(Take().literal);
        break;
      case Want::kOrderable:
        if (!IsOrderable(lit.kind)) {
          return Unexpected("an orderable literal (integer, number, 'string', b'…', h'…', t'…')");
        }
        c.values.push_back(Take().literal);
        break;
      case Want::kString:
        if (lit.kind != Tok::kString) {
          return Unexpected("a string literal after " + std::string(CompareOpName(c.op)));
        }
        c.values.push_back(Take().literal);
        break;
      case Want::kSet: {
        TADAMUN_RETURN_IF_ERROR(Expect(Tok::kLParen, "'(' starting the set after IN"));
        if (Peek().kind == Tok::kRParen) {
          Take();
          break;
        }
        while (true) {
          if (!IsPrimitive(Peek().kind)) return Unexpected("a literal in the set");
          c.values.push_back(Take().literal);
          if (c.values.size() > options_.max_comparisons) {
            return Status::ResourceExhausted(AtColumn(lit.column) + "set literal has more than " +
                                             std::to_string(options_.max_comparisons) +
                                             " elements");
          }
          if (Peek().kind == Tok::kRParen) {
            Take();
            break;
          }
          TADAMUN_RETURN_IF_ERROR(Expect(Tok::kComma, "',' or ')' in the set"));
        }
        break;
      }
    }
    return AddCmp(std::move(c), col);
  }

  // objectPath := objectType ':' firstPathComponent objectPathComponent*
  StatusOr<ObjectPath> Path() {
    ObjectPath path;
    const Token& type = Peek();
    path.column = type.column;
    if (type.kind != Tok::kIdent && type.kind != Tok::kIdentHyphen) {
      return Unexpected("an object path 'type:property' (or '(' or EXISTS)");
    }
    path.object_type = std::string(Take().text);
    TADAMUN_RETURN_IF_ERROR(Expect(Tok::kColon, "':' after the object type"));
    TADAMUN_RETURN_IF_ERROR(Key(&path, "a property name (letters, digits, '_') or a quoted "
                                       "'property-name'"));
    while (true) {
      const Token& t = Peek();
      if (t.kind == Tok::kDot) {
        Take();
        TADAMUN_RETURN_IF_ERROR(Key(&path, "a property or key name after '.' (quote names with "
                                           "'-' or '.' as 'a-b')"));
      } else if (t.kind == Tok::kLBrack) {
        PathStep step;
        step.column = Take().column;
        const Token& idx = Peek();
        if (idx.kind == Tok::kAsterisk) {
          step.kind = PathStep::Kind::kAnyIndex;
        } else if (idx.kind == Tok::kIntPos || idx.kind == Tok::kIntNeg) {
          step.kind = PathStep::Kind::kIndex;
          step.index = std::get<IntLit>(idx.literal).value;
        } else {
          return Unexpected("a list index (integer) or '*'");
        }
        Take();
        TADAMUN_RETURN_IF_ERROR(Expect(Tok::kRBrack, "']' closing the list index"));
        path.steps.push_back(std::move(step));
      } else {
        return path;
      }
    }
  }

  Status Key(ObjectPath* path, std::string_view expected) {
    const Token& t = Peek();
    PathStep step;
    step.column = t.column;
    if (t.kind == Tok::kIdent) {
      step.key = std::string(t.text);
    } else if (t.kind == Tok::kString) {
      step.key = std::get<StringLit>(t.literal).value;
    } else {
      return Unexpected(expected);
    }
    Take();
    path->steps.push_back(std::move(step));
    return Status::Ok();
  }

  std::vector<Token> toks_;
  ParseOptions options_;
  Pattern* out_;
  size_t pos_ = 0;
  uint32_t depth_ = 0;
};

}  // namespace

StatusOr<Pattern> Parse(std::string_view text, const ParseOptions& options) {
  if (text.size() > options.max_length) {
    return Status::ResourceExhausted("pattern is " + std::to_string(text.size()) +
                                     " bytes long; the limit is " +
                                     std::to_string(options.max_length));
  }
  TADAMUN_ASSIGN_OR_RETURN(std::vector<Token> tokens, Lex(text, LexOptions{}));
  Pattern pattern;
  pattern.text = std::string(text);
  Parser parser(std::move(tokens), options, &pattern);
  TADAMUN_RETURN_IF_ERROR(parser.Run());
  return pattern;
}

}  // namespace tadamun::pattern
