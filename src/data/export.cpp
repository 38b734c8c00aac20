#include "data/export.hpp"

#include <algorithm>

#include "core/text.hpp"
#include "data/file_writer.hpp"

namespace organism::data {

void write_candles_csv(const std::string& path, const CandleView& bars) {
  const bool trades = std::any_of(bars.trades.begin(), bars.trades.end(),
                                  [](std::int64_t n) { return n != kUnknownTrades; });
  AtomicFileWriter out(path);
  out.write(trades ? "time,open,high,low,close,volume,trades\n" : "time,open,high,low,close,volume\n");
  std::string line;
  for (std::size_t i = 0; i < bars.size(); ++i) {
    line.clear();
    line += std::to_string(bars.time[i]);
    for (double v : {bars.open[i], bars.high[i], bars.low[i], bars.close[i], bars.volume[i]}) {
      line += ',';
      core::append_number(line, v);
    }
    if (trades) {
      line += ',';
      if (bars.trades[i] != kUnknownTrades) line += std::to_string(bars.trades[i]);
    }
    line += '\n';
    out.write(line);
  }
  out.commit();
}

void write_funding_csv(const std::string& path, const FundingSeries& funding) {
  AtomicFileWriter out(path);
  out.write("time,rate\n");
  std::string line;
  for (std::size_t i = 0; i < funding.size(); ++i) {
    line = std::to_string(funding.time[i]);
    line += ',';
    core::append_number(line, funding.rate[i]);
    line += '\n';
    out.write(line);
  }
  out.commit();
}

void write_sentiment_csv(const std::string& path, const SentimentSeries& sentiment) {
  AtomicFileWriter out(path);
  out.write("time,value,classification\n");
  for (std::size_t i = 0; i < sentiment.size(); ++i) {
    out.write(std::to_string(sentiment.time[i]) + "," + std::to_string(sentiment.value[i]) + "," +
              sentiment.classification[i] + "\n");
  }
  out.commit();
}

}  // namespace organism::data
