// File: src/request/request_access.hpp (internal)
//
// Read access to a Request's slots for the evaluators and the explainer.
#ifndef WRIT_SRC_REQUEST_REQUEST_ACCESS_HPP_
#define WRIT_SRC_REQUEST_REQUEST_ACCESS_HPP_

#include "common/operators.hpp"
#include "common/schema.hpp"
#include "common/value.hpp"
#include "writ/request.hpp"

// A packed value widened to 64 bits (schema.hpp, LoadPacked).
namespace writ {
inline uint64_t Request::Load(uint32_t i) const {
  const detail::AttrInfo& a = schema_->attrs[i];
  return detail::LoadPacked(values() + a.offset, a.width, a.is_signed);
}
}  // namespace writ

namespace writ::detail {

struct RequestAccess {
  static uint64_t Word(const Request& r, uint32_t i) { return r.Load(i); }
  // The presence words, and the packed values after them.
  static const uint64_t* Presence(const Request& r) { return r.data_.data(); }
  static const unsigned char* Values(const Request& r) { return r.values(); }
  static ValueView View(const Request& r, uint32_t i, TypeKind kind) {
    ValueView v;
    v.kind = kind;
    v.w = r.Load(i);
    if (kind == TypeKind::kString) v.s = r.strings_[i];
    if (kind == TypeKind::kStringSet) v.strs = &r.string_sets_[i];
    return v;
  }
  // Makes attribute `i` missing (its value is left; nothing reads it).
  static void SetMissing(Request& r, uint32_t i) { r.data_[i >> 6] &= ~(uint64_t{1} << (i & 63)); }
  // A present date attribute's day number, read at its known byte offset
  // (dates are 4 bytes, signed) without going through the schema.
  static int64_t DaysAt(const Request& r, uint32_t offset) {
    int32_t v;
    std::memcpy(&v, r.values() + offset, 4);
    return v;
  }
  // The value of present attribute `i` as a Value (allocates; not for hot paths).
  static Value Get(const Request& r, const Schema& schema, uint32_t i);
};

}  // namespace writ::detail

#endif  // WRIT_SRC_REQUEST_REQUEST_ACCESS_HPP_
