// gp::rule_stream: a rule's four trees flattened into postorder programs whose nodes keep their
// own state (lag rings, the previous values a cross compares with), over one set of indicator
// streams shared by every terminal naming the same column.
#include "strategy/gp/stream.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <optional>
#include <stdexcept>

#include "indicators/column_stream.hpp"
#include "strategy/gp/interpreter.hpp"

namespace organism::strategy::gp {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double field_value(const data::Bar& bar, Field f) {
  switch (f) {
    case Field::Open:
      return bar.open;
    case Field::High:
      return bar.high;
    case Field::Low:
      return bar.low;
    case Field::Close:
      return bar.close;
    case Field::Volume:
      return bar.volume;
  }
  return bar.close;
}

// What one bar's nodes read besides their children: the bar, the funding settled during it and
// the indicator columns' values at it.
struct BarInputs {
  data::Bar bar;
  double funding = 0;
  std::span<const double> columns;
};

// One node of a tree, its children's slots earlier in the program (postorder).
struct Step {
  Op op = Op::Constant;
  int a = -1, b = -1;  // children's slots
  double value = 0;    // Constant, True, False
  Field field = Field::Close;
  int column = -1;  // Indicator: index into BarInputs::columns
  // Lag: the child's last `param` values, oldest at `pos` (NaN until written). Crosses: the
  // children's values at the bar before.
  std::vector<double> ring{};
  std::size_t pos = 0;
  double prev_a = kNaN, prev_b = kNaN;
};

class TreeProgram {
 public:
  // `columns` collects the distinct indicator columns of every tree of the rule.
  TreeProgram(const Node& tree, std::vector<indicators::ColumnSpec>& columns) {
    compile(tree, columns);
    values_.resize(steps_.size());
  }

  // The tree's value at this bar (Bool trees: 0/1). Every node runs every bar, so lag rings and
  // cross memories advance whether or not their value matters at this bar.
  double run(const BarInputs& in) {
    for (std::size_t i = 0; i < steps_.size(); ++i) values_[i] = eval(steps_[i], in);
    return values_.back();
  }

 private:
  int compile(const Node& n, std::vector<indicators::ColumnSpec>& columns) {
    Step s;
    s.op = n.op;
    if (!n.children.empty()) s.a = compile(n.children[0], columns);
    if (n.children.size() > 1) s.b = compile(n.children[1], columns);
    switch (n.op) {
      case Op::Constant:
        s.value = n.value;
        break;
      case Op::True:
        s.value = 1.0;
        break;
      case Op::Field:
        s.field = n.field;
        break;
      case Op::Indicator: {
        // The same spec the interpreter asks the cache for.
        const indicators::ColumnSpec spec{n.name, {static_cast<double>(n.param)}};
        auto it = std::find(columns.begin(), columns.end(), spec);
        if (it == columns.end()) it = columns.insert(columns.end(), spec);
        s.column = static_cast<int>(it - columns.begin());
        break;
      }
      case Op::Lag:
        s.ring.assign(static_cast<std::size_t>(n.param), kNaN);
        break;
      default:
        break;
    }
    steps_.push_back(std::move(s));
    return static_cast<int>(steps_.size()) - 1;
  }

  double eval(Step& s, const BarInputs& in) const {
    const double x = s.a >= 0 ? values_[static_cast<std::size_t>(s.a)] : kNaN;
    const double y = s.b >= 0 ? values_[static_cast<std::size_t>(s.b)] : kNaN;
    switch (s.op) {
      case Op::Constant:
      case Op::True:
      case Op::False:
        return s.value;
      case Op::Field:
        return field_value(in.bar, s.field);
      case Op::Indicator:
        return in.columns[static_cast<std::size_t>(s.column)];
      case Op::Funding:
        return in.funding;
      case Op::Lag: {
        const double out = s.ring[s.pos];
        s.ring[s.pos] = x;
        if (++s.pos == s.ring.size()) s.pos = 0;
        return out;
      }
      case Op::CrossAbove:
      case Op::CrossBelow: {
        const double out = s.op == Op::CrossAbove ? crossed_above(x, y, s.prev_a, s.prev_b)
                                                  : crossed_above(y, x, s.prev_b, s.prev_a);
        s.prev_a = x;
        s.prev_b = y;
        return out;
      }
      case Op::Gt:
      case Op::Lt:
      case Op::And:
      case Op::Or:
      case Op::Not:
        return apply_bool(s.op, x, y);
      default:
        return apply_number(s.op, x, y);
    }
  }

