#include "config_file.hpp"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tweed/core/error.hpp"

namespace tweed::app {
namespace {

using Entries = std::vector<std::pair<std::string, std::vector<std::string>>>;

std::string scalar_text(const nlohmann::json& v, const std::string& path, const std::string& key) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number()) return v.dump();
  throw InvalidInput(path, "value of '" + key + "' must be a scalar or a list of scalars");
}

Entries read_json(const std::string& path, std::istream& in) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw InvalidInput(path, std::string("malformed JSON: ") + e.what());
  }
  if (!j.is_object()) throw InvalidInput(path, "a config file must hold a mapping of option names");
  Entries out;
  for (const auto& [key, value] : j.items()) {
    std::vector<std::string> values;
    if (value.is_array())
      for (const auto& v : value) values.push_back(scalar_text(v, path, key));
    else
      values.push_back(scalar_text(value, path, key));
    out.emplace_back(key, values);
  }
  return out;
}

Entries read_yaml(const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    throw InvalidInput(path, std::string("malformed YAML: ") + e.what());
  }
  if (root.IsNull()) return {};
  if (!root.IsMap()) throw InvalidInput(path, "a config file must hold a mapping of option names");
  Entries out;
  for (const auto& kv : root) {
    const std::string key = kv.first.as<std::string>();
    std::vector<std::string> values;
    if (kv.second.IsSequence()) {
      for (const auto& v : kv.second) {
        if (!v.IsScalar()) throw InvalidInput(path, "value of '" + key + "' must be scalars");
        values.push_back(v.as<std::string>());
      }
    } else if (kv.second.IsScalar()) {
      values.push_back(kv.second.as<std::string>());
    } else {
      throw InvalidInput(path, "value of '" + key + "' must be a scalar or a list of scalars");
    }
    out.emplace_back(key, values);
  }
  return out;
}

const CLI::Option* find_option(const CLI::App& target, const std::string& key) {
  for (const CLI::App* app = &target; app != nullptr; app = app->get_parent()) {
    for (const CLI::Option* opt : app->get_options()) {
      for (const std::string& name : opt->get_lnames())
        if (name == key) return opt;
    }
  }
  return nullptr;
}

}  // namespace

std::vector<std::string> config_arguments(const std::string& path, const CLI::App& target) {
  namespace fs = std::filesystem;
  if (!fs::is_regular_file(path)) throw InvalidInput(path, "config file not found");
  const std::string ext = fs::path(path).extension().string();
  Entries entries;
  if (ext == ".json") {
    std::ifstream in(path);
    entries = read_json(path, in);
  } else if (ext == ".yaml" || ext == ".yml") {
    entries = read_yaml(path);
  } else {
    throw InvalidInput(path, "config files must end in .json, .yaml or .yml");
  }
  std::vector<std::string> args;
  for (const auto& [key, values] : entries) {
    if (key == "config") throw InvalidInput(path, "a config file cannot name another config file");
    const CLI::Option* opt = find_option(target, key);
    if (opt == nullptr) {
      throw InvalidInput(path, "unknown key '" + key + "' (not an option of 'tweed " +
                                   (target.get_parent() ? target.get_name() : "") + "')");
    }
    if (opt->count() > 0) continue;  // the command line wins
    for (const std::string& v : values) args.push_back("--" + key + "=" + v);
  }
  return args;
}

}  // namespace tweed::app
