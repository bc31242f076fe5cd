// File: request.hpp
//
// A `Request` holds the attribute values of one request for data, laid out in
// the dense slots of the `Policy` it was made for. Build it by attribute path
// (each setter checks the path and the type and returns a Status), through
// pre-resolved `AttributeHandle`s on the fast path, or from JSON with
// `Policy::ParseRequest`. Any attribute may be left missing.
//
// A Request is a value: copy it, move it, reuse it (`Clear()` keeps its
// capacity).
//
// Lifetime and binding. A request is bound to the policy that made it: it
// shares ownership of that policy's schema (attribute layout, enum members,
// interned strings), so it stays valid after the policy is freed, for
// instance after a `PolicyStore` reload. It never dangles. Decided by a
// *different* policy, it is not misread: `Policy::Decide` sees that the
// request was built for another schema and decides a copy translated by
// attribute path, exactly as if the request's values had been given to that
// policy (attributes it does not declare are ignored; values that do not fit
// its types become input problems, fail-safe). That copy allocates, so a
// service that reloads should build each request from the policy it then
// decides with (`PolicyStore::Current()` once per request).
//
// Example:
//   writ::Request r = policy->NewRequest();
//   if (absl::Status s = r.SetEnum("instrument.type", "court_order"); !s.ok()) return s;
//   if (absl::Status s = r.SetDate("received", "2024-10-02"); !s.ok()) return s;
//   writ::Decision d = policy->Decide(r);
#ifndef WRIT_REQUEST_HPP_
#define WRIT_REQUEST_HPP_

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "writ/attribute.hpp"
#include "writ/decision.hpp"
#include "writ/export.hpp"

namespace writ {

namespace detail {
struct Schema;
class Evaluator;
class ReferenceEvaluator;
struct RequestAccess;
struct RequestBinding;
}  // namespace detail

class WRIT_API Request {
 public:
  // An empty request for `policy`'s schema (every attribute missing).
  explicit Request(const Policy& policy);

  // True when this request was built for `policy`'s schema (then deciding
  // it takes the fast path; see the binding note above).
  bool BoundTo(const Policy& policy) const;

  // Set by path. Errors: NotFound for an unknown path, InvalidArgument for a
  // value of the wrong type (an unknown enum member, a malformed date).
  absl::Status SetBool(std::string_view path, bool value);
  absl::Status SetInt(std::string_view path, int64_t value);
  absl::Status SetString(std::string_view path, std::string_view value);
  absl::Status SetDate(std::string_view path, std::string_view yyyy_mm_dd);
  absl::Status SetEnum(std::string_view path, std::string_view member);
  // For set<Enum> and set<string> attributes.
  absl::Status SetSet(std::string_view path, const std::vector<std::string_view>& members);
  // Makes an attribute missing again.
  absl::Status Unset(std::string_view path);

  // The fast path: no look-up, no check beyond the handle's type (debug-asserted).
  void SetBool(AttributeHandle h, bool value);
  void SetInt(AttributeHandle h, int64_t value);
  void SetDays(AttributeHandle h, int64_t days_since_epoch);
  void SetEnum(AttributeHandle h, uint32_t member_index);
  void SetEnumSet(AttributeHandle h, uint64_t member_mask);
  void SetString(AttributeHandle h, std::string_view value);

  // Records an input problem: the attribute stays missing.
  void AddProblem(std::string attribute, std::string message);
  const std::vector<InputProblem>& problems() const { return problems_; }

  // Every attribute missing again, no problems; keeps the allocated capacity.
  void Clear();

  bool present(uint32_t index) const { return (data_[index >> 6] >> (index & 63)) & 1; }
  // The string value of a present string attribute ("" when missing).
  std::string_view string_value(AttributeHandle h) const;

 private:
  friend class Policy;
  friend class detail::Evaluator;
  friend struct detail::RequestBinding;
  friend class detail::ReferenceEvaluator;
  friend struct detail::RequestAccess;

  WRIT_LOCAL explicit Request(std::shared_ptr<const detail::Schema> schema);
  absl::StatusOr<AttributeHandle> Find(std::string_view path, AttributeType want) const;
  // NotFound for `path`, with the nearest declared path as a suggestion.
  absl::Status UnknownAttribute(std::string_view path) const;
  void MarkPresent(uint32_t i) { data_[i >> 6] |= uint64_t{1} << (i & 63); }
  // Stores the value of attribute `i` (a bool, member index, day number,
  // integer, mask or interned string id) at its place in the packed layout.
  void Store(uint32_t i, uint64_t value);
  // The value of attribute `i`, widened back to 64 bits (signed where the
  // type is).
  inline uint64_t Load(uint32_t i) const;
  const unsigned char* values() const {
    return reinterpret_cast<const unsigned char*>(data_.data() + presence_words_);
  }

  // The presence bits, then every attribute's value packed at the byte offset
  // the schema gives it (1 byte for bools and members, 4 for dates and string
  // ids, 8 for integers and masks). Inline for schemas of up to ~90 bytes,
  // so that decisions over a vector of requests read one block of memory.
  // INVARIANT: data_.size() == presence words + value words of the schema.
  absl::InlinedVector<uint64_t, 12> data_;
  uint32_t presence_words_ = 0;
  std::vector<InputProblem> problems_;  // beside data_: every decision reads it
  // The schema of the policy that made the request, shared so that it
  // outlives that policy if need be.
  std::shared_ptr<const detail::Schema> schema_;
  std::vector<std::string> strings_;                   // string attributes
  std::vector<std::vector<std::string>> string_sets_;  // set<string> attributes
};

}  // namespace writ

#endif  // WRIT_REQUEST_HPP_
