// Splits one CSV line into trimmed fields (a field wrapped in double quotes loses them).
// Used by the market-data importer and the signal reader; the views point into the line.
#pragma once

#include <string_view>
#include <vector>

#include "core/text.hpp"

namespace organism::data {

inline void split_csv_line(std::string_view line, std::vector<std::string_view>& fields) {
  fields.clear();
  while (true) {
    const auto pos = line.find(',');
    auto field = core::trim(line.substr(0, pos));
    if (field.size() >= 2 && field.front() == '"' && field.back() == '"') field = field.substr(1, field.size() - 2);
    fields.push_back(field);
    if (pos == std::string_view::npos) return;
    line.remove_prefix(pos + 1);
  }
}

}  // namespace organism::data
