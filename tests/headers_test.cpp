// The public headers compile on their own with -Wall -Wextra -Werror (this
// file is built with those flags) and say what they declare.
#include <gtest/gtest.h>

#include "writ/decision.hpp"
#include "writ/diagnostic.hpp"
#include "writ/format.hpp"
#include "writ/policy.hpp"
#include "writ/policy_store.hpp"
#include "writ/request.hpp"
#include "writ/source.hpp"
#include "writ/writ.hpp"

namespace writ {
namespace {

TEST(HeadersTest, PublicApiIsUsableFromTheUmbrellaHeader) {
  EXPECT_EQ(EffectName(Effect::kReview), "review");
  Decision d;
  EXPECT_EQ(d.effect(), Effect::kDeny);
  EXPECT_TRUE(d.deciding_rules().empty());
  SourceSet s;
  EXPECT_EQ(s.Add("a.writ", "x\ny"), 0u);
  EXPECT_EQ(s.Locate({0, 2, 1}).line, 2u);
}

}  // namespace
}  // namespace writ
