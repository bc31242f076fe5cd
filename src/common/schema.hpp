// File: src/common/schema.hpp (internal)
//
// The declared vocabulary of a policy: enums and attributes, each with a
// dense index, and the table of interned strings (every string constant the
// policy compares with), so that a request's strings can be compared by id.
#ifndef WRIT_SRC_COMMON_SCHEMA_HPP_
#define WRIT_SRC_COMMON_SCHEMA_HPP_

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "writ/attribute.hpp"
#include "writ/source.hpp"

namespace writ::detail {

inline constexpr size_t kMaxEnumMembers = 64;
inline constexpr uint64_t kNotInterned = 0xFFFFFFFFu;  // string ids are 4 bytes in a Request

struct EnumInfo {
  std::string name;
  std::vector<std::string> members;
  absl::flat_hash_map<std::string, uint32_t> index;
  SourceSpan span;
  uint64_t all_mask() const {
    return members.size() >= 64 ? ~uint64_t{0} : (uint64_t{1} << members.size()) - 1;
  }
};

struct AttrInfo {
  std::string path;
  AttributeType type = AttributeType::kBool;
  int32_t enum_id = -1;
  SourceSpan span;
  // Where a Request keeps the value: byte offset into its value area, width
  // in bytes (1, 4 or 8), and whether a 4-byte value is signed (dates).
  uint32_t offset = 0;
  uint8_t width = 8;
  bool is_signed = false;
};

// Reads a packed value and widens it to 64 bits.
inline uint64_t LoadPacked(const unsigned char* p, uint8_t width, bool is_signed) {
  if (width == 1) return *p;
  if (width == 4) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return is_signed ? static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(v))) : v;
  }
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

struct Schema {
  uint32_t presence_words = 0;  // of a Request
  uint32_t value_words = 0;
  std::vector<EnumInfo> enums;
  absl::flat_hash_map<std::string, int32_t> enum_by_name;
  std::vector<AttrInfo> attrs;
  absl::flat_hash_map<std::string, uint32_t> attr_by_path;
  // Interned string constants: id -> text, text -> id.
  std::vector<std::string> strings;
  absl::flat_hash_map<std::string, uint32_t> string_ids;

  uint64_t Intern(std::string_view s) const {
    auto it = string_ids.find(absl::string_view(s.data(), s.size()));
    return it == string_ids.end() ? kNotInterned : it->second;
  }
  // Assigns each attribute its place in a Request: widest first, so every
  // value is naturally aligned.
  void Layout() {
    uint32_t offset = 0;
    for (uint8_t width : {8, 4, 1}) {
      for (auto& a : attrs) {
        uint8_t w = a.type == AttributeType::kInt || a.type == AttributeType::kEnumSet   ? 8
                    : a.type == AttributeType::kDate || a.type == AttributeType::kString ? 4
                                                                                         : 1;
        if (w != width) continue;
        a.width = w;
        a.is_signed = a.type == AttributeType::kDate;
        a.offset = offset;
        offset += w;
      }
    }
    presence_words = static_cast<uint32_t>((attrs.size() + 63) / 64);
    value_words = (offset + 7) / 8;
  }
  uint32_t AddString(const std::string& s) {
    auto [it, inserted] = string_ids.emplace(s, static_cast<uint32_t>(strings.size()));
    if (inserted) strings.push_back(s);
    return it->second;
  }
};

std::string_view AttributeTypeName(AttributeType t);

}  // namespace writ::detail

namespace writ::detail {

// Debian's Abseil is built with its own string_view; convert at the boundary.
inline absl::string_view AV(std::string_view s) { return absl::string_view(s.data(), s.size()); }

}  // namespace writ::detail

#endif  // WRIT_SRC_COMMON_SCHEMA_HPP_
