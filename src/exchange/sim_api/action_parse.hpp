// Typed requests from the JSON of signed actions (PROTOCOL §5.3-5.7): order wires, cancels,
// modifies. Shape errors throw BadRequest, which the API answers with the exchange's 422 text.
// Used by the simulator's exchange handler (exchange_api.cpp).
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "exchange/sim/engine_types.hpp"

namespace organism::exchange::sim_api {

using Json = nlohmann::ordered_json;

// The body could not be read as the request type: the exchange answers 422.
class BadRequest : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// Field readers that throw BadRequest naming the field.
const Json& field(const Json& object, const char* name);
std::uint64_t uint_field(const Json& object, const char* name);
std::int64_t int_field(const Json& object, const char* name);
bool bool_field(const Json& object, const char* name);
std::string string_field(const Json& object, const char* name);

// {"a","b","p","s","r","t",{"c"}}: prices and sizes must be decimal strings of at most 8
// decimals (hl::parse_units); a cloid "0x" + 32 hex digits (lower-cased here).
sim::OrderRequest parse_order_wire(const Json& wire);
sim::Grouping parse_grouping(const Json& grouping);
std::vector<sim::CancelRequest> parse_cancels(const Json& action);
std::vector<sim::CancelByCloidRequest> parse_cancels_by_cloid(const Json& action);
sim::ModifyRequest parse_modify(const Json& modify);
std::string parse_cloid(const Json& value);

}  // namespace organism::exchange::sim_api
