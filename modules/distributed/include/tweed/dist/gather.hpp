// Gathering per-job results into one HDF5 volume (`gather:` in the manifest, manifest.hpp
// GatherSpec; docs/hpc.md "Gathering results into a volume").
//
// After every job has ended, rank 0 (or the single process) builds each volume whose matched jobs
// are all done or skipped: it reads the dataset from each job's file (any of float32, float64,
// complex64, complex128, kept as stored), checks that all have one shape and one type, stacks
// them along a new leading axis in the manifest order of the jobs, and writes the volume
// atomically (H5Writer: temporary file, then rename) with the first slice's dataset attributes
// (a "layout" text gets "jobs, " in front) and a root "provenance" record listing each slice's
// job id, source file and SHA-256. A rerun whose volume exists with the same dataset and the same
// recorded sources (ids, files, hashes) skips it. When a matched job failed the volume is not
// written (an earlier one is left as it was) and the gather fails with the reason.
//
// Why serial HDF5 on one rank, not parallel HDF5 from every rank: the tweed program links
// Debian's serial HDF5, which ITK and ISMRMRD link too (two HDF5 builds in one process clash),
// and a gather runs once at the end and costs one read and one write of the results, small next
// to the jobs that made them. Every slice is held in memory while the volume is written.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tweed/dist/job_result.hpp"
#include "tweed/dist/manifest.hpp"

namespace tweed::dist {

struct GatherResult {
  std::string output;  ///< as written in the manifest
  std::string dataset;
  JobStatus status = JobStatus::failed;
  std::string message;     ///< failed: why; skipped: why; done: empty
  std::size_t slices = 0;  ///< jobs stacked into the volume
};

/// Builds (or skips) the volume of `spec` given the jobs' results (any order; a matched job
/// without a result counts as failed). Never throws for a problem of the data: it is the
/// result's message, naming the file.
GatherResult run_gather(const Manifest& m, const GatherSpec& spec,
                        const std::vector<JobResult>& results);

/// Keys: output, dataset, status, message, slices.
nlohmann::ordered_json gather_to_json(const GatherResult& g);

/// One line per gather for the batch's table ("gather vol/image.h5  done  9 slices").
std::string gather_table(const std::vector<GatherResult>& gathers);

}  // namespace tweed::dist
