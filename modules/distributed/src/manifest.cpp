// Manifest parsing and template expansion. YAML is converted to JSON first (scalars kept as the
// text written, so "64" stays "64" and "1e-3" stays "1e-3"); one JSON walker then reads both
// formats. nlohmann::ordered_json keeps keys in the order written, which fixes the grid order.
#include "tweed/dist/manifest.hpp"

#include <fnmatch.h>
#include <glob.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "tweed/core/error.hpp"
#include "tweed/core/sha256.hpp"

namespace tweed::dist {
namespace {

namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;
using Vars = std::map<std::string, std::string>;

ojson yaml_to_json(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Null:
      return nullptr;
    case YAML::NodeType::Scalar:
      return n.Scalar();
    case YAML::NodeType::Sequence: {
      ojson a = ojson::array();
      for (const auto& e : n) a.push_back(yaml_to_json(e));
      return a;
    }
    case YAML::NodeType::Map: {
      ojson o = ojson::object();
      for (const auto& kv : n) o[kv.first.as<std::string>()] = yaml_to_json(kv.second);
      return o;
    }
    default:
      return nullptr;
  }
}

/// Raises errors that all name the manifest and where in it.
struct Context {
  std::string path;
  [[noreturn]] void fail(const std::string& where, const std::string& problem) const {
    throw InvalidInput(path, where.empty() ? problem : where + ": " + problem);
  }
};

std::string scalar_text(const ojson& v, const Context& c, const std::string& where) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number()) return v.dump();
  c.fail(where, "expected a scalar (text or number)");
}

Argv parse_step(const ojson& v, const Context& c, const std::string& where) {
  Argv argv;
  if (v.is_string()) {
    std::istringstream words(v.get<std::string>());
    for (std::string w; words >> w;) argv.push_back(w);
  } else if (v.is_array()) {
    for (const auto& e : v) argv.push_back(scalar_text(e, c, where));
  } else {
    c.fail(where, "a step is a list of arguments or a string of blank-separated arguments");
  }
  if (argv.empty()) c.fail(where, "empty step");
  // Global options with a value may come before the subcommand.
  static const std::set<std::string> with_value = {"--threads", "--seed", "--log-level",
                                                   "--config"};
  for (std::size_t i = 0; i < argv.size(); ++i) {
    if (with_value.count(argv[i])) {
      ++i;
      continue;
    }
    if (!argv[i].empty() && argv[i][0] == '-') continue;
    if (argv[i] == "batch") c.fail(where, "a job cannot run 'tweed batch' itself");
    break;
  }
  return argv;
}

bool is_var_name(const std::string& s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-';
  });
}

std::string substitute(const std::string& text, const Vars& vars, const Context& c,
                       const std::string& where) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (ch == '{' && i + 1 < text.size() && text[i + 1] == '{') {
      out += '{';
      ++i;
    } else if (ch == '}' && i + 1 < text.size() && text[i + 1] == '}') {
      out += '}';
      ++i;
    } else if (ch == '{') {
      const std::size_t end = text.find('}', i);
      if (end == std::string::npos) c.fail(where, "unbalanced '{' in '" + text + "' (write {{)");
      const std::string name = text.substr(i + 1, end - i - 1);
      const auto it = vars.find(name);
      if (it == vars.end()) c.fail(where, "unknown placeholder '{" + name + "}' in '" + text + "'");
      out += it->second;
      i = end;
    } else if (ch == '}') {
      c.fail(where, "unbalanced '}' in '" + text + "' (write }})");
    } else {
      out += ch;
    }
  }
  return out;
}

std::vector<std::string> expand_inputs(const ojson& v, const fs::path& folder, const Context& c,
                                       const std::string& where) {
  std::vector<std::string> patterns;
  if (v.is_array())
    for (const auto& e : v) patterns.push_back(scalar_text(e, c, where));
  else
    patterns.push_back(scalar_text(v, c, where));
  if (patterns.empty()) c.fail(where, "empty list of inputs");
  std::vector<std::string> out;
  for (const std::string& p : patterns) {
    if (p.find_first_of("*?[") == std::string::npos) {
      out.push_back(p);
      continue;
    }
    const bool absolute = fs::path(p).is_absolute();
    const std::string full = absolute ? p : (folder / p).string();
    glob_t g{};
    const int rc = ::glob(full.c_str(), 0, nullptr, &g);
    if (rc != 0 && rc != GLOB_NOMATCH) {
      globfree(&g);
      c.fail(where, "cannot expand '" + p + "'");
    }
    if (rc == GLOB_NOMATCH || g.gl_pathc == 0) {
      globfree(&g);
      c.fail(where, "'" + p + "' matches no file");
    }
    const std::string prefix = folder.string() + "/";
    for (std::size_t i = 0; i < g.gl_pathc; ++i) {
      std::string m = g.gl_pathv[i];
      if (!absolute && m.compare(0, prefix.size(), prefix) == 0) m = m.substr(prefix.size());
      out.push_back(m);
    }
    globfree(&g);
  }
  return out;
}

