// What the batch summary reads from a job's output: metrics, the error line, and the table.
#include <gtest/gtest.h>

#include "tweed/dist/job_result.hpp"

namespace tweed::dist {
namespace {

TEST(Metrics, ParsesNameNumberPairsAsTweedPrintsThem) {
  const nlohmann::ordered_json m = parse_metrics(
      "NRMSE: 0.0533  PSNR: 37.92 dB  SSIM: 0.9294\n"
      "match: 0.4120 -> 0.8810\n"
      "snr gain: 2.5 dB\n"
      "wrote out/r.h5\n"
      "time: 12:30, ratio: 2x3, id: 0x1f, label: abc\n"
      "loss: -1.5e-3; count: 7%\n");
  EXPECT_DOUBLE_EQ(m.at("NRMSE").get<double>(), 0.0533);
  EXPECT_DOUBLE_EQ(m.at("PSNR").get<double>(), 37.92);
  EXPECT_DOUBLE_EQ(m.at("SSIM").get<double>(), 0.9294);
  EXPECT_DOUBLE_EQ(m.at("match").get<double>(), 0.4120);
  EXPECT_DOUBLE_EQ(m.at("snr gain").get<double>(), 2.5);
  EXPECT_DOUBLE_EQ(m.at("loss").get<double>(), -1.5e-3);
  EXPECT_DOUBLE_EQ(m.at("count").get<double>(), 7);
  EXPECT_FALSE(m.contains("time"));
  EXPECT_FALSE(m.contains("ratio"));
  EXPECT_FALSE(m.contains("id"));
  EXPECT_FALSE(m.contains("label"));
  EXPECT_EQ(m.size(), 7u);
  EXPECT_EQ(m.begin().key(), "NRMSE") << "kept in the order printed";
  EXPECT_DOUBLE_EQ(parse_metrics("PSNR: 1\nPSNR: 2\n").at("PSNR").get<double>(), 2.0);
  EXPECT_TRUE(parse_metrics("").empty());
}

TEST(Metrics, ErrorLineIsTheLastLineSayingError) {
  EXPECT_EQ(error_line("progress 10%\ntweed: error: in.h5: truncated file\n\n"),
            "tweed: error: in.h5: truncated file");
  EXPECT_EQ(error_line("Error one\nstep two\nERROR: last\nfinal words\n"), "ERROR: last");
  EXPECT_EQ(error_line("no problem word\nSegmentation fault \n"), "Segmentation fault");
  EXPECT_EQ(error_line("\n\n"), "");
}

TEST(Metrics, ResultJsonRoundTripAndTable) {
  JobResult r;
  r.id = "slice-7";
  r.position = 3;
  r.status = JobStatus::failed;
  r.exit_code = 139;
  r.message = "killed by signal SIGSEGV (11)";
  r.seconds = 1.25;
  r.rank = 1;
  r.outputs = {"out/a.h5"};
  r.metrics["PSNR"] = 30.0;
  const JobResult back = result_from_json(nlohmann::ordered_json::parse(result_to_json(r).dump()));
  EXPECT_EQ(back.id, r.id);
  EXPECT_EQ(back.position, r.position);
  EXPECT_EQ(back.status, r.status);
  EXPECT_EQ(back.exit_code, r.exit_code);
  EXPECT_EQ(back.message, r.message);
  EXPECT_DOUBLE_EQ(back.seconds, r.seconds);
  EXPECT_EQ(back.rank, r.rank);
  EXPECT_EQ(back.outputs, r.outputs);
  EXPECT_EQ(back.metrics, r.metrics);

  JobResult ok;
  ok.id = "slice-1";
  ok.status = JobStatus::done;
  ok.metrics["PSNR"] = 38.5;
  JobResult skip;
  skip.id = "slice-2";
  skip.status = JobStatus::skipped;
  const std::string table = summary_table({ok, skip, r});
  EXPECT_NE(table.find("slice-1  done"), std::string::npos) << table;
  EXPECT_NE(table.find("PSNR 38.5"), std::string::npos) << table;
  EXPECT_NE(table.find("slice-2  skipped"), std::string::npos) << table;
  EXPECT_NE(table.find("slice-7  failed"), std::string::npos) << table;
  EXPECT_NE(table.find("SIGSEGV"), std::string::npos) << table;
  EXPECT_NE(table.find("3 jobs: 1 done, 1 skipped, 1 failed"), std::string::npos) << table;
}

}  // namespace
}  // namespace tweed::dist
