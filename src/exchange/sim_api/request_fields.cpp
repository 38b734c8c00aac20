// Field readers of the simulator's request bodies; any shape error is a BadRequest.
#include "exchange/sim_api/request_fields.hpp"

#include <cstdint>

#include "exchange/hyperliquid/wire.hpp"

namespace organism::exchange::sim_api {

const Json& field(const Json& object, const char* name) {
  if (!object.is_object()) throw BadRequest("expected an object");
  const auto it = object.find(name);
  if (it == object.end()) throw BadRequest(std::string("missing field ") + name);
  return *it;
}

std::uint64_t uint_field(const Json& object, const char* name) {
  const Json& value = field(object, name);
  if (!value.is_number_unsigned())
    throw BadRequest(std::string("field ") + name + " is not an unsigned integer");
  return value.get<std::uint64_t>();
}

std::int64_t int_field(const Json& object, const char* name) {
  const Json& value = field(object, name);
  if (!value.is_number_integer())
    throw BadRequest(std::string("field ") + name + " is not an integer");
  if (value.is_number_unsigned() &&
      value.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
    throw BadRequest(std::string("field ") + name + " is out of range");
  }
  return value.get<std::int64_t>();
}

bool bool_field(const Json& object, const char* name) {
  const Json& value = field(object, name);
  if (!value.is_boolean()) throw BadRequest(std::string("field ") + name + " is not a boolean");
  return value.get<bool>();
}

std::string string_field(const Json& object, const char* name) {
  const Json& value = field(object, name);
  if (!value.is_string()) throw BadRequest(std::string("field ") + name + " is not a string");
  return value.get<std::string>();
}

std::string cloid_value(const Json& value) {
  auto cloid =
      value.is_string() ? hl::parse_cloid(value.get_ref<const std::string&>()) : std::nullopt;
  if (!cloid) throw BadRequest("bad cloid");
  return std::move(*cloid);
}

}  // namespace organism::exchange::sim_api
