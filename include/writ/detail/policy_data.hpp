// File: detail/policy_data.hpp (not API)
//
// Everything a loaded policy owns: its sources, the checked AST and model,
// and the compiled program. Immutable after loading.
#ifndef WRIT_DETAIL_POLICY_DATA_HPP_
#define WRIT_DETAIL_POLICY_DATA_HPP_

#include <string>

#include "writ/detail/ast.hpp"
#include "writ/detail/checker.hpp"
#include "writ/detail/program.hpp"
#include "writ/source.hpp"

namespace writ::detail {

struct PolicyData {
  SourceSet sources;
  Ast ast;
  Model model;
  Program program;
  std::string sha256;
  std::vector<std::string> item_names;
  // JSON field tree: for each dotted prefix, the attribute or nested object.
  // Built once so that request parsing walks objects without string building.
  struct JsonField {
    int32_t attr = -1;    // attribute index when this field is a leaf
    int32_t object = -1;  // index into json_objects when it is an object
  };
  std::vector<absl::flat_hash_map<std::string, JsonField>> json_objects;  // [0] is the root
};

}  // namespace writ::detail

#endif  // WRIT_DETAIL_POLICY_DATA_HPP_
