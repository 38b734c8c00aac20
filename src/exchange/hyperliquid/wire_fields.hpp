// Strict readers of single JSON fields for the wire parsers, each throwing WireError with a short
// text naming where the field was ("order 0: field p: expected a decimal string"). Internal to
// src/exchange/hyperliquid/ (wire.cpp, wire_envelope.cpp).
#pragma once

#include <string>
#include <string_view>

#include "exchange/hyperliquid/wire.hpp"

namespace organism::exchange::hl::wire_fields {

// "where: field name: expected what", or "field name: expected what" at the top level.
[[noreturn]] void fail(std::string_view where, std::string_view name, std::string_view what);

// The field, or WireError "where: missing field name".
const Json& required(const Json& object, std::string_view name, std::string_view where);
// The field, or nullptr when absent or null (optional keys; null is read as absent).
const Json* optional(const Json& object, std::string_view name);

std::uint64_t as_u64(const Json& value, std::string_view name, std::string_view where);
std::uint32_t as_u32(const Json& value, std::string_view name, std::string_view where);
std::int64_t as_i64(const Json& value, std::string_view name, std::string_view where);
bool as_bool(const Json& value, std::string_view name, std::string_view where);
const std::string& as_string(const Json& value, std::string_view name, std::string_view where);
WireDecimal as_decimal(const Json& value, std::string_view name, std::string_view where);
Address as_address(const Json& value, std::string_view name, std::string_view where);
// "0x" + 32 hex digits in either case, returned lower case (the exchange reads it as bytes).
std::string as_cloid(const Json& value, std::string_view name, std::string_view where);
const Json& as_object(const Json& value, std::string_view name, std::string_view where);
const Json& as_array(const Json& value, std::string_view name, std::string_view where);

}  // namespace organism::exchange::hl::wire_fields
