#include "exec/book_age.hpp"

#include <algorithm>

namespace organism::exec {

BookAge::BookAge(const std::vector<std::string>& coins, core::TimeMs start_wall) {
  for (const auto& coin : coins) coins_[coin] = Seen{-1, start_wall};
}

void BookAge::saw(const std::string& coin, core::TimeMs book_time, core::TimeMs wall_now) {
  const auto it = coins_.find(coin);
  if (it == coins_.end()) return;
  // Only a newer time is a change: an older reply (a slow request overtaken) says nothing new.
  if (book_time <= it->second.book_time) return;
  it->second = Seen{book_time, wall_now};
}

core::TimeMs BookAge::age_ms(core::TimeMs wall_now) const {
  core::TimeMs age = 0;
  for (const auto& [coin, seen] : coins_) age = std::max(age, wall_now - seen.changed_wall);
  return age;
}

}  // namespace organism::exec
