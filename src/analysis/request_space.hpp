// File: src/analysis/request_space.hpp (internal)
//
// The request space of one or two policies, cut into the classes their
// conditions can tell apart (docs/analysis.md §1). Every attribute is missing
// or has a value; the analysis reasons over finitely many variables:
//
//   - a scalar attribute (bool, enum, int, date, string) is one variable
//     whose values are `missing` (0) and its classes: values that every
//     comparison with a constant treats alike. A class is found by its
//     signature (the truth of every such comparison) over candidate values
//     made from the constants: for ints and dates c-1, c, c+1 of each
//     constant and the extremes, which reaches every class; for strings the
//     constants, strings matching each `like` pattern, and strings around
//     each ordering constant.
//   - an enum-set attribute is a presence variable and one in/out variable
//     per member of its enum.
//   - a comparison of two int or date attributes is a relation variable
//     (<, ==, >); whether a relation fits the two attributes' classes is
//     settled when a witness is built.
//
// Both policies of a diff share one space: attributes are matched by path
// and must have the same type; enum members are matched by name (a member
// one policy lacks is, to that policy, an unknown value: missing).
#ifndef WRIT_SRC_ANALYSIS_REQUEST_SPACE_HPP_
#define WRIT_SRC_ANALYSIS_REQUEST_SPACE_HPP_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "analysis/diagram.hpp"
#include "checker/checker.hpp"
#include "common/value.hpp"

namespace writ::detail {

enum class VarKind : uint8_t { kScalar, kSetPresence, kSetMember, kRelation };

// One class of a scalar attribute: a representative value and every
// candidate value found in it (ints and dates: sorted).
struct ValueClass {
  Value representative;
  std::vector<Value> candidates;
};

struct SpaceAttr {
  std::string path;
  AttributeType type = AttributeType::kBool;
  std::vector<std::string> members;  // enum and enum-set: by name, the union of both policies'
  // Scalar: the classes (variable value k + 1 is classes[k]; 0 is missing).
  std::vector<ValueClass> classes;
  // Ints and dates: every candidate value, sorted, with its class.
  std::vector<std::pair<int64_t, uint32_t>> line;
  // Scalar: its comparisons with constants (and the model each is in), which
  // define the classes; ints and dates: the constants compared with.
  std::vector<std::pair<const Expr*, size_t>> atoms;
  std::vector<int64_t> constants;
  // Strings: each atom's constant folded, and each class's signature (the
  // truth of every atom), for placing a value in its class.
  std::vector<Value> folded;
  std::vector<std::vector<bool>> signatures;
  uint32_t var = 0;                   // scalar variable, or the set's presence variable
  std::vector<uint32_t> member_vars;  // enum sets: per member
};

struct SpaceVar {
  VarKind kind = VarKind::kScalar;
  uint32_t attr = 0;    // the attribute (kRelation: the left one)
  uint32_t other = 0;   // kRelation: the right attribute
  uint32_t member = 0;  // kSetMember
  uint32_t domain = 2;
};

// The value witnesses are chosen near for an int (0) or a date (2024-01-01).
int64_t Pivot(AttributeType t);

// Relation variable values.
inline constexpr uint32_t kRelLess = 0, kRelEqual = 1, kRelGreater = 2;

class RequestSpace {
 public:
  // The class of a present value of scalar attribute `a` (by its signature).
  // -1 if no class has that signature (a string the candidates missed).
  int32_t ClassOf(uint32_t a, const Value& v) const;
  // The space of `models` (one or two). An error if they disagree on an
  // attribute's type, or use a comparison the analysis does not cover.
  static absl::StatusOr<RequestSpace> Build(const std::vector<const Model*>& models);

  const std::vector<SpaceAttr>& attrs() const { return attrs_; }
  const std::vector<SpaceVar>& vars() const { return vars_; }
  // The space's attribute for a model's attribute index.
  uint32_t AttrOf(size_t model, int32_t attr) const { return attr_of_[model][attr]; }
  // The relation variable of two attributes (space indices, either order),
  // and whether they are swapped in it; -1 if none.
  int32_t RelationVar(uint32_t a, uint32_t b, bool& swapped) const;
  // A member's index in the space attribute for model `model`'s member index.
  uint32_t MemberOf(size_t model, uint32_t space_attr, uint32_t model_member) const;
  // The model's member index for a space member, or -1 if the model lacks it.
  int32_t ModelMember(size_t model, uint32_t space_attr, uint32_t member) const;
  // Whether variable `v` is one of the items attribute's (forced last).
  bool IsItemsVar(uint32_t v) const { return v >= first_items_var_; }
  uint32_t first_items_var() const { return first_items_var_; }
  const std::vector<const Model*>& models() const { return models_; }
  // The assignments that some request has: each relation variable agrees
  // with its two attributes' classes (a pair of classes that cannot be
  // equal cannot have the relation ==, and so on). Relations among three
  // or more attributes are not covered here; a region they make empty has
  // no witness, and says so.
  NodeId Consistent(DiagramStore& store) const;

 private:
  std::vector<const Model*> models_;
  std::vector<SpaceAttr> attrs_;
  std::vector<SpaceVar> vars_;
  std::vector<std::vector<uint32_t>> attr_of_;              // per model
  std::vector<std::vector<std::vector<int32_t>>> members_;  // per model, attribute: ModelMember
  absl::flat_hash_map<uint64_t, uint32_t> relations_;
  uint32_t first_items_var_ = 0;
};

// Whether comparison `e` (checked, reading attribute `attr` on one side and a
// constant on the other) holds for value `v` of that attribute.
bool ConstantComparisonHolds(const Expr& e, const Model& model, const Value& v);
// The same with the constant already folded.
bool ComparisonHolds(const Expr& e, const Value& constant, const Value& v);

}  // namespace writ::detail

#endif  // WRIT_SRC_ANALYSIS_REQUEST_SPACE_HPP_
