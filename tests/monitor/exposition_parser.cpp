// The strict exposition-format parser of the /metrics tests (exposition_parser.hpp).
#include "monitor/exposition_parser.hpp"

#include <cmath>
#include <limits>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>

namespace organism::test {

namespace {

const std::regex kMetricName("[a-zA-Z_:][a-zA-Z0-9_:]*");
const std::regex kLabelName("[a-zA-Z_][a-zA-Z0-9_]*");
const std::regex kFloat(R"([+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)");
const std::set<std::string> kTypes{"counter", "gauge", "histogram", "summary", "untyped"};

[[noreturn]] void fail(std::size_t line, const std::string& what) {
  throw std::runtime_error("line " + std::to_string(line) + ": " + what);
}

double parse_value(const std::string& text, std::size_t line) {
  if (text == "+Inf" || text == "Inf") return std::numeric_limits<double>::infinity();
  if (text == "-Inf") return -std::numeric_limits<double>::infinity();
  std::string lower;
  for (const char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "nan") return std::numeric_limits<double>::quiet_NaN();
  if (!std::regex_match(text, kFloat)) fail(line, "bad value '" + text + "'");
  return std::stod(text);
}

// The family a sample name belongs to: itself, or a histogram's/summary's base name.
std::string family_of(const std::string& sample, const std::map<std::string, MetricFamily>& families) {
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    const std::string s(suffix);
    if (sample.size() > s.size() && sample.ends_with(s)) {
      const auto base = sample.substr(0, sample.size() - s.size());
      const auto it = families.find(base);
      if (it != families.end() && (it->second.type == "histogram" || it->second.type == "summary")) return base;
    }
  }
  return sample;
}

Sample parse_sample(const std::string& line, std::size_t n) {
  Sample s;
  std::size_t i = 0;
  while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
  s.name = line.substr(0, i);
  if (!std::regex_match(s.name, kMetricName)) fail(n, "bad metric name '" + s.name + "'");
  if (i < line.size() && line[i] == '{') {
    ++i;
    for (;;) {
      if (i < line.size() && line[i] == '}') break;
      std::size_t eq = line.find('=', i);
      if (eq == std::string::npos) fail(n, "label without '='");
      const std::string label = line.substr(i, eq - i);
      if (!std::regex_match(label, kLabelName) || label.starts_with("__")) fail(n, "bad label name '" + label + "'");
      if (s.labels.contains(label)) fail(n, "label '" + label + "' twice");
      i = eq + 1;
      if (i >= line.size() || line[i] != '"') fail(n, "label value not quoted");
      ++i;
      std::string value;
      for (;;) {
        if (i >= line.size()) fail(n, "unterminated label value");
        const char c = line[i++];
        if (c == '"') break;
        if (c == '\\') {
          if (i >= line.size()) fail(n, "dangling escape");
          const char e = line[i++];
          if (e == 'n') value += '\n';
          else if (e == '\\' || e == '"') value += e;
          else fail(n, std::string("bad escape \\") + e);
        } else {
          value += c;
        }
      }
      s.labels[label] = value;
      if (i < line.size() && line[i] == ',') ++i;
      else if (i >= line.size() || line[i] != '}') fail(n, "expected ',' or '}' after a label");
    }
    ++i;  // '}'
  }
  if (i >= line.size() || line[i] != ' ') fail(n, "expected a space before the value");
  std::istringstream rest(line.substr(i + 1));
  std::string value, timestamp, extra;
  rest >> value >> timestamp >> extra;
  if (value.empty() || !extra.empty()) fail(n, "expected 'value [timestamp]'");
  if (line.substr(i + 1).starts_with(" ")) fail(n, "more than one space before the value");
  s.value = parse_value(value, n);
  if (!timestamp.empty() && !std::regex_match(timestamp, std::regex("-?\\d+"))) fail(n, "bad timestamp");
  return s;
}

void check_histogram(const MetricFamily& f) {
  // Per label set without "le": the buckets in order, the sum and the count.
  std::map<std::map<std::string, std::string>, std::vector<std::pair<double, double>>> buckets;
  std::map<std::map<std::string, std::string>, double> counts, sums;
  for (const auto& s : f.samples) {
    auto labels = s.labels;
    if (s.name == f.name + "_bucket") {
      const auto le = labels.find("le");
      if (le == labels.end()) throw std::runtime_error(f.name + ": a bucket without le");
      const double bound = parse_value(le->second, 0);
      labels.erase(le);
      buckets[labels].emplace_back(bound, s.value);
    } else if (s.name == f.name + "_count") {
      counts[labels] = s.value;
    } else if (s.name == f.name + "_sum") {
      sums[labels] = s.value;
    } else {
      throw std::runtime_error(f.name + ": sample " + s.name + " in a histogram");
    }
  }
  for (const auto& [labels, list] : buckets) {
    for (std::size_t i = 1; i < list.size(); ++i) {
      if (!(list[i].first > list[i - 1].first)) throw std::runtime_error(f.name + ": le not ascending");
      if (list[i].second < list[i - 1].second) throw std::runtime_error(f.name + ": bucket counts not cumulative");
    }
    if (list.empty() || !std::isinf(list.back().first)) throw std::runtime_error(f.name + ": no +Inf bucket");
    if (!counts.contains(labels) || !sums.contains(labels)) throw std::runtime_error(f.name + ": _count or _sum missing");
    if (counts[labels] != list.back().second) throw std::runtime_error(f.name + ": +Inf bucket differs from _count");
  }
  if (buckets.size() != counts.size() || buckets.size() != sums.size())
    throw std::runtime_error(f.name + ": _count or _sum without buckets");
}

std::string series_key(const Sample& s) {
  std::string key = s.name;
  for (const auto& [k, v] : s.labels) key += "\x1f" + k + "=" + v;
  return key;
}

}  // namespace

