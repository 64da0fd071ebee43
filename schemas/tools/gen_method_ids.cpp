// Build-time generator of schemas/method_ids.hpp: reads the rpc_service declarations with
// FlatBuffers' own schema parser (the one flatc uses, so no second grammar to keep in step) and
// writes one descriptor per rpc with its stable 16-bit method id, (service_id << 8) | method_id.
// It refuses a schema whose ids are missing, out of range or duplicated, or whose rpcs stream:
// a wrong id must fail the build, not route a call to the wrong handler.
//
// usage: gen_method_ids SCHEMA.fbs OUTPUT.hpp
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <flatbuffers/idl.h>
#include <flatbuffers/util.h>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Method {
  std::string name;
  std::string request;  // fully qualified table names
  std::string response;
  std::uint16_t id = 0;
};

struct Service {
  std::string name;            // as declared: FrontendService
  std::string qualified_name;  // pipescale.schema.FrontendService
  std::uint8_t id = 0;
  std::vector<Method> methods;
};

// A build tool: the first problem ends the run, so it throws this and main() prints it.
struct Failure {
  std::string message;
};

std::string cpp_name(const std::string& qualified) {
  std::string out = "::";
  for (char c : qualified) {
    out += c == '.' ? std::string("::") : std::string(1, c);
  }
  return out;
}

// An id attribute must be an integer in [1, 255]: 0 is left free so that a zeroed record header
// never names a method.
std::uint8_t read_id(const flatbuffers::SymbolTable<flatbuffers::Value>& attributes, const char* key,
                     const std::string& where) {
  const flatbuffers::Value* value = attributes.Lookup(key);
  if (value == nullptr) {
    throw Failure{where + " has no (" + key + ": N) attribute"};
  }
  const std::string& text = value->constant;
  unsigned parsed = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), parsed);
  if (error != std::errc{} || end != text.data() + text.size() || parsed < 1 || parsed > 255) {
    throw Failure{where + ": " + key + " must be an integer from 1 to 255, not '" + text + "'"};
  }
  return static_cast<std::uint8_t>(parsed);
}

void check_unary(const flatbuffers::RPCCall& call, const std::string& where) {
  const flatbuffers::Value* streaming = call.attributes.Lookup("streaming");
  if (streaming != nullptr && streaming->constant != "none") {
    throw Failure{where + ": streaming rpcs are not supported by the ring transport"};
  }
}

Service read_service(const flatbuffers::ServiceDef& def) {
  Service service;
  service.name = def.name;
  service.qualified_name = def.defined_namespace->GetFullyQualifiedName(def.name);
  service.id = read_id(def.attributes, "service_id", service.name);
  std::map<std::uint8_t, std::string> used;
  for (const flatbuffers::RPCCall* call : def.calls.vec) {
    const std::string where = service.name + "." + call->name;
    check_unary(*call, where);
    const std::uint8_t method_id = read_id(call->attributes, "method_id", where);
    const auto [it, inserted] = used.emplace(method_id, call->name);
    if (!inserted) {
      throw Failure{where + ": method_id " + std::to_string(method_id) + " is already used by " + service.name + "." +
                    it->second};
    }
    service.methods.push_back(Method{call->name,
                                     call->request->defined_namespace->GetFullyQualifiedName(call->request->name),
                                     call->response->defined_namespace->GetFullyQualifiedName(call->response->name),
                                     static_cast<std::uint16_t>((service.id << 8U) | method_id)});
  }
  return service;
}

std::vector<Service> read_services(const flatbuffers::Parser& parser) {
  std::vector<Service> services;
  std::map<std::uint8_t, std::string> used;
  for (const flatbuffers::ServiceDef* def : parser.services_.vec) {
    Service service = read_service(*def);
    const auto [it, inserted] = used.emplace(service.id, service.name);
    if (!inserted) {
      throw Failure{service.name + ": service_id " + std::to_string(service.id) + " is already used by " + it->second};
    }
    services.push_back(std::move(service));
  }
  if (services.empty()) {
    throw Failure{"no rpc_service declared"};
  }
  return services;
}

std::string hex16(std::uint16_t id) {
  char text[8];
  std::snprintf(text, sizeof text, "0x%04X", static_cast<unsigned>(id));
  return text;
}

