// The API's routes over the trading journals (api_routes.hpp): /positions, /orders, /fills, /risk,
// /allocations, and the commands POST /risk/halt, /risk/resume, /flatten. Both journals are read
// (production, then paper); a journal that does not exist contributes nothing.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "data/store_peek.hpp"
#include "exchange/hyperliquid/decimal.hpp"
#include "exec/journal_reader.hpp"
#include "exec/risk_journal.hpp"
#include "exec/risk_status.hpp"
#include "monitor/api/api_routes.hpp"
#include "monitor/api/api_support.hpp"
#include "monitor/api/records_json.hpp"

namespace organism::monitor::api {
namespace {

constexpr std::size_t kDefaultLimit = 100;
constexpr std::size_t kMaxLimit = 10'000;

struct NamedJournal {
  std::string name;  // "production" | "paper"
  std::string path;
};

std::vector<NamedJournal> existing_journals(const ApiSources& s) {
  std::vector<NamedJournal> out;
  if (journal_exists(s.production_journal)) out.push_back({"production", s.production_journal});
  if (journal_exists(s.paper_journal)) out.push_back({"paper", s.paper_journal});
  return out;
}

exec::JournalReader& open_journal(const NamedJournal& j) {
  try {
    return thread_handle<exec::JournalReader>(j.path, [&] { return exec::JournalReader::open(j.path); });
  } catch (const std::exception& e) {
    throw ApiError(503, e.what());  // exists but is not a readable journal: the message names it
  }
}

// "journal" first, then the record's own keys.
Json tagged(const std::string& journal, const Json& record) {
  Json j{{"journal", journal}};
  for (const auto& [key, value] : record.items()) j[key] = value;
  return j;
}

// Each coin's newest close on hyperliquid (the venue trading uses), over its stored intervals;
// empty when the store cannot be opened (the positions are then unpriced, not refused).
std::map<std::string, double> marks_of(const std::string& store_path) {
  std::map<std::string, double> marks;
  std::map<std::string, core::TimeMs> newest;
  try {
    auto& peek = thread_handle<data::StorePeek>(store_path, [&] { return data::StorePeek::open(store_path); });
    for (const auto& bar : peek.latest_bars()) {
      if (bar.key.venue != "hyperliquid") continue;
      const auto it = newest.find(bar.key.coin);
      if (it != newest.end() && it->second >= bar.time) continue;
      newest[bar.key.coin] = bar.time;
      marks[bar.key.coin] = bar.close;
    }
  } catch (const std::exception&) {
    marks.clear();
  }
  return marks;
}

Json positions(const ApiSources& s) {
  const auto marks = marks_of(s.store_path);
  Json rows = Json::array();
  for (const auto& j : existing_journals(s)) {
    for (const auto& p : open_journal(j).positions()) {
      Json row = tagged(j.name, position_json(p));
      const auto mark = marks.find(p.coin);
      row["mark"] = mark == marks.end() ? Json(nullptr) : Json(mark->second);
      row["notional"] =
          mark == marks.end() ? Json(nullptr) : Json(exchange::hl::units_to_double(p.size) * mark->second);
      rows.push_back(std::move(row));
    }
  }
  return {{"time", s.wall_now()}, {"positions", rows}};
}

Json orders(const ApiSources& s, const http::Request& r) {
  const bool all = flag_param(r, "all");
  const std::size_t limit = count_param(r, "limit", kMaxLimit).value_or(kDefaultLimit);
  std::vector<std::pair<std::string, exec::Order>> found;
  for (const auto& j : existing_journals(s)) {
    for (auto& o : open_journal(j).orders(all, limit)) found.emplace_back(j.name, std::move(o));
  }
  // As the CLI lists one journal: open orders oldest first, every order (all) newest first.
  std::stable_sort(found.begin(), found.end(), [all](const auto& a, const auto& b) {
    return all ? a.second.updated_ms > b.second.updated_ms : a.second.created_ms < b.second.created_ms;
  });
  if (found.size() > limit) found.resize(limit);
  Json rows = Json::array();
  for (const auto& [journal, o] : found) rows.push_back(tagged(journal, order_json(o)));
  return {{"orders", rows}};
}

Json fills(const ApiSources& s, const http::Request& r) {
  const core::TimeMs since = time_param(r, "since").value_or(0);
  const std::size_t limit = count_param(r, "limit", kMaxLimit).value_or(kDefaultLimit);
  std::vector<std::pair<std::string, exec::AttributedFill>> found;
  for (const auto& j : existing_journals(s)) {
    for (auto& f : open_journal(j).fills(since, limit)) found.emplace_back(j.name, std::move(f));
  }
  std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return std::pair(a.second.fill.time, a.second.fill.tid) > std::pair(b.second.fill.time, b.second.fill.tid);
  });
  if (found.size() > limit) found.resize(limit);
  Json rows = Json::array();
  for (const auto& [journal, f] : found) rows.push_back(tagged(journal, fill_json(f)));
  return {{"fills", rows}};
}

