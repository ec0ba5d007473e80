#include <gtest/gtest.h>

#include <string>

#include "tweed/core/progress.hpp"

namespace tweed {
namespace {

int count(const std::string& s, const std::string& needle) {
  int n = 0;
  for (std::size_t p = s.find(needle); p != std::string::npos; p = s.find(needle, p + 1)) ++n;
  return n;
}

// Under ctest standard error is not a terminal, so progress is plain lines: one when work starts
// and one at every 10 %.
TEST(Progress, PlainLinesAtEveryTenthWhenNotATerminal) {
  Progress::set_quiet(false);
  testing::internal::CaptureStderr();
  {
    Progress p("recon", 40);
    for (int i = 0; i < 40; ++i) p.advance();
  }
  const std::string out = testing::internal::GetCapturedStderr();
  EXPECT_EQ(count(out, "\n"), 11) << out;  // a first line when work starts, then each tenth
  EXPECT_EQ(count(out, "\r"), 0) << "no terminal redraws in a log";
  EXPECT_NE(out.find("recon: 50% (20/40)"), std::string::npos) << out;
  EXPECT_NE(out.find("recon: 100% (40/40)"), std::string::npos) << out;
}

TEST(Progress, QuietPrintsNothingAndFinishNotePrintsOnce) {
  Progress::set_quiet(true);
  testing::internal::CaptureStderr();
  {
    Progress p("quiet job", 5);
    p.advance(5);
    p.finish("done");
  }
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
  Progress::set_quiet(false);
  testing::internal::CaptureStderr();
  {
    Progress p("job", 2);
    p.advance(2);
    p.finish("converged");
    p.finish("again");
  }
  const std::string out = testing::internal::GetCapturedStderr();
  EXPECT_EQ(count(out, "job: converged"), 1) << out;
  EXPECT_EQ(count(out, "again"), 0) << out;
}

}  // namespace
}  // namespace tweed