/// A job before substitution: its raw fields and the variables of one template instance.
struct Pending {
  const ojson* spec;
  std::string where;
  Vars vars;
  bool has_id;
};

/// Binds each template instance's variables: inputs (outermost) x grid (last key fastest).
std::vector<Vars> instances(const ojson& spec, const fs::path& folder, const Context& c,
                            const std::string& where) {
  std::vector<Vars> out(1);
  if (spec.contains("inputs")) {
    std::vector<Vars> next;
    for (const std::string& in : expand_inputs(spec["inputs"], folder, c, where + ", inputs")) {
      const fs::path p(in);
      next.push_back({{"input", in}, {"stem", p.stem().string()}, {"name", p.filename().string()}});
    }
    out = std::move(next);
  }
  if (spec.contains("grid")) {
    const ojson& grid = spec["grid"];
    if (!grid.is_object() || grid.empty())
      c.fail(where + ", grid", "a grid is a mapping of names to lists of values");
    for (const auto& [key, values] : grid.items()) {
      if (!is_var_name(key) || key == "input" || key == "stem" || key == "name" || key == "index" ||
          key == "id")
        c.fail(where + ", grid", "'" + key + "' cannot be a grid name");
      std::vector<std::string> texts;
      if (values.is_array())
        for (const auto& v : values) texts.push_back(scalar_text(v, c, where + ", grid." + key));
      else
        texts.push_back(scalar_text(values, c, where + ", grid." + key));
      if (texts.empty()) c.fail(where + ", grid." + key, "empty list of values");
      std::vector<Vars> next;
      for (const Vars& base : out)
        for (const std::string& t : texts) {
          Vars v = base;
          v[key] = t;
          next.push_back(std::move(v));
        }
      out = std::move(next);
    }
  }
  for (std::size_t i = 0; i < out.size(); ++i) out[i]["index"] = std::to_string(i);
  return out;
}

std::string job_label(const ojson& spec, std::size_t i) {
  std::string where = "jobs[" + std::to_string(i) + "]";
  if (spec.is_object() && spec.contains("id") && spec["id"].is_string())
    where += " (id '" + spec["id"].get<std::string>() + "')";
  return where;
}

bool valid_id(const std::string& id) {
  return !id.empty() && id != "." && id != ".." && std::all_of(id.begin(), id.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '_' || ch == '-';
  });
}

bool is_hdf5_path(const std::string& p) {
  const std::string ext = fs::path(p).extension().string();
  return ext == ".h5" || ext == ".hdf5";
}

