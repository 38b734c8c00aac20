#include "strategy/gp/text.hpp"

#include <cctype>
#include <charconv>
#include <cmath>

#include "core/error.hpp"

namespace organism::strategy::gp {

namespace {

std::string number_text(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

void print_into(const Node& n, std::string& out) {
  switch (n.op) {
    case Op::Constant:
      out += number_text(n.value);
      return;
    case Op::Field:
      out += field_name(n.field);
      return;
    case Op::Indicator:
      out += n.name;
      out += '_';
      out += std::to_string(n.param);
      return;
    case Op::Funding:
    case Op::True:
    case Op::False:
      out += op_symbol(n.op);
      return;
    default:
      break;
  }
  out += '(';
  out += op_symbol(n.op);
  for (const Node& c : n.children) {
    out += ' ';
    print_into(c, out);
  }
  if (n.op == Op::Lag) {
    out += ' ';
    out += std::to_string(n.param);
  }
  out += ')';
}

constexpr std::string_view kSides[] = {"long_entry", "long_exit", "short_entry", "short_exit"};

class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw core::UsageError("rule tree: at offset " + std::to_string(pos_) + ": " + what + " in '" +
                           std::string(s_) + "'");
  }

  void skip() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool peek(char c) {
    skip();
    return pos_ < s_.size() && s_[pos_] == c;
  }
  void expect(char c) {
    if (!peek(c)) {
      std::string what = "expected '";
      what += c;
      what += '\'';
      fail(what);
    }
    ++pos_;
  }
  void end() {
    skip();
    if (pos_ != s_.size()) fail("unexpected text after the end");
  }
  std::string_view atom() {
    skip();
    const std::size_t start = pos_;
    while (pos_ < s_.size() && s_[pos_] != '(' && s_[pos_] != ')' &&
           !std::isspace(static_cast<unsigned char>(s_[pos_]))) {
      ++pos_;
    }
    if (start == pos_) fail("expected a name or number");
    return s_.substr(start, pos_ - start);
  }
  int integer() {
    const std::string_view a = atom();
    int v = 0;
    const auto r = std::from_chars(a.data(), a.data() + a.size(), v);
    if (r.ec != std::errc() || r.ptr != a.data() + a.size()) fail("expected a whole number");
    return v;
  }

  Node node(int level) {
    if (level > 256) fail("nesting too deep");
    if (!peek('(')) return terminal(atom());
    ++pos_;
    const std::string_view sym = atom();
    const auto op = op_from_symbol(sym);
    if (!op || arity(*op) == 0) fail("unknown operator '" + std::string(sym) + "'");
    Node n;
    n.op = *op;
    for (int i = 0; i < arity(*op); ++i) n.children.push_back(node(level + 1));
    if (n.op == Op::Lag) n.param = integer();
    expect(')');
    return n;
  }

  Node terminal(std::string_view a) {
    if (a == "funding") return funding();
    if (a == "true" || a == "false") return boolean(a == "true");
    if (const auto f = field_from_name(a)) return field(*f);
    const char c = a.front();
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+' || c == '.') {
      double v = 0;
      const char* begin = a.data() + (c == '+' ? 1 : 0);
      const auto r = std::from_chars(begin, a.data() + a.size(), v);
      if (r.ec != std::errc() || r.ptr != a.data() + a.size() || !std::isfinite(v)) {
        fail("bad number '" + std::string(a) + "'");
      }
      return constant(v);
    }
    // An indicator column "name_period"; the name itself may hold '_' (donchian_high_20).
    const std::size_t cut = a.rfind('_');
    if (cut != std::string_view::npos && is_indicator_name(a.substr(0, cut))) {
      const std::string_view digits = a.substr(cut + 1);
      int p = 0;
      const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), p);
      if (r.ec == std::errc() && r.ptr == digits.data() + digits.size() && !digits.empty()) {
        return indicator(std::string(a.substr(0, cut)), p);
      }
    }
    fail("unknown terminal '" + std::string(a) + "'");
  }

  Rule rule(const Limits& limits) {
    Rule r;
    std::optional<Node>* slots[] = {&r.long_entry, &r.long_exit, &r.short_entry, &r.short_exit};
    expect('(');
    if (atom() != "rule") fail("expected 'rule'");
    int next = 0;
    while (peek('(')) {
      ++pos_;
      const std::string_view side = atom();
      int i = next;
      while (i < 4 && kSides[i] != side) ++i;
      if (i == 4) fail("expected long_entry, long_exit, short_entry or short_exit in this order");
      *slots[i] = checked(node(0), Type::Bool, limits);
      next = i + 1;
      expect(')');
    }
    expect(')');
    end();
    return r;
  }

  Node checked(Node n, Type type, const Limits& limits) {
    const std::string err = check(n, type, limits);
    if (!err.empty()) fail(err);
    return n;
  }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

}  // namespace

std::string print(const Node& n) {
  std::string out;
  print_into(n, out);
  return out;
}

std::string print(const Rule& r) {
  std::string out = "(rule";
  const std::optional<Node>* trees[] = {&r.long_entry, &r.long_exit, &r.short_entry, &r.short_exit};
  for (int i = 0; i < 4; ++i) {
    if (!*trees[i]) continue;
    out += " (";
    out += kSides[i];
    out += ' ';
    print_into(**trees[i], out);
    out += ')';
  }
  return out + ")";
}

Node parse_tree(std::string_view text, Type type, const Limits& limits) {
  Parser p(text);
  Node n = p.node(0);
  p.end();
  return p.checked(std::move(n), type, limits);
}

Rule parse_rule(std::string_view text, const Limits& limits) { return Parser(text).rule(limits); }

}  // namespace organism::strategy::gp
