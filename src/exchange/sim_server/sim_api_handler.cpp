#include "exchange/sim_server/sim_api_handler.hpp"

#include "exchange/sim_server/reply_items.hpp"

namespace organism::exchange::sim_server {

int SimApiHandler::info_weight(std::string_view body, const Reply& reply) {
  return api_.info_weight(body, reply.json() ? top_level_items(reply.body) : 0);
}

}  // namespace organism::exchange::sim_server