Exposition parse_exposition(const std::string& text) {
  Exposition out;
  std::set<std::string> closed;  // families whose samples ended
  std::set<std::string> series;
  std::string current;  // the family of the previous sample
  std::istringstream in(text);
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) continue;
    if (line.starts_with("#")) {
      std::istringstream words(line);
      std::string hash, keyword, name;
      words >> hash >> keyword >> name;
      if (hash != "#" || (keyword != "HELP" && keyword != "TYPE")) continue;  // a plain comment
      if (!std::regex_match(name, kMetricName)) fail(n, "bad metric name '" + name + "' in " + keyword);
      auto& f = out.families[name];
      f.name = name;
      if (!f.samples.empty() || closed.contains(name)) fail(n, keyword + " of " + name + " after its samples");
      if (keyword == "TYPE") {
        std::string type, extra;
        words >> type >> extra;
        if (!kTypes.contains(type) || !extra.empty()) fail(n, "bad type '" + type + "'");
        if (!f.type.empty()) fail(n, "second TYPE of " + name);
        f.type = type;
      } else {
        if (!f.help.empty()) fail(n, "second HELP of " + name);
        const auto at = line.find(name) + name.size();
        f.help = at < line.size() ? line.substr(at + 1) : " ";
        if (f.help.empty()) f.help = " ";
      }
      continue;
    }
    Sample s = parse_sample(line, n);
    const std::string family = family_of(s.name, out.families);
    const auto it = out.families.find(family);
    if (it == out.families.end() || it->second.type.empty()) fail(n, "sample " + s.name + " without a TYPE");
    if (family != current) {
      if (closed.contains(family)) fail(n, "samples of " + family + " are not contiguous");
      if (!current.empty()) closed.insert(current);
      current = family;
    }
    if (!series.insert(series_key(s)).second) fail(n, "series " + s.name + " twice");
    if (it->second.type == "counter" && !s.name.ends_with("_total")) fail(n, "counter " + s.name + " not named *_total");
    if (it->second.type == "counter" && !(s.value >= 0)) fail(n, "counter " + s.name + " negative");
    if ((it->second.type == "gauge" || it->second.type == "counter") && s.name != family)
      fail(n, "sample " + s.name + " in family " + family);
    it->second.samples.push_back(std::move(s));
  }
  for (const auto& [name, f] : out.families) {
    if (f.type.empty()) throw std::runtime_error(name + ": HELP without TYPE");
    if (f.type == "histogram") check_histogram(f);
  }
  return out;
}

double Exposition::value(const std::string& name, const std::map<std::string, std::string>& labels) const {
  for (const auto& [family, f] : families)
    for (const auto& s : f.samples)
      if (s.name == name && s.labels == labels) return s.value;
  std::string what = name + "{";
  for (const auto& [k, v] : labels) what += k + "=\"" + v + "\",";
  throw std::runtime_error("no series " + what + "}");
}

bool Exposition::has(const std::string& name, const std::map<std::string, std::string>& labels) const {
  try {
    value(name, labels);
    return true;
  } catch (const std::runtime_error&) {
    return false;
  }
}

}  // namespace organism::test
