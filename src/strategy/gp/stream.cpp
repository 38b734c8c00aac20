#include "strategy/gp/stream.hpp"

#include "core/error.hpp"

namespace organism::strategy::gp {

std::unique_ptr<FamilyStream> rule_stream(const Rule& /*rule*/) {
  throw core::Error("rule trees cannot run one bar at a time yet");
}

}  // namespace organism::strategy::gp
