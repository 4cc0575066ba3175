// spec/graph.md's books over many random graphs (the checks are in
// graph_solver_test.cpp): minutes under the sanitizers, so a target of its own.
#include <gtest/gtest.h>

#include "support/random_graph.h"

namespace sg {
namespace {

TEST(GraphBooks, BalanceOverTwoHundredAndFiftyRandomGraphs) { test::check_graph_books(250, 7); }

}  // namespace
}  // namespace sg