/// The `gather` list (manifest.hpp GatherSpec), checked against the expanded jobs. `writers`
/// maps each job output (absolute, normalised) to its job; gather outputs join it.
std::vector<GatherSpec> parse_gathers(const ojson& list, const Manifest& m,
                                      std::map<std::string, std::string>& writers,
                                      const Context& c) {
  if (!list.is_array()) c.fail("gather", "'gather' must be a list of {output, dataset, jobs}");
  static const std::set<std::string> known = {"output", "dataset", "jobs", "file"};
  std::vector<GatherSpec> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const ojson& e = list[i];
    std::string where = "gather[" + std::to_string(i) + "]";
    if (!e.is_object()) c.fail(where, "a gather is a mapping with output, dataset and jobs");
    if (e.contains("output") && e["output"].is_string())
      where += " (output '" + e["output"].get<std::string>() + "')";
    for (const auto& [key, value] : e.items())
      if (!known.count(key))
        c.fail(where, "unknown key '" + key + "' (known: output, dataset, jobs, file)");
    for (const char* key : {"output", "dataset", "jobs"})
      if (!e.contains(key)) c.fail(where, std::string("no '") + key + "'");
    GatherSpec g;
    g.where = where;
    g.output = scalar_text(e["output"], c, where + ", output");
    g.dataset = scalar_text(e["dataset"], c, where + ", dataset");
    if (!is_hdf5_path(g.output)) c.fail(where, "the volume must end in .h5 or .hdf5");
    if (g.dataset.empty()) c.fail(where, "empty dataset name");

    std::vector<std::string> patterns;
    if (e["jobs"].is_array())
      for (const auto& p : e["jobs"]) patterns.push_back(scalar_text(p, c, where + ", jobs"));
    else
      patterns.push_back(scalar_text(e["jobs"], c, where + ", jobs"));
    if (patterns.empty()) c.fail(where, "empty list of jobs");
    std::vector<bool> matched(m.jobs.size(), false);
    for (const std::string& p : patterns) {
      bool any = false;
      for (std::size_t k = 0; k < m.jobs.size(); ++k)
        if (::fnmatch(p.c_str(), m.jobs[k].id.c_str(), 0) == 0) matched[k] = any = true;
      if (!any) c.fail(where, "jobs '" + p + "' matches no job");
    }

    for (std::size_t k = 0; k < m.jobs.size(); ++k) {
      if (!matched[k]) continue;
      const Job& job = m.jobs[k];
      std::string file;
      if (e.contains("file")) {
        file = substitute(scalar_text(e["file"], c, where + ", file"), {{"id", job.id}}, c, where);
        const fs::path full = (fs::path(m.folder) / file).lexically_normal();
        if (std::none_of(job.outputs.begin(), job.outputs.end(), [&](const std::string& o) {
              return (fs::path(m.folder) / o).lexically_normal() == full;
            }))
          c.fail(where, "file '" + file + "' is not an output of job '" + job.id + "'");
      } else {
        const std::vector<std::string> last = output_options(job.steps.back());
        if (last.empty())
          c.fail(where, "job '" + job.id + "' has no -o/--output in its last step (give 'file')");
        file = last.front();
      }
      if (!is_hdf5_path(file))
        c.fail(where, "job '" + job.id + "' writes '" + file + "', not an HDF5 file (give 'file')");
      g.jobs.push_back(k);
      g.sources.push_back(file);
    }
    const std::string full = (fs::path(m.folder) / g.output).lexically_normal().string();
    const auto [it, fresh] = writers.emplace(full, "gather:" + g.output);
    if (!fresh)
      c.fail(where, it->second.rfind("gather:", 0) == 0
                        ? "the volume is also written by another gather"
                        : "the volume is an output of job '" + it->second + "'");
    out.push_back(std::move(g));
  }
  return out;
}

