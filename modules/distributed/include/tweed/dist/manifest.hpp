// The manifest of `tweed batch`: a YAML or JSON file listing jobs, each one or more Tweed
// commands run in order (docs/hpc.md has the format with examples).
//
//   jobs:
//     - [mri, simulate, --matrix, 64, -o, out/s1.h5]          # a job of one step
//     - id: slice2                                            # a job of several steps
//       steps:
//         - mri simulate --matrix 64 -o out/s2.h5               # a string is split on blanks
//         - [mri, recon, out/s2.h5, -o, out/r2.h5]
//       cost: 10                                              # optional, for largest-first
//       outputs: [out/extra.png]                              # optional, besides -o/--output
//     - id: "recon-{stem}"                                    # a template over files
//       inputs: [data/a.h5, "data/b*.h5"]                     # globs expand, sorted
//       run: [mri, recon, "{input}", -o, "out/{stem}_r.h5"]
//     - id: "sim-c{coils}-r{acc}"                             # a template over a grid
//       grid: {coils: [4, 8], acc: [2, 4]}
//       run: [mri, simulate, --coils, "{coils}", --acceleration, "{acc}", -o, "out/{id}.h5"]
//
//   gather:                                                 # optional (gather.hpp)
//     - {output: vol/image.h5, dataset: image, jobs: "recon-*"}
//
// The top level is either that mapping (keys `jobs` and `gather`) or the list of jobs itself
// (then there is no gather). Job keys:
// `run` (one step) or `steps` (a list of steps), `id`, `cost`, `outputs`, `inputs`, `grid`;
// any other key is an error naming the manifest and the key.
//
// Templates: `inputs` binds {input} (the path as listed or globbed), {stem} (its file name
// without the last extension) and {name} (its file name); `grid` binds each key to each of its
// values, as a Cartesian product in which the LAST key varies fastest (like nested loops written
// in the manifest's key order). With both, inputs form the outermost loop. {index} is the
// 0-based position within the template's expansion, and {id} the job's expanded id (usable in
// steps and outputs). "{{" and "}}" are literal braces; any other unknown placeholder is an error.
//
// Paths: relative paths in steps are relative to the manifest's folder (jobs run there), and so
// are globs in `inputs`. A job's outputs are the values of its -o/--output options (all steps)
// plus its `outputs` list. Default ids are "job-001", "job-002", ... by position; give explicit
// ids when a manifest is edited between a run and its resume. Ids are unique and made of
// letters, digits, '.', '_' and '-' (they name the job's record and log files).
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace tweed::dist {

/// One command line after `tweed`, e.g. {"mri", "recon", "in.h5", "-o", "out.h5"}.
using Argv = std::vector<std::string>;

struct Job {
  std::string id;
  std::vector<Argv> steps;           ///< run in order; a failing step ends the job
  std::vector<std::string> outputs;  ///< as written (relative to the manifest's folder)
  std::optional<double> cost;        ///< `cost` from the manifest, when given
  std::size_t position = 0;          ///< 0-based place in the expanded manifest
};

/// A `gather` entry: after the jobs, one HDF5 volume stacks one dataset of each matched job's
/// output along a new leading axis (gather.hpp builds it). Keys: `output` (the volume, .h5 or
/// .hdf5), `dataset` (read from each source), `jobs` (an fnmatch glob over job ids, or a list of
/// ids and globs; each must match a job), `file` (optional: which output of each job holds the
/// dataset, a template where {id} is the job's id; it must be one of the job's outputs; default:
/// the first -o/--output of the job's last step, which must be HDF5). The volume may not be a
/// job's output nor another gather's.
struct GatherSpec {
  std::string output;  ///< as written (relative to the manifest's folder)
  std::string dataset;
  std::vector<std::size_t> jobs;     ///< positions of the matched jobs, in manifest order
  std::vector<std::string> sources;  ///< each matched job's file, as written
  std::string where;                 ///< "gather[0] (output 'vol/image.h5')", for messages
};

struct Manifest {
  std::string path;    ///< as given
  std::string folder;  ///< absolute folder of the manifest: jobs run there
  std::string sha256;  ///< of the manifest file's bytes
  std::vector<Job> jobs;
  std::vector<GatherSpec> gathers;
};

/// Reads and expands a manifest (".yaml", ".yml" or ".json"). Throws InvalidInput naming the
/// file (and the job and key) for a malformed or inconsistent manifest, IoError if unreadable.
Manifest read_manifest(const std::string& path);

/// Parses manifest text as if it were the file `path` (its extension picks YAML or JSON, its
/// folder anchors relative paths and globs). For tests and for read_manifest.
Manifest parse_manifest(const std::string& text, const std::string& path);

/// The output paths named by one command line: the values of -o, --output and --output=.
std::vector<std::string> output_options(const Argv& argv);

/// The existing inputs a job's arguments name (a whole argument, or the value of
/// "--option=value"), relative to `folder`, in order of appearance and without repeats: regular
/// files, folders (a DICOM series; not one that holds an output or the manifest's folder), and
/// BART base names (as "x.cfl", "x.hdr"). The job's outputs are left out, so a file made by an
/// earlier step or an earlier run of the job is not an input.
std::vector<std::string> input_files(const Job& job, const std::string& folder);

/// Job order for the scheduler: largest cost first, ties in manifest order. A job's cost is its
/// `cost` or else the total size in bytes of its input_files() (folders: their files).
std::vector<std::size_t> largest_first(const std::vector<Job>& jobs, const std::string& folder);

/// A job as JSON (what rank 0 sends to a worker) and back.
nlohmann::json job_to_json(const Job& job);
Job job_from_json(const nlohmann::json& j);

}  // namespace tweed::dist
