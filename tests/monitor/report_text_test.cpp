// Escaping for HTML and for JSON in <script>, numbers for people, and the DSR/PBO readings.
#include "monitor/report_text.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace organism::monitor {
namespace {

TEST(ReportText, HtmlEscapeCoversMarkupAndQuotes) {
  EXPECT_EQ(html_escape(R"(<b>"Tom" & 'Jerry'</b>)"),
            "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;");
  EXPECT_EQ(html_escape("plain"), "plain");
}

TEST(ReportText, ScriptJsonCannotCloseTheScriptElementAndParsesBack) {
  const nlohmann::json v = {{"rule", "</script><script>alert(1)</script> <!-- & -->"}, {"n", 1.5}};
  const std::string text = script_json(v);
  EXPECT_EQ(text.find('<'), std::string::npos);
  EXPECT_EQ(text.find('>'), std::string::npos);
  EXPECT_EQ(text.find('&'), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(text),
            v);  // \u003c is '<' to any JSON parser, JSON.parse included
}

TEST(ReportText, NumbersForPeople) {
  EXPECT_EQ(group_thousands(8233), "8,233");
  EXPECT_EQ(group_thousands(999), "999");
  EXPECT_EQ(group_thousands(1000000), "1,000,000");
  EXPECT_EQ(group_thousands(-12345), "-12,345");
  EXPECT_EQ(percent(0.97), "97%");
  EXPECT_EQ(percent(0.12), "12%");
  EXPECT_EQ(percent(0), "0%");
  EXPECT_EQ(percent(1), "100%");
  EXPECT_EQ(percent(0.995), "99.5%");
  EXPECT_EQ(percent(0.99995), ">99.9%");
  EXPECT_EQ(percent(0.003), "0.3%");
  EXPECT_EQ(percent(0.0004), "<0.1%");
}

TEST(ReportText, Readings) {
  EXPECT_EQ(dsr_reading({0.97, 0.2, 3, 41, 8233}),
            "Held-out DSR 0.97: 97% confidence that the Sharpe ratio on the bars selection never saw beats the best "
            "that luck gives among 3 independent front members. In-sample DSR 0.20: 20% confidence that the "
            "in-sample Sharpe ratio beats the best of 41 independent clusters of the 8,233 trials.");
  EXPECT_EQ(dsr_reading({0.5, std::nullopt, 1, 0, 0}),
            "Held-out DSR 0.50: 50% confidence that the Sharpe ratio on the bars selection never saw beats the best "
            "that luck gives among 1 independent front member.");
  // A run validated before the held-out DSR: its dsr was the in-sample one over every trial.
  EXPECT_EQ(dsr_reading({0.97, std::nullopt, 0, 0, 8233}),
            "DSR 0.97: 97% confidence that the Sharpe ratio beats the best that luck gives in 8,233 trials.");
  EXPECT_EQ(dsr_reading({0.5, std::nullopt, 0, 0, 0}),
            "DSR 0.50: 50% confidence that the Sharpe ratio beats the best that luck gives.");
  EXPECT_EQ(dsr_reading({std::nullopt, 0.3, 2, 10, 10}), "DSR: not validated.");
  EXPECT_EQ(pbo_reading(0.12),
            "PBO 0.12: 12% probability that the configuration best in-sample ranks below the "
            "median out of sample "
            "(low: little sign of overfitting).");
  EXPECT_NE(pbo_reading(0.35).find("moderate"), std::string::npos);
  EXPECT_NE(pbo_reading(0.7).find("high: the selection is likely overfit"), std::string::npos);
  EXPECT_EQ(pbo_reading(std::nullopt), "PBO: not validated.");
}

TEST(ReportText, IfFiniteKeepsFiniteNumbersOnly) {
  EXPECT_EQ(if_finite(1.5), 1.5);
  EXPECT_EQ(if_finite(0.0), 0.0);
  EXPECT_FALSE(if_finite(NAN));
  EXPECT_FALSE(if_finite(INFINITY));
  EXPECT_FALSE(if_finite(-INFINITY));
}

}  // namespace
}  // namespace organism::monitor
