#pragma once
// The seed wire-format vectors (tests/data/seed_*.jsonl): one stream entry a line, with its
// id, its fields' exact bytes in stored order and the result reason lmx must give.

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "format/seed_codec.hpp"

namespace lmx::test {

struct SeedVector {
  std::string id;
  std::vector<std::pair<std::string, std::string>> fields;  // name (text), value (bytes)
  std::string expect;
  std::string note;

  [[nodiscard]] std::vector<EntryField> entry_fields() const {
    std::vector<EntryField> out;
    for (const auto& [name, value] : fields) out.push_back({name, value});
    return out;
  }
};

inline std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline std::string from_hex(const std::string& hex) {
  if (hex.size() % 2 != 0) throw std::runtime_error("odd hex length: " + hex);
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

// `name` is "seed_edge_cases" or "seed_producer_run".
inline std::vector<SeedVector> load_seed_vectors(const std::string& name) {
  std::istringstream lines(read_text_file(std::string(LMX_TEST_DATA_DIR) + "/" + name + ".jsonl"));
  std::vector<SeedVector> vectors;
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    const auto json = nlohmann::json::parse(line);
    SeedVector v;
    v.id = json.at("id").get<std::string>();
    for (const auto& field : json.at("fields_hex")) {
      v.fields.emplace_back(field.at(0).get<std::string>(),
                            from_hex(field.at(1).get<std::string>()));
    }
    v.expect = json.at("expect").get<std::string>();
    if (json.contains("note") && json.at("note").is_string()) v.note = json.at("note");
    vectors.push_back(std::move(v));
  }
  return vectors;
}

inline std::string expected_export(const std::string& name) {
  return read_text_file(std::string(LMX_TEST_DATA_DIR) + "/" + name + ".export.jsonl");
}

}  // namespace lmx::test
