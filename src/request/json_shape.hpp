// File: src/request/json_shape.hpp (internal)
//
// A policy's schema seen as JSON: attribute `instrument.type` is field
// `type` of object `instrument`. Built once per policy, so that parsing a
// request walks its objects without building dotted strings.
#ifndef WRIT_SRC_REQUEST_JSON_SHAPE_HPP_
#define WRIT_SRC_REQUEST_JSON_SHAPE_HPP_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "common/schema.hpp"

namespace writ::detail {

// JSON field tree: for each dotted prefix, the attribute or nested object.
// Built once so that request parsing walks objects without string building.
struct JsonField {
  int32_t attr = -1;    // attribute index when this field is a leaf
  int32_t object = -1;  // index into json_objects when it is an object
};
// The fields of one JSON object of a request. Objects have a handful of
// fields, so a linear scan beats hashing the key; large ones also get a map.
struct JsonObject {
  std::vector<std::pair<std::string, JsonField>> fields;
  absl::flat_hash_map<std::string, uint32_t> index;  // only past kLinear fields
  static constexpr size_t kLinear = 16;

  JsonField& Add(const std::string& key) {
    for (auto& [k, f] : fields)
      if (k == key) return f;
    fields.emplace_back(key, JsonField{});
    if (fields.size() > kLinear) {
      for (uint32_t i = 0; i < fields.size(); ++i) index[fields[i].first] = i;
    }
    return fields.back().second;
  }
  const JsonField* Find(std::string_view key) const {
    if (fields.size() > kLinear) {
      auto it = index.find(absl::string_view(key.data(), key.size()));
      return it == index.end() ? nullptr : &fields[it->second].second;
    }
    for (const auto& [k, f] : fields)
      if (k.size() == key.size() && std::memcmp(k.data(), key.data(), key.size()) == 0) return &f;
    return nullptr;
  }
};

struct JsonShape {
  std::vector<JsonObject> objects;  // [0] is the root

  static JsonShape Build(const Schema& schema);
};

}  // namespace writ::detail

#endif  // WRIT_SRC_REQUEST_JSON_SHAPE_HPP_
