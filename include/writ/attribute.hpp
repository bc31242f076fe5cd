// File: attribute.hpp
//
// The type of a policy's attribute, and a pre-resolved attribute for the
// fast path (`Policy::Attribute`). A handle names an attribute of one
// policy's schema: use it only with requests made for that policy.
#ifndef WRIT_ATTRIBUTE_HPP_
#define WRIT_ATTRIBUTE_HPP_

#include <cstdint>

namespace writ {

// The type of an attribute.
enum class AttributeType : uint8_t { kBool, kInt, kString, kDate, kEnum, kEnumSet, kStringSet };

// A pre-resolved attribute: setting through a handle does no string look-up.
struct AttributeHandle {
  uint32_t index = 0;
  AttributeType type = AttributeType::kBool;
};

}  // namespace writ

#endif  // WRIT_ATTRIBUTE_HPP_