  std::vector<Step> steps_;
  std::vector<double> values_;  // each step's value at the current bar
};

// The distinct indicator columns of a rule's trees, each streamed once per bar whatever the
// number of terminals reading it.
class ColumnSet {
 public:
  std::vector<indicators::ColumnSpec>& specs() { return specs_; }

  // Checks the view and advances every column to its last bar.
  BarInputs advance(const MarketView& so_far) {
    const std::size_t n = so_far.bars.size();
    if (n == 0) throw std::invalid_argument("gp: on_bar needs the new bar");
    if (!so_far.funding_per_bar.empty() && so_far.funding_per_bar.size() != n) {
      throw std::invalid_argument("gp: funding_per_bar must be empty or one value per bar");
    }
    // The bar length is known only with the first bar (rvol_ann's year scale needs it).
    if (streams_.size() != specs_.size()) {
      const auto bar_ms = so_far.interval.nominal_ms();
      for (const auto& spec : specs_) streams_.push_back(indicators::column_stream(spec, bar_ms));
      values_.resize(specs_.size());
    }
    const data::Bar bar = so_far.bars.bar(n - 1);
    for (std::size_t k = 0; k < streams_.size(); ++k) values_[k] = streams_[k]->update(bar);
    // Unknown funding reads as 0, as the interpreter's Funding terminal does.
    return {bar, so_far.funding_per_bar.empty() ? 0.0 : so_far.funding_per_bar.back(), values_};
  }

 private:
  std::vector<indicators::ColumnSpec> specs_;
  std::vector<std::unique_ptr<indicators::ColumnStream>> streams_;
  std::vector<double> values_;
};

void check_tree(const Node& tree) {
  const std::string err = check_evaluable(tree);
  if (!err.empty()) throw std::invalid_argument("gp: invalid tree: " + err);
}

class RuleStream final : public FamilyStream {
 public:
  explicit RuleStream(const Rule& rule) {
    const std::optional<Node>* trees[] = {&rule.long_entry, &rule.long_exit, &rule.short_entry,
                                          &rule.short_exit};
    for (int i = 0; i < 4; ++i) {
      if (!*trees[i]) continue;
      check_tree(**trees[i]);
      programs_[i].emplace(**trees[i], columns_.specs());
    }
  }

  double on_bar(const MarketView& so_far) override {
    const BarInputs in = columns_.advance(so_far);
    std::array<bool, 4> fires{};
    for (int i = 0; i < 4; ++i) fires[i] = programs_[i] && programs_[i]->run(in) != 0.0;
    state_ = next_exposure(state_, fires[0], fires[1], fires[2], fires[3]);
    return state_;
  }

 private:
  std::array<std::optional<TreeProgram>, 4> programs_;  // long entry, long exit, short entry, exit
  ColumnSet columns_;
  double state_ = 0.0;  // the exposure after the last bar
};

}  // namespace

std::unique_ptr<FamilyStream> rule_stream(const Rule& rule) {
  return std::make_unique<RuleStream>(rule);
}

struct TreeStream::State {
  ColumnSet columns;
  std::optional<TreeProgram> program;
};

TreeStream::TreeStream(const Node& tree) : state_(std::make_unique<State>()) {
  check_tree(tree);
  state_->program.emplace(tree, state_->columns.specs());
}
TreeStream::~TreeStream() = default;
TreeStream::TreeStream(TreeStream&&) noexcept = default;
TreeStream& TreeStream::operator=(TreeStream&&) noexcept = default;

double TreeStream::on_bar(const MarketView& so_far) {
  return state_->program->run(state_->columns.advance(so_far));
}

}  // namespace organism::strategy::gp
