// File: src/common/utf8.hpp (internal)
//
// UTF-8 validation. Policy files must be valid UTF-8, so that every string
// that reaches a diagnostic, a decision or an explanation is valid text, and
// every JSON output with it is valid JSON.
#ifndef WRIT_SRC_COMMON_UTF8_HPP_
#define WRIT_SRC_COMMON_UTF8_HPP_

#include <cstddef>
#include <string_view>

namespace writ::detail {

// The length of the valid UTF-8 sequence at the start of `s` (1 to 4), or 0
// when it is not one (a stray continuation byte, an overlong form, a
// surrogate, past U+10FFFF, or cut short).
size_t Utf8SequenceLength(std::string_view s);

// The offset of the first byte that is not part of valid UTF-8, or npos.
size_t FirstInvalidUtf8(std::string_view s);

}  // namespace writ::detail

#endif  // WRIT_SRC_COMMON_UTF8_HPP_
