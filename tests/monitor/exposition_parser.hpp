// A strict parser of the Prometheus text exposition format 0.0.4, written for the /metrics tests
// from the format's specification (not from prometheus-cpp, whose output it judges):
//   - "# HELP name text" and "# TYPE name type" come before the family's samples, at most one of
//     each per family; a family's samples are contiguous; every sample belongs to a TYPEd family;
//   - metric names [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]* (not "__..."), no
//     label twice, label values quoted with only \\, \" and \n escaped;
//   - values are Go floats (digits, exponent, +Inf, -Inf, NaN), an optional integer timestamp;
//   - counters are named *_total; histograms give name_bucket with "le" ascending, cumulative
//     counts, a "+Inf" bucket equal to name_count, and name_sum; no series appears twice.
// parse() throws std::runtime_error naming the line and what is wrong.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace organism::test {

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct MetricFamily {
  std::string name, type, help;
  std::vector<Sample> samples;
};

struct Exposition {
  std::map<std::string, MetricFamily> families;
  // The value of `name` with exactly these labels; std::runtime_error when absent.
  double value(const std::string& name, const std::map<std::string, std::string>& labels = {}) const;
  bool has(const std::string& name, const std::map<std::string, std::string>& labels = {}) const;
};

Exposition parse_exposition(const std::string& text);

}  // namespace organism::test
