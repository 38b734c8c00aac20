// Variation operators on bounded numbers: simulated binary crossover (SBX; Deb & Agrawal 1995)
// and polynomial mutation (Deb & Goyal 1996), in the bounded forms of Deb's NSGA-II reference C
// code, with integer-aware versions. Used for genome genes (evolve/variation) and the real-valued
// test problems of `organism selftest nsga2`.
#pragma once

#include <utility>

#include "core/random.hpp"

namespace organism::evolve {

// Two children of parents a and b within [lo, hi] (eta: distribution index; larger keeps children
// nearer their parents). Equal parents (|a - b| <= 1e-14) or lo == hi return the parents. The
// children are swapped with probability 1/2, as in the reference code. Parents outside [lo, hi]
// are clamped into it first; one uniform draw serves both children.
std::pair<double, double> sbx(double a, double b, double lo, double hi, double eta, core::Rng& rng);
// A mutated x within [lo, hi] (eta: distribution index); x outside is clamped first, lo == hi
// returns x.
double polynomial_mutation(double x, double lo, double hi, double eta, core::Rng& rng);

// Integer genes: the operators above on [lo - 0.5, hi + 0.5 - 1e-9], results rounded to the
// nearest integer, so every integer of [lo, hi] keeps an equal share of the line.
std::pair<double, double> sbx_int(double a, double b, double lo, double hi, double eta, core::Rng& rng);
double polynomial_mutation_int(double x, double lo, double hi, double eta, core::Rng& rng);

}  // namespace organism::evolve