Json risk_of(const std::string& journal, const std::string& store_path) {
  if (!journal_exists(journal)) return nullptr;
  exec::RiskStatusOptions o;
  o.journal_path = journal;
  o.store_path = store_path;
  try {
    return risk_status_json(exec::read_risk_status(o));
  } catch (const core::Error& e) {
    throw ApiError(503, e.what());
  }
}

Json allocations(const ApiSources& s) {
  Json rows = Json::array();
  Json time = nullptr;
  if (journal_exists(s.production_journal)) {
    for (const auto& a : open_journal({"production", s.production_journal}).latest_allocations()) {
      time = a.time;
      rows.push_back({{"strategy", a.strategy}, {"coin", a.coin}, {"weight", a.weight}, {"exposure", a.exposure}});
    }
  }
  return {{"time", time}, {"allocations", rows}};
}

// The optional body of POST /risk/*: {"journal": "production"|"paper", "by": "..."}.
struct CommandBody {
  std::string journal = "production";
  std::string by;
};

CommandBody command_body(const http::Request& r) {
  CommandBody body;
  body.by = fmt::format("api ({})", r.remote_ip.empty() ? "?" : r.remote_ip);
  if (r.body.empty()) return body;
  const auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw ApiError(400, "body: expected a JSON object {\"journal\", \"by\"}");
  if (j.contains("journal")) {
    if (!j["journal"].is_string() || (j["journal"] != "production" && j["journal"] != "paper")) {
      throw ApiError(400, "body: 'journal' must be \"production\" or \"paper\"");
    }
    body.journal = j["journal"].get<std::string>();
  }
  if (j.contains("by")) {
    if (!j["by"].is_string()) throw ApiError(400, "body: 'by' must be a string");
    body.by = fmt::format("api: {}", j["by"].get<std::string>());
  }
  return body;
}

// Writes a risk command as `organism risk halt|resume` does; the trading process applies it at its
// next poll (a stopped one at its next start).
std::int64_t write_command(const std::string& path, const std::string& command, const std::string& by,
                           core::TimeMs now) {
  try {
    exec::RiskJournalReader::open(path);  // refuses a foreign file before anything is written
    return exec::RiskJournal::open(path).add_command(now, command, by);
  } catch (const core::Error& e) {
    throw ApiError(503, e.what());
  }
}

http::Route risk_command_route(const ApiSources& s, const std::string& command) {
  return {"POST", "/risk/" + command, json_handler(
                                          [s, command](const http::Request& r) -> Json {
                                            const auto body = command_body(r);
                                            const std::string& path =
                                                body.journal == "paper" ? s.paper_journal : s.production_journal;
                                            if (!journal_exists(path)) {
                                              throw ApiError(404, fmt::format("journal {}: no such file (no {} session has "
                                                                              "traded with this store)",
                                                                              path, body.journal));
                                            }
                                            const auto id = write_command(path, command, body.by, s.wall_now());
                                            return {{"command_id", id}, {"journal", body.journal}, {"command", command}};
                                          },
                                          202)};
}

Json flatten(const ApiSources& s, const http::Request& r) {
  const std::string by = fmt::format("api flatten ({})", r.remote_ip.empty() ? "?" : r.remote_ip);
  const auto journals = existing_journals(s);
  if (journals.empty()) {
    throw ApiError(404, fmt::format("no journal to halt: neither {} nor {} exists", s.production_journal, s.paper_journal));
  }
  Json commands = Json::array();
  for (const auto& j : journals) {
    commands.push_back({{"journal", j.name}, {"command_id", write_command(j.path, "halt", by, s.wall_now())}});
  }
  return {{"commands", commands},
          {"note",
           "each session halts at its next poll: it cancels its orders and closes its positions with reduce-only "
           "orders, then stays HALTED until POST /risk/resume. What the account holds beyond organism's "
           "strategies is left alone: `organism flatten` sweeps it (it needs the key)."}};
}

}  // namespace

std::vector<http::Route> trading_routes(const ApiSources& s) {
  std::vector<http::Route> routes;
  routes.push_back({"GET", "/positions", json_handler([s](const http::Request&) { return positions(s); })});
  routes.push_back({"GET", "/orders", json_handler([s](const http::Request& r) { return orders(s, r); })});
  routes.push_back({"GET", "/fills", json_handler([s](const http::Request& r) { return fills(s, r); })});
  routes.push_back({"GET", "/risk", json_handler([s](const http::Request&) -> Json {
                      return {{"production", risk_of(s.production_journal, s.store_path)},
                              {"paper", risk_of(s.paper_journal, s.store_path)}};
                    })});
  routes.push_back({"GET", "/allocations", json_handler([s](const http::Request&) { return allocations(s); })});
  routes.push_back(risk_command_route(s, "halt"));
  routes.push_back(risk_command_route(s, "resume"));
  routes.push_back({"POST", "/flatten", json_handler([s](const http::Request& r) { return flatten(s, r); }, 202)});
  return routes;
}

}  // namespace organism::monitor::api
