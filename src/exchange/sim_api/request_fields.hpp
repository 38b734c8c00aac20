// Readers of single fields of the simulator's own request bodies (info, subscriptions, control,
// approveAgent) that throw BadRequest naming the field. Signed L1 actions and the /exchange
// envelope are not read here: hl::parse_exchange_request and hl::parse_l1_action do that.
// Used by the split sources of src/exchange/sim_api/.
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace organism::exchange::sim_api {

using Json = nlohmann::ordered_json;

// The body could not be read as the request type: the exchange answers 422 (control: 400 with
// the text).
class BadRequest : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

const Json& field(const Json& object, const char* name);
std::uint64_t uint_field(const Json& object, const char* name);
std::int64_t int_field(const Json& object, const char* name);
bool bool_field(const Json& object, const char* name);
std::string string_field(const Json& object, const char* name);
// A cloid (hl::parse_cloid: "0x" + 32 hex digits), lower-cased.
std::string cloid_value(const Json& value);

}  // namespace organism::exchange::sim_api
