#include "evolve/island_channel.hpp"

#include <fmt/format.h>

#include "core/error.hpp"

namespace organism::evolve {
namespace {

using nlohmann::json;

json island_map_json(const IslandMap& people) {
  json out = json::array();
  for (const auto& [k, pop] : people) {
    json members = json::array();
    for (const auto& ind : pop) members.push_back(individual_json(ind));
    out.push_back(json{k, std::move(members)});
  }
  return out;
}

IslandMap island_map_from(const json& j) {
  IslandMap out;
  for (const auto& e : j) {
    auto& pop = out[e.at(0).get<std::size_t>()];
    for (const auto& m : e.at(1)) pop.push_back(individual_from(m));
  }
  return out;
}

// Decodes a message with `read`, naming it in the error when it is not what a peer sends.
template <typename Read>
auto unpack(const std::string& bytes, Read read) {
  try {
    return read(json::from_msgpack(bytes));
  } catch (const json::exception& e) {
    throw core::Error(
        fmt::format("island message of {} bytes is unreadable: {}", bytes.size(), e.what()));
  }
}

std::string pack(const json& j) {
  const auto bytes = json::to_msgpack(j);
  return {bytes.begin(), bytes.end()};
}

}  // namespace

std::string encode(const IslandMap& people) { return pack(island_map_json(people)); }

IslandMap decode_island_map(const std::string& bytes) { return unpack(bytes, island_map_from); }

std::string encode(const GenerationRecord& record) {
  json sharpe = json::array();
  for (const auto& [key, value] : record.fresh_sharpe) sharpe.push_back(json{key, value});
  return pack(json{{"offspring", island_map_json(record.offspring)},
                   {"islands", island_map_json(record.islands)},
                   {"sharpe", std::move(sharpe)}});
}

GenerationRecord decode_record(const std::string& bytes) {
  return unpack(bytes, [](const json& j) {
    GenerationRecord r;
    r.offspring = island_map_from(j.at("offspring"));
    r.islands = island_map_from(j.at("islands"));
    for (const auto& e : j.at("sharpe"))
      r.fresh_sharpe[e.at(0).get<std::uint64_t>()] = e.at(1).get<double>();
    return r;
  });
}

void merge_into(GenerationRecord& a, GenerationRecord&& b) {
  a.offspring.merge(b.offspring);
  a.islands.merge(b.islands);
  a.fresh_sharpe.merge(b.fresh_sharpe);
}

}  // namespace organism::evolve
