// An ML family one bar at a time: features streamed per bar, the training rows and their labels
// kept as they arrive, and the model refit on walk_forward's schedule with the same purge, so the
// exposures equal the family's signal() bit for bit. Used by svm_classifier and pca_tree_quantile.
#pragma once

#include <memory>

#include "strategy/family.hpp"
#include "strategy/ml/training.hpp"

namespace organism::strategy::ml {

// The family's stream for the feature groups (clamped), schedule and model (refit in place).
// Throws core::Error for a schedule walk_forward rejects.
std::unique_ptr<FamilyStream> model_stream(unsigned groups, const Schedule& schedule,
                                           std::unique_ptr<RollingModel> model);

}  // namespace organism::strategy::ml
