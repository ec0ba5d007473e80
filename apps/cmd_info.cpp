// tweed info FILE...: format, datasets, shapes, element types and attributes of any input.
#include <cstdio>
#include <memory>

#include "command.hpp"
#include "tweed/core/error.hpp"
#include "tweed/io/describe.hpp"
#include "tweed/io/format.hpp"
#include "tweed/io/hdf5.hpp"

namespace tweed::app {
namespace {
struct InfoOptions {
  std::vector<std::string> paths;
  bool json = false;
  std::string dataset;
};

// One HDF5 dataset: what a command that reads it would see (fails if the file lacks it).
void print_dataset(const std::string& path, const std::string& name) {
  if (io::detect_format(path) != io::Format::hdf5)
    throw InvalidInput(path, "--dataset applies to HDF5 files only");
  const io::H5DatasetInfo info = io::H5Reader(path).info(name);
  std::printf("%s: dataset %s  shape %s  %s\n", path.c_str(), info.name.c_str(),
              Shape(info.shape).str().c_str(), info.dtype.c_str());
  for (const auto& [key, value] : info.attributes)
    std::printf("  @%s = %s\n", key.c_str(), io::attribute_to_string(value).c_str());
}

void print_description(const std::string& path, bool json) {
  const nlohmann::json d = io::describe(path);
  if (d.value("format", "unknown") == "unknown")
    throw IoError(path,
                  "not a format Tweed reads (HDF5, NIfTI, MetaImage, NRRD, DICOM, "
                  "BART .cfl/.hdr, PNG)");
  if (json)
    std::printf("%s\n", d.dump(2).c_str());
  else
    std::printf("%s", io::description_text(d).c_str());
}

int run_info(const InfoOptions& o) {
  for (const std::string& path : o.paths) {
    if (!o.dataset.empty())
      print_dataset(path, o.dataset);
    else
      print_description(path, o.json);
  }
  return 0;
}
}  // namespace

void add_info_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "info",
      "Describe files: HDF5, NIfTI, MetaImage, NRRD, DICOM file or series folder, "
      "BART .cfl/.hdr, PNG");
  auto o = std::make_shared<InfoOptions>();
  cmd->add_option("files", o->paths, "Files to describe (a .cfl pair by its base name)")
      ->required();
  cmd->add_flag("--json", o->json, "Print the description as JSON");
  cmd->add_option("--dataset", o->dataset, "Describe only this HDF5 dataset (error if absent)");
  cmd->callback([&ctx, o] { ctx.action = [o] { return run_info(*o); }; });
}

}  // namespace tweed::app