Manifest expand(const ojson& root, const std::string& path) {
  const Context c{path};
  Manifest m;
  m.path = path;
  m.folder = fs::absolute(fs::path(path)).parent_path().lexically_normal().string();
  if (m.folder.size() > 1 && m.folder.back() == '/') m.folder.pop_back();
  const ojson* jobs = &root;
  if (root.is_object()) {
    for (const auto& [key, value] : root.items())
      if (key != "jobs" && key != "gather")
        c.fail("", "unknown key '" + key + "' (the top level has 'jobs' and 'gather')");
    if (!root.contains("jobs")) c.fail("", "no 'jobs' list");
    jobs = &root["jobs"];
  }
  if (!jobs->is_array()) c.fail("", "'jobs' must be a list of jobs");
  if (jobs->empty()) c.fail("", "the manifest lists no jobs");

  static const std::set<std::string> known = {"id",      "run",    "steps", "cost",
                                              "outputs", "inputs", "grid"};
  std::vector<Pending> pending;
  for (std::size_t i = 0; i < jobs->size(); ++i) {
    const ojson& spec = (*jobs)[i];
    const std::string where = job_label(spec, i);
    if (spec.is_array() || spec.is_string()) {
      pending.push_back({&spec, where, {}, false});
      continue;
    }
    if (!spec.is_object()) c.fail(where, "a job is a list of arguments or a mapping");
    for (const auto& [key, value] : spec.items())
      if (!known.count(key))
        c.fail(where,
               "unknown key '" + key + "' (known: id, run, steps, cost, outputs, inputs, grid)");
    if (spec.contains("run") == spec.contains("steps"))
      c.fail(where, "give exactly one of 'run' (one step) and 'steps' (a list of steps)");
    for (Vars& v : instances(spec, fs::path(m.folder), c, where))
      pending.push_back({&spec, where, std::move(v), spec.contains("id")});
  }

  const std::size_t width = std::max<std::size_t>(3, std::to_string(pending.size()).size());
  std::set<std::string> ids;
  std::map<std::string, std::string> writers;  // output path -> the job that writes it
  for (std::size_t k = 0; k < pending.size(); ++k) {
    Pending& p = pending[k];
    const ojson& spec = *p.spec;
    Job job;
    job.position = k;
    if (p.has_id) {
      job.id = substitute(scalar_text(spec["id"], c, p.where + ", id"), p.vars, c, p.where);
    } else {
      const std::string n = std::to_string(k + 1);
      job.id = "job-" + std::string(width - n.size(), '0') + n;
    }
    if (!valid_id(job.id))
      c.fail(p.where, "job id '" + job.id + "' may only hold letters, digits, '.', '_' and '-'");
    if (!ids.insert(job.id).second)
      c.fail(p.where, "job id '" + job.id + "' is used twice (ids must be unique)");
    p.vars["id"] = job.id;
    const bool is_template = spec.is_object() && (spec.contains("inputs") || spec.contains("grid"));
    const std::string where = p.where + (is_template ? " [" + job.id + "]" : "");

    std::vector<const ojson*> steps;
    if (spec.is_array() || spec.is_string()) {
      steps.push_back(&spec);
    } else if (spec.contains("run")) {
      steps.push_back(&spec["run"]);
    } else {
      if (!spec["steps"].is_array() || spec["steps"].empty())
        c.fail(where, "'steps' must be a non-empty list of steps");
      for (const auto& s : spec["steps"]) steps.push_back(&s);
    }
    for (std::size_t s = 0; s < steps.size(); ++s) {
      const std::string sw = where + ", step " + std::to_string(s + 1);
      Argv argv = parse_step(*steps[s], c, sw);
      for (std::string& a : argv) a = substitute(a, p.vars, c, sw);
      job.steps.push_back(std::move(argv));
    }
    for (const Argv& argv : job.steps)
      for (const std::string& o : output_options(argv)) job.outputs.push_back(o);
    if (spec.is_object() && spec.contains("outputs")) {
      const ojson& outs = spec["outputs"];
      if (!outs.is_array()) c.fail(where, "'outputs' must be a list of paths");
      for (const auto& o : outs)
        job.outputs.push_back(substitute(scalar_text(o, c, where + ", outputs"), p.vars, c, where));
    }
    std::vector<std::string> unique;
    for (const std::string& o : job.outputs)
      if (std::find(unique.begin(), unique.end(), o) == unique.end()) unique.push_back(o);
    job.outputs = std::move(unique);
    if (spec.is_object() && spec.contains("cost")) {
      const std::string text =
          substitute(scalar_text(spec["cost"], c, where + ", cost"), p.vars, c, where);
      double cost = -1;
      try {
        std::size_t used = 0;
        cost = std::stod(text, &used);
        if (used != text.size()) cost = -1;
      } catch (const std::exception&) {
        cost = -1;
      }
      if (!(cost >= 0) || !std::isfinite(cost))
        c.fail(where, "cost '" + text + "' must be a non-negative number");
      job.cost = cost;
    }
    for (const std::string& o : job.outputs) {
      // Two jobs writing one file would race (and resume could not tell whose it is).
      const std::string full = (fs::path(m.folder) / o).lexically_normal().string();
      const auto [it, fresh] = writers.emplace(full, job.id);
      if (!fresh)
        c.fail(where, "output '" + o + "' is also written by job '" + it->second +
                          "' (each output belongs to one job)");
    }
    m.jobs.push_back(std::move(job));
  }
  if (root.is_object() && root.contains("gather"))
    m.gathers = parse_gathers(root["gather"], m, writers, c);
  return m;
}

fs::path resolve(const std::string& p, const std::string& folder) {
  const fs::path path(p);
  return path.is_absolute() ? path : fs::path(folder) / path;
}

}  // namespace

Manifest parse_manifest(const std::string& text, const std::string& path) {
  const std::string ext = fs::path(path).extension().string();
  ojson root;
  if (ext == ".json") {
    try {
      root = ojson::parse(text);
    } catch (const nlohmann::json::exception& e) {
      throw InvalidInput(path, std::string("malformed JSON: ") + e.what());
    }
  } else if (ext == ".yaml" || ext == ".yml") {
    try {
      root = yaml_to_json(YAML::Load(text));
    } catch (const YAML::Exception& e) {
      throw InvalidInput(path, std::string("malformed YAML: ") + e.what());
    }
  } else {
    throw InvalidInput(path, "a manifest must end in .yaml, .yml or .json");
  }
  Manifest m = expand(root, path);
  Sha256 h;
  h.update(text);
  m.sha256 = h.hex_digest();
  return m;
}

