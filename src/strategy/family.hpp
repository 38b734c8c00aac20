// A rule family: a named signal rule with typed parameters that writes a target exposure per bar;
// and the registry of the seed families. Used by the genome, the CLI and evolution.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "strategy/market.hpp"
#include "strategy/params.hpp"

namespace organism::strategy {

// A family's rule at fixed parameters running one bar at a time: the part of strategy::Runtime
// (live, paper, replay) that is the family's. It holds its own indicator and position state
// (built on the streaming indicators, indicators/column_stream.hpp) and never recomputes the past.
class FamilyStream {
 public:
  virtual ~FamilyStream() = default;
  // Called once per bar, in order, with the market so far: the new bar is the last of so_far
  // (bars, and funding/sentiment when known). Returns the exposure decided at that bar's close,
  // bit for bit what Family::signal writes at that bar over the same series.
  virtual double on_bar(const MarketView& so_far) = 0;
};

class Family {
 public:
  virtual ~Family() = default;
  virtual std::string_view name() const = 0;
  virtual int number() const = 0;  // 1..12, the order of docs/strategies.md
  virtual const std::vector<ParamSpec>& params() const = 0;
  // First bar at which the exposure may be non-zero: every bar before it is 0 (its inputs are
  // still NaN). Params must be clamped (clamp_params).
  virtual std::size_t warmup(const ParamValues& p) const = 0;
  // Target exposure in [-1, 1] decided at each bar's close from bars up to that close only.
  // exposure has the bars' size. One virtual call per genome and series: the loop is inside.
  virtual void signal(const MarketView& market, const ParamValues& p,
                      std::span<double> exposure) const = 0;
  // The same rule as signal(), one bar at a time (params clamped). Every family implements it;
  // the default throws core::Error naming the family.
  virtual std::unique_ptr<FamilyStream> stream(const ParamValues& p) const;
  // The rule in words with these values.
  virtual std::string describe(const ParamValues& p) const = 0;
  // Which parameters are inactive at these values (params clamped): an option at its "off"
  // value, which is its default (no confirmation), and the parameters it leaves without effect (a
  // confirmation period without confirmation) or that another's value makes inert. Resetting them
  // to their defaults leaves the exposures bit for bit the same; genome ids ignore them
  // (strategy::normalized). Default: none.
  virtual std::vector<bool> inactive(const ParamValues& p) const { return std::vector<bool>(p.size(), false); }
  // Equivalent values written one way (order-free periods sorted), for the same reason. Default:
  // unchanged.
  virtual void canonicalize(ParamValues& /*p*/) const {}
};

// Family names in number order.
std::vector<std::string> family_names();
// Throws core::UsageError listing the names when unknown.
const Family& find_family(std::string_view name);
// All families, in number order.
std::span<const Family* const> all_families();

}  // namespace organism::strategy
