// File: src/ledger/canonical_json.cpp
#include "ledger/canonical_json.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "absl/container/inlined_vector.h"

namespace writ::detail {
namespace {

void AppendString(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (u < 0x20) {
          out += "\\u00";
          out += kHex[u >> 4];
          out += kHex[u & 15];
        } else {
          out += c;  // UTF-8 as it is: Boost.JSON has validated it
        }
    }
  }
  out += '"';
}

// The code point at s[i] (valid UTF-8), advancing i.
char32_t NextCodePoint(std::string_view s, size_t& i) {
  const auto b = static_cast<unsigned char>(s[i]);
  int len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
  char32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
  for (int k = 1; k < len && i + k < s.size(); ++k) {
    cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  }
  i += len;
  return cp;
}

std::u16string Utf16(std::string_view s) {
  std::u16string out;
  for (size_t i = 0; i < s.size();) {
    char32_t cp = NextCodePoint(s, i);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out += static_cast<char16_t>(0xD800 + (cp >> 10));
      out += static_cast<char16_t>(0xDC00 + (cp & 0x3FF));
    } else {
      out += static_cast<char16_t>(cp);
    }
  }
  return out;
}

}  // namespace

bool Utf16Less(std::string_view a, std::string_view b) {
  // UTF-8 byte order is code point order, which differs from UTF-16 order
  // only past U+FFFF: compare bytes unless either name has a 4-byte form.
  auto has_astral = [](std::string_view s) {
    return std::any_of(s.begin(), s.end(),
                       [](char c) { return static_cast<unsigned char>(c) >= 0xF0; });
  };
  if (!has_astral(a) && !has_astral(b)) return a < b;
  return Utf16(a) < Utf16(b);
}

void AppendEcmaScriptNumber(double d, std::string& out) {
  if (d == 0) {  // 0 and -0
    out += '0';
    return;
  }
  if (d < 0) {
    out += '-';
    d = -d;
  }
  // The shortest digits that read back to d, as d.ddde±x.
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string_view sci(buf, end - buf);
  const size_t e_at = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e_at)) {
    if (c != '.') digits += c;
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  const int exponent = std::atoi(std::string(sci.substr(e_at + 1)).c_str());
  // ECMA-262 Number::toString: k digits, value = 0.digits × 10^n.
  const int k = static_cast<int>(digits.size());
  const int n = exponent + 1;
  if (k <= n && n <= 21) {
    out += digits;
    out.append(n - k, '0');
  } else if (0 < n && n <= 21) {
    out.append(digits, 0, n);
    out += '.';
    out.append(digits, n);
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(-n, '0');
    out += digits;
  } else {
    out += digits[0];
    if (k > 1) {
      out += '.';
      out.append(digits, 1);
    }
    out += 'e';
    out += n - 1 >= 0 ? '+' : '-';
    out += std::to_string(std::abs(n - 1));
  }
}

void AppendCanonicalJson(const boost::json::value& v, std::string& out) {
  switch (v.kind()) {
    case boost::json::kind::null:
      out += "null";
      break;
    case boost::json::kind::bool_:
      out += v.get_bool() ? "true" : "false";
      break;
    case boost::json::kind::int64: {
      const std::int64_t i = v.get_int64();
      // Exactly representable as a double: the integer's own digits.
      if (i > -(std::int64_t{1} << 53) && i < (std::int64_t{1} << 53)) {
        out += std::to_string(i);
      } else {
        AppendEcmaScriptNumber(static_cast<double>(i), out);
      }
      break;
    }
    case boost::json::kind::uint64: {
      const std::uint64_t u = v.get_uint64();
      if (u < (std::uint64_t{1} << 53)) {
        out += std::to_string(u);
      } else {
        AppendEcmaScriptNumber(static_cast<double>(u), out);
      }
      break;
    }
    case boost::json::kind::double_:
      AppendEcmaScriptNumber(v.get_double(), out);
      break;
    case boost::json::kind::string:
      AppendString(v.get_string(), out);
      break;
    case boost::json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& e : v.get_array()) {
        if (!first) out += ',';
        first = false;
        AppendCanonicalJson(e, out);
      }
      out += ']';
      break;
    }
    case boost::json::kind::object: {
      const auto& o = v.get_object();
      absl::InlinedVector<const boost::json::key_value_pair*, 16> members;
      for (const auto& kv : o) members.push_back(&kv);
      std::sort(members.begin(), members.end(),
                [](const auto* a, const auto* b) { return Utf16Less(a->key(), b->key()); });
      out += '{';
      bool first = true;
      for (const auto* kv : members) {
        if (!first) out += ',';
        first = false;
        AppendString(kv->key(), out);
        out += ':';
        AppendCanonicalJson(kv->value(), out);
      }
      out += '}';
      break;
    }
  }
}

std::string CanonicalJson(const boost::json::value& v) {
  std::string out;
  out.reserve(2048);
  AppendCanonicalJson(v, out);
  return out;
}

}  // namespace writ::detail
