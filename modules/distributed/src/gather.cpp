#include "tweed/dist/gather.hpp"

#include <cstring>
#include <exception>
#include <filesystem>
#include <map>
#include <optional>
#include <sstream>
#include <variant>

#include "tweed/core/error.hpp"
#include "tweed/core/sha256.hpp"
#include "tweed/dist/job_state.hpp"
#include "tweed/io/hdf5.hpp"

namespace tweed::dist {
namespace {

namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

/// The slices a volume records: job id, file (as written), SHA-256, in stacking order.
ojson sources_record(const Manifest& m, const GatherSpec& spec) {
  ojson slices = ojson::array();
  for (std::size_t i = 0; i < spec.jobs.size(); ++i) {
    const std::string full = (fs::path(m.folder) / spec.sources[i]).string();
    slices.push_back({{"job", m.jobs[spec.jobs[i]].id},
                      {"file", spec.sources[i]},
                      {"sha256", sha256_file(full)}});
  }
  return slices;
}

/// Whether the volume already holds exactly these slices (see gather.hpp).
bool up_to_date(const std::string& volume, const GatherSpec& spec, const ojson& slices) {
  std::error_code ec;
  if (!fs::is_regular_file(volume, ec)) return false;
  try {
    const io::H5Reader r(volume);
    if (!r.has_dataset(spec.dataset)) return false;
    const std::optional<std::string> prov = r.provenance();
    if (!prov) return false;
    const ojson p = ojson::parse(*prov);
    return p.value("dataset", "") == spec.dataset && p.contains("slices") && p["slices"] == slices;
  } catch (const std::exception&) {
    return false;  // unreadable or damaged: rebuild it
  }
}

std::string describe(const io::AnyArray& a) {
  return io::shape_of(a).str() + " " + dtype_name(io::element_type(a));
}

/// Stacks equal-shaped slices of one type along a new leading axis.
io::AnyArray stack(std::vector<io::AnyArray>& slices) {
  return std::visit(
      [&](const auto& first) -> io::AnyArray {
        using A = std::decay_t<decltype(first)>;
        A out(first.shape().prepend(static_cast<index_t>(slices.size())));
        for (std::size_t i = 0; i < slices.size(); ++i) {
          const A& s = std::get<A>(slices[i]);
          if (s.size() > 0)
            std::memcpy(out.data() + static_cast<index_t>(i) * s.size(), s.data(), s.bytes());
        }
        return out;
      },
      slices.front());
}

}  // namespace

GatherResult run_gather(const Manifest& m, const GatherSpec& spec,
                        const std::vector<JobResult>& results) {
  GatherResult g;
  g.output = spec.output;
  g.dataset = spec.dataset;
  g.slices = spec.jobs.size();
  std::map<std::size_t, const JobResult*> by_position;
  for (const JobResult& r : results) by_position[r.position] = &r;
  std::vector<std::string> failed;
  for (std::size_t k : spec.jobs) {
    const auto it = by_position.find(k);
    if (it == by_position.end() || it->second->status == JobStatus::failed)
      failed.push_back(m.jobs[k].id);
  }
  if (!failed.empty()) {
    std::string ids;
    for (const std::string& id : failed) ids += (ids.empty() ? "" : ", ") + id;
    g.message = "not written: job" + std::string(failed.size() > 1 ? "s " : " ") + ids + " failed";
    return g;
  }

  const std::string volume = (fs::path(m.folder) / spec.output).string();
  try {
    const ojson slices = sources_record(m, spec);
    if (up_to_date(volume, spec, slices)) {
      g.status = JobStatus::skipped;
      g.message = "up to date (same sources)";
      return g;
    }
    std::vector<io::AnyArray> data;
    io::Attributes attributes;
    for (std::size_t i = 0; i < spec.jobs.size(); ++i) {
      const std::string file = (fs::path(m.folder) / spec.sources[i]).string();
      const io::H5Reader r(file);
      data.push_back(r.read_any(spec.dataset));
      if (i == 0) {
        attributes = r.attributes(spec.dataset);
      } else if (io::element_type(data[i]) != io::element_type(data[0]) ||
                 io::shape_of(data[i]) != io::shape_of(data[0])) {
        g.message = spec.sources[i] + ": dataset '" + spec.dataset + "' is " + describe(data[i]) +
                    " but " + spec.sources[0] + " has " + describe(data[0]) +
                    " (every slice of a volume has one shape and type)";
        return g;
      }
    }
    if (auto it = attributes.find("layout");
        it != attributes.end() && std::holds_alternative<std::string>(it->second))
      it->second = "jobs, " + std::get<std::string>(it->second);

    ojson prov;
    prov["tool"] = "tweed batch (gather)";
    prov["manifest"] = m.path;
    prov["manifest_sha256"] = m.sha256;
    prov["dataset"] = spec.dataset;
    prov["axis0"] = "jobs, in manifest order";
    prov["created"] = utc_now();
    prov["slices"] = slices;
    fs::create_directories(fs::path(volume).parent_path());
    io::H5Writer w(volume);
    w.write(spec.dataset, stack(data), {}, attributes);
    w.set_provenance(prov.dump());
    w.commit();
    g.status = JobStatus::done;
  } catch (const std::exception& e) {
    g.status = JobStatus::failed;
    g.message = e.what();
  }
  return g;
}

ojson gather_to_json(const GatherResult& g) {
  ojson j;
  j["output"] = g.output;
  j["dataset"] = g.dataset;
  j["status"] = status_name(g.status);
  j["message"] = g.message;
  j["slices"] = g.slices;
  return j;
}

std::string gather_table(const std::vector<GatherResult>& gathers) {
  std::ostringstream out;
  for (const GatherResult& g : gathers) {
    out << "gather " << g.output << "  " << status_name(g.status) << "  " << g.slices
        << " slices of '" << g.dataset << "'";
    if (!g.message.empty()) out << "  " << g.message;
    out << "\n";
  }
  return out.str();
}

}  // namespace tweed::dist
