// Price buckets of nSigFigs significant figures, in exact 1e-8 units.
#include "exchange/sim_api/book_aggregation.hpp"

#include "exchange/sim_api/request_fields.hpp"

namespace organism::exchange::sim_api {

Aggregation aggregation_of(const Json& n_sig_figs, const Json& mantissa) {
  Aggregation spec;
  if (!n_sig_figs.is_null()) {
    if (!n_sig_figs.is_number_integer()) throw BadRequest("nSigFigs is not an integer");
    spec.sig_figs = n_sig_figs.get<int>();
    if (spec.sig_figs < 2 || spec.sig_figs > 5) throw BadRequest("nSigFigs must be 2..5");
  }
  if (!mantissa.is_null()) {
    if (!mantissa.is_number_integer() || spec.sig_figs != 5)
      throw BadRequest("mantissa needs nSigFigs 5");
    spec.mantissa = mantissa.get<int>();
    if (spec.mantissa != 1 && spec.mantissa != 2 && spec.mantissa != 5)
      throw BadRequest("mantissa must be 1, 2 or 5");
  }
  return spec;
}

namespace {

// The bucket width in units for a price: 10^(digits - sig_figs) x mantissa, where digits is the
// number of digits of the price in units; at least one unit (full precision).
sim::Units bucket_of(sim::Units px, const Aggregation& spec) {
  int digits = 0;
  for (sim::Units v = px; v > 0; v /= 10) ++digits;
  sim::Units width = 1;
  for (int i = 0; i < digits - spec.sig_figs; ++i) width *= 10;
  return width * spec.mantissa;
}

std::vector<sim::Level> merge_side(const std::vector<sim::Level>& levels, const Aggregation& spec,
                                   bool bids, std::size_t depth) {
  std::vector<sim::Level> out;
  for (const auto& level : levels) {
    const sim::Units width = bucket_of(level.px, spec);
    const sim::Units down = level.px / width * width;
    const sim::Units px = bids || down == level.px ? down : down + width;
    if (!out.empty() && out.back().px == px) {
      out.back().sz += level.sz;
      out.back().n += level.n;
      continue;
    }
    if (out.size() == depth) break;
    out.push_back({px, level.sz, level.n});
  }
  return out;
}

}  // namespace

sim::BookView aggregate_book(const sim::BookView& book, const Aggregation& spec,
                             std::size_t depth) {
  sim::BookView out{book.asset, book.time, {}, {}};
  out.bids = merge_side(book.bids, spec, true, depth);
  out.asks = merge_side(book.asks, spec, false, depth);
  return out;
}

}  // namespace organism::exchange::sim_api
