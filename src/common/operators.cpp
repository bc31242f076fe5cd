// File: src/common/operators.cpp — the meaning of each comparison on present values.
#include "common/operators.hpp"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace writ::detail {

ValueView ViewOf(const Value& v) {
  ValueView out;
  out.kind = v.type.kind;
  switch (v.type.kind) {
    case TypeKind::kBool:
      out.w = v.b;
      break;
    case TypeKind::kInt:
    case TypeKind::kDate:
    case TypeKind::kEnum:
      out.w = static_cast<uint64_t>(v.i);
      break;
    case TypeKind::kEnumSet:
    case TypeKind::kEmptySet:
      out.w = v.mask;
      out.strs = &v.strs;
      break;
    case TypeKind::kString:
      out.s = v.s;
      break;
    case TypeKind::kStringSet:
      out.strs = &v.strs;
      break;
    case TypeKind::kError:
      break;
  }
  return out;
}

namespace {

bool HasString(const std::vector<std::string>* set, std::string_view s) {
  if (!set) return false;
  for (const auto& x : *set)
    if (x == s) return true;
  return false;
}

bool IsStringSet(const ValueView& v) { return v.kind == TypeKind::kStringSet; }

// Set relations for string sets; an empty set literal may stand on either side.
bool StringSetOp(Op op, const ValueView& l, const ValueView& r) {
  static const std::vector<std::string> kEmpty;
  const auto& ls = l.strs ? *l.strs : kEmpty;
  const auto& rs = r.strs ? *r.strs : kEmpty;
  auto all_in = [](const std::vector<std::string>& a, const std::vector<std::string>& b) {
    for (const auto& x : a)
      if (std::find(b.begin(), b.end(), x) == b.end()) return false;
    return true;
  };
  auto any_in = [](const std::vector<std::string>& a, const std::vector<std::string>& b) {
    for (const auto& x : a)
      if (std::find(b.begin(), b.end(), x) != b.end()) return true;
    return false;
  };
  switch (op) {
    case Op::kEq:
      return all_in(ls, rs) && all_in(rs, ls);
    case Op::kNe:
      return !(all_in(ls, rs) && all_in(rs, ls));
    case Op::kContainsAny:
      return any_in(rs, ls);
    case Op::kContainsAll:
      return all_in(rs, ls);
    case Op::kContainsNone:
      return !any_in(rs, ls);
    default:
      return false;
  }
}

}  // namespace

bool GlobMatch(std::string_view text, std::string_view pat) {
  size_t t = 0, p = 0, star_p = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pat.size() && pat[p] == '*') {
      star_p = ++p;
      star_t = t;
      continue;
    }
    if (p < pat.size()) {
      char want = pat[p];
      size_t step = 1;
      if (want == '\\' && p + 1 < pat.size() && pat[p + 1] == '*') {
        want = '*';
        step = 2;
      }
      if (want == text[t]) {
        p += step;
        ++t;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p;
    t = ++star_t;
  }
  while (p < pat.size() && pat[p] == '*') ++p;
  return p == pat.size();
}

bool CompareViews(Op op, const ValueView& l, const ValueView& r) {
  const bool sets = l.kind == TypeKind::kStringSet || r.kind == TypeKind::kStringSet;
  switch (op) {
    case Op::kEq:
    case Op::kNe: {
      bool eq;
      if (l.kind == TypeKind::kString) {
        eq = l.s == r.s;
      } else if (sets) {
        eq = StringSetOp(Op::kEq, l, r);
      } else {
        eq = l.w == r.w;
      }
      return op == Op::kEq ? eq : !eq;
    }
    case Op::kLt:
    case Op::kLe:
    case Op::kGt:
    case Op::kGe:
      if (l.kind == TypeKind::kString) return OrderHolds(op, l.s, r.s);
      return OrderHolds(op, static_cast<int64_t>(l.w), static_cast<int64_t>(r.w));
    case Op::kIn:
    case Op::kNotIn: {
      bool in = l.kind == TypeKind::kString ? HasString(r.strs, l.s) : MemberOf(l.w, r.w);
      return op == Op::kIn ? in : !in;
    }
    case Op::kContains:
      return r.kind == TypeKind::kString ? HasString(l.strs, r.s) : MemberOf(r.w, l.w);
    case Op::kContainsAny:
    case Op::kContainsAll:
    case Op::kContainsNone:
      if (sets || IsStringSet(l)) return StringSetOp(op, l, r);
      return MaskHolds(op, l.w, r.w);
    case Op::kLike:
      return GlobMatch(l.s, r.s);
    case Op::kInDomain:
      if (r.kind == TypeKind::kString) return InDomain(l.s, r.s);
      if (r.strs)
        for (const std::string& d : *r.strs)
          if (InDomain(l.s, d)) return true;
      return false;
  }
  return false;
}

bool InDomain(std::string_view text, std::string_view domain) {
  const size_t at = text.rfind('@');
  const std::string_view host = at == std::string_view::npos ? text : text.substr(at + 1);
  if (host.size() < domain.size() || domain.empty()) return false;
  // The host ends with the domain (any case), at a label boundary.
  const std::string_view tail = host.substr(host.size() - domain.size());
  for (size_t i = 0; i < domain.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(tail[i]);
    const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : tail[i];
    if (lower != domain[i]) return false;
  }
  return host.size() == domain.size() || host[host.size() - domain.size() - 1] == '.';
}

std::string DomainNameProblem(std::string_view name) {
  if (name.empty()) return "a domain name cannot be empty";
  if (name.find('@') != std::string_view::npos)
    return "a domain name has no '@'; write what follows it";
  size_t label = 0;
  for (size_t i = 0; i <= name.size(); ++i) {
    if (i == name.size() || name[i] == '.') {
      if (label == 0)
        return "a domain name has no empty label (no leading, trailing or double dot)";
      if (name[i - 1] == '-' || name[i - label] == '-')
        return "a label of a domain name neither starts nor ends with '-'";
      label = 0;
      continue;
    }
    const char c = name[i];
    if (c >= 'A' && c <= 'Z') return "write the domain name in lower case (it matches any case)";
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
      return absl::StrCat("'", std::string(1, c),
                          "' cannot be in a domain name (letters, digits, '-' and '.')");
    ++label;
  }
  return "";
}

}  // namespace writ::detail
