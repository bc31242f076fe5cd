// File: src/request/json_shape.cpp
#include "request/json_shape.hpp"

#include "absl/strings/str_split.h"

namespace writ::detail {

JsonShape JsonShape::Build(const Schema& schema) {
  JsonShape shape;
  std::vector<JsonObject>& objects = shape.objects;
  objects.emplace_back();
  const auto& attrs = schema.attrs;
  for (uint32_t i = 0; i < attrs.size(); ++i) {
    std::vector<std::string> parts = absl::StrSplit(attrs[i].path, '.');
    int32_t obj = 0;
    for (size_t p = 0; p + 1 < parts.size(); ++p) {
      if (objects[obj].Add(parts[p]).object < 0) {
        int32_t child = static_cast<int32_t>(objects.size());
        objects.emplace_back();
        objects[obj].Add(parts[p]).object = child;
      }
      obj = objects[obj].Add(parts[p]).object;
    }
    objects[obj].Add(parts.back()).attr = static_cast<int32_t>(i);
  }
  return shape;
}

}  // namespace writ::detail