Manifest read_manifest(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw IoError(path, "manifest not found");
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) throw IoError(path, "cannot read the manifest");
  return parse_manifest(text.str(), path);
}

std::vector<std::string> output_options(const Argv& argv) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if ((a == "-o" || a == "--output") && i + 1 < argv.size()) {
      out.push_back(argv[++i]);
    } else if (a.rfind("--output=", 0) == 0) {
      out.push_back(a.substr(9));
    }
  }
  return out;
}

std::vector<std::string> input_files(const Job& job, const std::string& folder) {
  std::vector<fs::path> outputs;
  for (const std::string& o : job.outputs) outputs.push_back(resolve(o, folder).lexically_normal());
  const fs::path home = fs::path(folder).lexically_normal();
  // A folder that holds (or is, or is above) an output or the manifest changes with the job.
  auto encloses = [](const fs::path& dir, const fs::path& p) {
    const auto [d, q] = std::mismatch(dir.begin(), dir.end(), p.begin(), p.end());
    return d == dir.end() || (std::next(d) == dir.end() && d->empty());
  };
  std::vector<std::string> out;
  std::set<std::string> seen;
  auto add = [&](const std::string& written, const fs::path& full) {
    if (seen.insert(full.string()).second) out.push_back(written);
  };
  for (const Argv& argv : job.steps) {
    for (const std::string& a : argv) {
      std::string candidate = a;
      if (a.rfind("--", 0) == 0) {
        const std::size_t eq = a.find('=');
        if (eq == std::string::npos) continue;
        candidate = a.substr(eq + 1);
      }
      if (candidate.empty()) continue;
      const fs::path full = resolve(candidate, folder).lexically_normal();
      if (std::find(outputs.begin(), outputs.end(), full) != outputs.end()) continue;
      std::error_code ec;
      if (fs::is_regular_file(full, ec)) {
        add(candidate, full);
      } else if (fs::is_directory(full, ec)) {
        if (encloses(full, home)) continue;
        if (std::any_of(outputs.begin(), outputs.end(),
                        [&](const fs::path& o) { return encloses(full, o); }))
          continue;
        add(candidate, full);
      } else if (fs::is_regular_file(full.string() + ".cfl", ec) &&
                 fs::is_regular_file(full.string() + ".hdr", ec)) {
        add(candidate + ".cfl", full.string() + ".cfl");  // a BART base name
        add(candidate + ".hdr", full.string() + ".hdr");
      }
    }
  }
  return out;
}

std::vector<std::size_t> largest_first(const std::vector<Job>& jobs, const std::string& folder) {
  auto bytes_of = [](const fs::path& p) {
    std::error_code ec;
    if (!fs::is_directory(p, ec)) {
      const auto size = fs::file_size(p, ec);
      return ec ? 0.0 : static_cast<double>(size);
    }
    double total = 0;
    for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
      std::error_code e2;
      if (it->is_regular_file(e2)) total += static_cast<double>(it->file_size(e2));
    }
    return total;
  };
  std::vector<double> cost(jobs.size());
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    if (jobs[i].cost) {
      cost[i] = *jobs[i].cost;
      continue;
    }
    double bytes = 0;
    for (const std::string& f : input_files(jobs[i], folder)) bytes += bytes_of(resolve(f, folder));
    cost[i] = bytes;
  }
  std::vector<std::size_t> order(jobs.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return cost[a] > cost[b]; });
  return order;
}

nlohmann::json job_to_json(const Job& job) {
  nlohmann::json j = {
      {"id", job.id}, {"steps", job.steps}, {"outputs", job.outputs}, {"position", job.position}};
  if (job.cost) j["cost"] = *job.cost;
  return j;
}

Job job_from_json(const nlohmann::json& j) {
  Job job;
  job.id = j.at("id").get<std::string>();
  job.steps = j.at("steps").get<std::vector<Argv>>();
  job.outputs = j.at("outputs").get<std::vector<std::string>>();
  job.position = j.at("position").get<std::size_t>();
  if (j.contains("cost")) job.cost = j["cost"].get<double>();
  return job;
}

}  // namespace tweed::dist
