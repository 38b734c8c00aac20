// The seed families, one file each; each returns its single stateless instance.
// Used by the family registry (family.cpp) only; everyone else goes through find_family().
#pragma once

#include "strategy/family.hpp"

namespace organism::strategy::seeds {

const Family& ema_cross();
const Family& donchian_breakout();
const Family& rsi_reversion();
const Family& stochastic_cross();
const Family& sma_trend();
const Family& atr_stop();
const Family& ichimoku_cloud();
const Family& vwap_reversion();
const Family& vol_scaling();
const Family& funding_carry();
// Machine-learning families (a model refit on past bars, strategy/ml/training.hpp): 11, then 12
// (PCA -> regression tree -> quantile regressions).
const Family& svm_classifier();
const Family& pca_tree_quantile();

}  // namespace organism::strategy::seeds
