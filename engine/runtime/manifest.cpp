#include "engine/runtime/manifest.hpp"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <sstream>

#include "base/metrics/json_writer.hpp"
#include "engine/runtime/build_info.hpp"
#include "engine/runtime/host_facts.hpp"

namespace pipescale::engine {
namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void optional_text(JsonWriter& json, const char* key, const std::string& text) {
  json.key(key);
  if (text.empty()) {
    json.null();
  } else {
    json.value(text);
  }
}

void build_json(JsonWriter& json) {
  const BuildInfo& build = build_info();
  json.key("pipescale").begin_object();
  json.key("version").value(build.version);
  optional_text(json, "commit", std::string(build.commit));
  json.key("dirty").value(build.dirty);
  json.key("compiler").value(build.compiler);
  json.key("build_type").value(build.build_type);
  json.end_object();
}

void host_json(JsonWriter& json) {
  const HostFacts host = read_host_facts();
  json.key("host").begin_object();
  json.key("name").value(host.host_name);
  json.key("kernel").value(host.kernel);
  optional_text(json, "cpu_model", host.cpu_model);
  json.key("packages").value(host.packages);
  json.key("cores").value(host.cores);
  json.key("pus").value(host.pus);
  json.key("smt").value(host.smt);
  json.key("numa_nodes").value(host.numa_nodes);
  optional_text(json, "cpu_governor", host.cpu_governor);
  json.key("topology_sha256").value(sha256_hex(host.topology_text));
  json.end_object();
}

std::string text_at(const nlohmann::json& object, const char* key) {
  const auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

void differ(std::vector<std::string>& lines, const char* what, const std::string& a, const std::string& b) {
  if (a != b)
    lines.push_back(std::string(what) + " (A " + (a.empty() ? "-" : a) + ", B " + (b.empty() ? "-" : b) + ")");
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xF];
  }
  return hex;
}

std::vector<std::string> own_command_line() {
  const std::string raw = read_file("/proc/self/cmdline");
  std::vector<std::string> args;
  std::size_t start = 0;
  while (start < raw.size()) {
    const std::size_t end = raw.find('\0', start);
    args.push_back(raw.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return args;
}

std::string utc_timestamp(std::chrono::system_clock::time_point time) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  char full[48];
  std::snprintf(full, sizeof full, "%s.%03dZ", text, static_cast<int>(ms % 1000));
  return full;
}

Status write_manifest(const RunRecord& record) {
  const auto ended = std::chrono::system_clock::now();
  const auto started = record.started_at == std::chrono::system_clock::time_point{} ? ended : record.started_at;
  JsonWriter json;
  json.begin_object();
  build_json(json);
  json.key("mode").value(record.mode);
  json.key("command_line").begin_array();
  for (const std::string& arg : own_command_line()) json.value(arg);
  json.end_array();
  json.key("config_sha256").value(sha256_hex(read_file(record.dir / "config.toml")));
  host_json(json);
  json.key("started").value(utc_timestamp(started));
  json.key("ended").value(utc_timestamp(ended));
  json.end_object();
  const std::filesystem::path path = record.dir / "manifest.json";
  std::ofstream out(path, std::ios::trunc);
  out << json.str() << '\n';
  out.close();
  if (!out) return Error{"cannot write " + path.string() + ": " + std::strerror(errno)};
  return Ok{};
}

Result<std::optional<ManifestFacts>> read_manifest(const std::filesystem::path& dir) {
  const std::filesystem::path path = dir / "manifest.json";
  std::error_code error;
  if (!std::filesystem::exists(path, error)) return std::optional<ManifestFacts>{};
  const nlohmann::json json = nlohmann::json::parse(read_file(path), nullptr, false);
  if (json.is_discarded() || !json.is_object()) return Error{path.string() + ": not a JSON object"};
  const nlohmann::json empty = nlohmann::json::object();
  const nlohmann::json& build = json.contains("pipescale") ? json["pipescale"] : empty;
  const nlohmann::json& host = json.contains("host") ? json["host"] : empty;
  if (!build.is_object() || !host.is_object()) return Error{path.string() + ": 'pipescale' and 'host' must be objects"};
  ManifestFacts facts;
  facts.host_name = text_at(host, "name");
  facts.cpu_model = text_at(host, "cpu_model");
  facts.topology_sha256 = text_at(host, "topology_sha256");
  facts.version = text_at(build, "version");
  facts.commit = text_at(build, "commit");
  const auto dirty = build.find("dirty");
  facts.dirty = dirty != build.end() && dirty->is_boolean() && dirty->get<bool>();
  facts.compiler = text_at(build, "compiler");
  facts.build_type = text_at(build, "build_type");
  return std::optional<ManifestFacts>(facts);
}

std::vector<std::string> manifest_warnings(const std::optional<ManifestFacts>& a,
                                           const std::optional<ManifestFacts>& b) {
  std::vector<std::string> lines;
  if (!a.has_value() || !b.has_value()) return lines;
  std::vector<std::string> machine;
  differ(machine, "host", a->host_name, b->host_name);
  differ(machine, "CPU", a->cpu_model, b->cpu_model);
  if (a->topology_sha256 != b->topology_sha256) machine.emplace_back("topology digests differ");
  std::vector<std::string> build;
  differ(build, "version", a->version, b->version);
  differ(build, "commit", a->commit + (a->dirty ? " with changes" : ""), b->commit + (b->dirty ? " with changes" : ""));
  differ(build, "compiler", a->compiler, b->compiler);
  differ(build, "build type", a->build_type, b->build_type);
  auto join = [](const std::vector<std::string>& parts) {
    std::string text;
    for (const std::string& part : parts) text += (text.empty() ? "" : "; ") + part;
    return text;
  };
  if (!machine.empty()) lines.push_back("the runs come from different machines: " + join(machine));
  if (!build.empty()) lines.push_back("the runs come from different builds: " + join(build));
  return lines;
}

}  // namespace pipescale::engine
