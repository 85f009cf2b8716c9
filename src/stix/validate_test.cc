#include "stix/validate.h"

#include <gtest/gtest.h>

namespace tadamun::stix {
namespace {

TEST(ValidateTest, Ids) {
  EXPECT_TRUE(IsValidId("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "indicator"));
  EXPECT_FALSE(IsValidId("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "malware"));
  EXPECT_FALSE(IsValidId("indicator--8E2E2D2B-17d4-4cbf-938f-98ee46b3cd3f"));
  EXPECT_FALSE(IsValidId("indicator-8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"));
  EXPECT_FALSE(IsValidId("--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"));
}

}  // namespace
}  // namespace tadamun::stix
