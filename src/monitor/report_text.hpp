// Text pieces of the report: escaping for HTML and for JSON inside <script>, numbers for people,
// and the one-line readings of the deflated Sharpe ratio and the probability of overfitting.
// Pure, used by report_html.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace organism::monitor {

// & < > " ' as entities.
std::string html_escape(std::string_view text);
// JSON that can sit inside a <script> element: <, > and & as \u003c \u003e \u0026 (the same
// string to JSON.parse), so no "</script>" or "<!--" in the data ends or confuses the element.
std::string script_json(const nlohmann::json& value);

// 8233 -> "8,233".
std::string group_thousands(long long value);
// A probability as a percentage: 0.97 -> "97%", 0.995 -> "99.5%", 0.9999 -> ">99.9%", 0.0004 ->
// "<0.1%".
std::string percent(double p);

// What the DSR reading says: the gated held-out DSR and the in-sample one, with the effective
// numbers of trials each was deflated by (a member's validation and its run's JSON).
struct DsrFigures {
  std::optional<double> held_out;   // validation "dsr"
  std::optional<double> in_sample;  // validation "dsr_in_sample"
  long long front_members = 0;      // validation "effective_front_members"
  long long effective_trials = 0;   // validation "effective_trials"
  long long trials = 0;             // the run's "trials"
};
// One sentence per DSR: "Held-out DSR 0.97: 97% confidence that the Sharpe ratio on the bars
// selection never saw beats the best that luck gives among 3 independent front members. In-sample
// DSR 0.20: 20% confidence that the in-sample Sharpe ratio beats the best of 41 independent
// clusters of the 8,233 trials." Without a DSR: "DSR: not validated." Without
// front_members (a run validated before the held-out DSR): "DSR 0.97: ... in 8,233 trials.".
std::string dsr_reading(const DsrFigures& figures);
// "PBO 0.12: 12% probability that the configuration best in-sample ranks below the median out of
// sample (low: little sign of overfitting)." Without one: "PBO: not validated."
std::string pbo_reading(std::optional<double> pbo);

// A record's number as the page reads it: nullopt when not finite (the run JSON's null).
std::optional<double> if_finite(double value);

}  // namespace organism::monitor
