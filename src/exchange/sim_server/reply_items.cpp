#include "exchange/sim_server/reply_items.hpp"

namespace organism::exchange::sim_server {

std::size_t top_level_items(std::string_view json) {
  std::size_t i = 0;
  while (i < json.size() && (json[i] == ' ' || json[i] == '\n' || json[i] == '\r' || json[i] == '\t')) ++i;
  if (i >= json.size() || json[i] != '[') return 0;
  int depth = 0;
  bool in_string = false, any = false;
  std::size_t items = 0;
  for (; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if (c == ']' || c == '}') {
      if (--depth == 0) break;
    } else if (c == ',' && depth == 1) {
      ++items;
    }
    if (depth >= 1 && c != ' ' && c != '\n' && c != '\r' && c != '\t' && !(depth == 1 && (c == '[' || c == ',')))
      any = true;
  }
  return any ? items + 1 : 0;
}

}  // namespace organism::exchange::sim_server
