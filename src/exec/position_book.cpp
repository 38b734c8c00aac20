#include "exec/position_book.hpp"

#include <algorithm>
#include <cstdlib>

#include "exchange/hyperliquid/decimal.hpp"
#include "exec/order_manager.hpp"

namespace organism::exec {
namespace {

using exchange::hl::Int128;

Int128 divide_rounded(Int128 a, Int128 b) { return a >= 0 ? (a + b / 2) / b : -((-a + b / 2) / b); }

}  // namespace

Units pnl_units(Units price_move, Units size) {
  return static_cast<Units>(divide_rounded(Int128(price_move) * size, kUnitsPerCoin));
}

void apply_fill_to_position(PositionChange& position, Units signed_size, Units price, Units fee,
                            core::TimeMs time, const std::string& cause) {
  const Units held = position.size;
  if (held == 0 || (held > 0) == (signed_size > 0)) {
    const Units total = std::llabs(held) + std::llabs(signed_size);
    if (total > 0) {
      const Int128 notional = Int128(position.entry_price) * std::llabs(held) + Int128(price) * std::llabs(signed_size);
      position.entry_price = static_cast<Units>(divide_rounded(notional, total));
    }
    position.size = held + signed_size;
  } else {
    const Units closed = std::min(std::llabs(held), std::llabs(signed_size));
    const Units direction = held > 0 ? 1 : -1;
    position.realized_pnl += pnl_units((price - position.entry_price) * direction, closed);
    position.size = held + signed_size;
    if (position.size == 0) position.entry_price = 0;
    else if ((position.size > 0) != (held > 0)) position.entry_price = price;  // crossed zero
  }
  position.fees += fee;
  position.time = time;
  position.cause = cause;
}

}  // namespace organism::exec