void write_service(std::ostream& out, const Service& service) {
  out << "struct " << service.name << " {\n"
      << "  static constexpr std::uint8_t kServiceId = " << unsigned{service.id} << ";\n"
      << "  static constexpr std::string_view kName = \"" << service.qualified_name << "\";\n";
  std::string list;
  for (const Method& m : service.methods) {
    out << "\n  struct " << m.name << " {\n"
        << "    static constexpr std::uint16_t kId = " << hex16(m.id) << ";\n"
        << "    static constexpr std::string_view kName = \"" << m.name << "\";\n"
        << "    static constexpr const char* kGrpcPath = \"/" << service.qualified_name << "/" << m.name << "\";\n"
        << "    using Request = " << cpp_name(m.request) << ";\n"
        << "    using Response = " << cpp_name(m.response) << ";\n"
        << "  };\n";
    list += (list.empty() ? "" : ", ") + m.name;
  }
  out << "\n  using Methods = std::tuple<" << list << ">;\n};\n\n";
}

void write_table(std::ostream& out, const std::vector<Service>& services) {
  std::size_t count = 0;
  std::ostringstream rows;
  for (const Service& s : services) {
    for (const Method& m : s.methods) {
      rows << "    {" << hex16(m.id) << ", \"" << s.name << "\", \"" << m.name << "\", \"" << m.request << "\", \""
           << m.response << "\", \"/" << s.qualified_name << "/" << m.name << "\"},\n";
      ++count;
    }
  }
  out << "// Every rpc, in declaration order.\n"
      << "inline constexpr std::array<MethodInfo, " << count << "> kMethods{{\n"
      << rows.str() << "}};\n\n";
}

constexpr const char* kPrologue = R"(#pragma once
// Stable rpc method ids and typed method descriptors, generated at build time from
// schemas/services.fbs by schemas/tools/gen_method_ids.cpp. Do not edit; change the schema.
// A ring record's method id is (service_id << 8) | method_id, both declared in the schema.
#include <array>
#include <cstdint>
#include <string_view>
#include <tuple>

#include "schemas/services_generated.h"

namespace pipescale::schema::rpc {

// What a transport needs to route or log a call without knowing its C++ types.
struct MethodInfo {
  std::uint16_t id;
  std::string_view service;    // as declared, e.g. FrontendService
  std::string_view method;     // e.g. SendRequest
  std::string_view request;    // fully qualified table names
  std::string_view response;
  const char* grpc_path;       // the path flatc --grpc's code uses; NUL-terminated for C APIs
};

)";

constexpr const char* kEpilogue = R"(constexpr std::uint8_t service_id_of(std::uint16_t method_id) {
  return static_cast<std::uint8_t>(method_id >> 8U);
}

// nullptr when no rpc has this id: the receiver answers UNIMPLEMENTED.
constexpr const MethodInfo* find_method(std::uint16_t method_id) {
  for (const MethodInfo& method : kMethods) {
    if (method.id == method_id) {
      return &method;
    }
  }
  return nullptr;
}

}  // namespace pipescale::schema::rpc
)";

std::string render(const std::vector<Service>& services) {
  std::ostringstream out;
  out << kPrologue;
  for (const Service& service : services) {
    write_service(out, service);
  }
  write_table(out, services);
  out << kEpilogue;
  return out.str();
}

std::vector<Service> parse_schema(const std::string& schema_path) {
  std::string source;
  if (!flatbuffers::LoadFile(schema_path.c_str(), false, &source)) {
    throw Failure{"cannot read " + schema_path};
  }
  // Includes resolve next to the schema, as flatc resolves them.
  const std::string schema_dir = flatbuffers::StripFileName(schema_path);
  const char* include_paths[] = {schema_dir.c_str(), nullptr};
  flatbuffers::Parser parser;
  if (!parser.Parse(source.c_str(), include_paths, schema_path.c_str())) {
    throw Failure{parser.error_};
  }
  return read_services(parser);
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
  if (!file.flush()) {
    throw Failure{"cannot write " + path};
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: gen_method_ids SCHEMA.fbs OUTPUT.hpp\n");
    return 2;
  }
  try {
    write_file(argv[2], render(parse_schema(argv[1])));
  } catch (const Failure& failure) {
    std::fprintf(stderr, "gen_method_ids: %s: %s\n", argv[1], failure.message.c_str());
    return 1;
  }
  return 0;
}
