// File: src/request/request.cpp — building requests by path, by handle and from JSON.
#include "writ/request.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <climits>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/dates.hpp"
#include "common/names.hpp"
#include "request/request_access.hpp"
#include "request/request_json.hpp"

namespace writ {

using detail::AV;

Request::Request(std::shared_ptr<const detail::Schema> schema) : schema_(std::move(schema)) {
  size_t n = schema_->attrs.size();
  presence_words_ = schema_->presence_words;
  data_.assign(schema_->presence_words + schema_->value_words, 0);
  strings_.resize(n);
  string_sets_.resize(n);
}

void Request::Clear() {
  std::fill(data_.begin(), data_.begin() + presence_words_, 0);
  problems_.clear();
}

void Request::Store(uint32_t i, uint64_t value) {
  const detail::AttrInfo& a = schema_->attrs[i];
  unsigned char* p = reinterpret_cast<unsigned char*>(data_.data() + presence_words_) + a.offset;
  if (a.width == 1) {
    *p = static_cast<unsigned char>(value);
  } else if (a.width == 4) {
    uint32_t v = static_cast<uint32_t>(value);
    std::memcpy(p, &v, 4);
  } else {
    std::memcpy(p, &value, 8);
  }
  MarkPresent(i);
}

std::string_view Request::string_value(AttributeHandle h) const {
  if (h.type != AttributeType::kString || !present(h.index)) return {};
  return strings_[h.index];
}

void Request::AddProblem(std::string attribute, std::string message) {
  problems_.push_back({std::move(attribute), std::move(message)});
}

absl::Status Request::UnknownAttribute(std::string_view path) const {
  std::vector<std::string> paths;
  for (const auto& a : schema_->attrs) paths.push_back(a.path);
  std::string near = detail::NearestName(path, paths);
  return absl::NotFoundError(
      absl::StrCat("unknown attribute '", AV(path), "'",
                   near.empty() ? "" : absl::StrCat("; did you mean '", near, "'?")));
}

absl::StatusOr<AttributeHandle> Request::Find(std::string_view path, AttributeType want) const {
  auto it = schema_->attr_by_path.find(AV(path));
  if (it == schema_->attr_by_path.end()) return UnknownAttribute(path);
  const detail::AttrInfo& a = schema_->attrs[it->second];
  bool ok =
      a.type == want || (want == AttributeType::kEnumSet && a.type == AttributeType::kStringSet);
  if (!ok) {
    return absl::InvalidArgumentError(absl::StrCat("attribute '", AV(path), "' is ",
                                                   AV(detail::AttributeTypeName(a.type)), ", not ",
                                                   AV(detail::AttributeTypeName(want))));
  }
  return AttributeHandle{it->second, a.type};
}

absl::Status Request::SetBool(std::string_view path, bool value) {
  auto h = Find(path, AttributeType::kBool);
  if (!h.ok()) return h.status();
  SetBool(*h, value);
  return absl::OkStatus();
}
absl::Status Request::SetInt(std::string_view path, int64_t value) {
  auto h = Find(path, AttributeType::kInt);
  if (!h.ok()) return h.status();
  SetInt(*h, value);
  return absl::OkStatus();
}
absl::Status Request::SetString(std::string_view path, std::string_view value) {
  auto h = Find(path, AttributeType::kString);
  if (!h.ok()) return h.status();
  SetString(*h, value);
  return absl::OkStatus();
}
absl::Status Request::SetDate(std::string_view path, std::string_view text) {
  auto h = Find(path, AttributeType::kDate);
  if (!h.ok()) return h.status();
  int y, m, d;
  char tail;
  std::string s(text);
  if (s.size() != 10 || sscanf(s.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || s[4] != '-' ||
      s[7] != '-') {
    return absl::InvalidArgumentError(absl::StrCat("'", s, "' is not a date (YYYY-MM-DD)"));
  }
  auto days = detail::DaysFromCivil(y, m, d);
  if (!days) return absl::InvalidArgumentError(absl::StrCat("'", s, "' is not a calendar date"));
  SetDays(*h, *days);
  return absl::OkStatus();
}
absl::Status Request::SetEnum(std::string_view path, std::string_view member) {
  auto h = Find(path, AttributeType::kEnum);
  if (!h.ok()) return h.status();
  const auto& e = schema_->enums[schema_->attrs[h->index].enum_id];
  auto it = e.index.find(AV(member));
  if (it == e.index.end()) {
    std::string near = detail::NearestName(member, e.members);
    return absl::InvalidArgumentError(
        absl::StrCat("'", AV(member), "' is not a member of enum '", e.name, "'",
                     near.empty() ? "" : absl::StrCat("; did you mean '", near, "'?")));
  }
  SetEnum(*h, it->second);
  return absl::OkStatus();
}
absl::Status Request::SetSet(std::string_view path, const std::vector<std::string_view>& members) {
  auto h = Find(path, AttributeType::kEnumSet);
  if (!h.ok()) return h.status();
  if (h->type == AttributeType::kStringSet) {
    auto& v = string_sets_[h->index];
    v.clear();
    for (auto m : members) v.emplace_back(m);
    MarkPresent(h->index);
    return absl::OkStatus();
  }
  const auto& e = schema_->enums[schema_->attrs[h->index].enum_id];
  uint64_t mask = 0;
  for (auto m : members) {
    auto it = e.index.find(AV(m));
    if (it == e.index.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("'", AV(m), "' is not a member of enum '", e.name, "'"));
    }
    mask |= uint64_t{1} << it->second;
  }
  SetEnumSet(*h, mask);
  return absl::OkStatus();
}
absl::Status Request::Unset(std::string_view path) {
  auto it = schema_->attr_by_path.find(AV(path));
  if (it == schema_->attr_by_path.end()) return UnknownAttribute(path);
  data_[it->second >> 6] &= ~(uint64_t{1} << (it->second & 63));
  return absl::OkStatus();
}

void Request::SetBool(AttributeHandle h, bool value) { Store(h.index, value); }
void Request::SetInt(AttributeHandle h, int64_t value) {
  Store(h.index, static_cast<uint64_t>(value));
}
void Request::SetDays(AttributeHandle h, int64_t days) {
  // Dates are kept as 32-bit day numbers: years -5 million to +5 million.
  days = std::clamp<int64_t>(days, INT32_MIN, INT32_MAX);
  Store(h.index, static_cast<uint64_t>(days));
}
void Request::SetEnum(AttributeHandle h, uint32_t member) { Store(h.index, member); }
void Request::SetEnumSet(AttributeHandle h, uint64_t mask) { Store(h.index, mask); }
void Request::SetString(AttributeHandle h, std::string_view value) {
  strings_[h.index].assign(value.data(), value.size());
  Store(h.index, schema_->Intern(value));
}

namespace detail {

Value RequestAccess::Get(const Request& r, const Schema& schema, uint32_t i) {
  const AttrInfo& a = schema.attrs[i];
  Value v;
  switch (a.type) {
    case AttributeType::kBool:
      v.type = {TypeKind::kBool};
      v.b = r.Load(i);
      break;
    case AttributeType::kInt:
      v.type = {TypeKind::kInt};
      v.i = static_cast<int64_t>(r.Load(i));
      break;
    case AttributeType::kDate:
      v.type = {TypeKind::kDate};
      v.i = static_cast<int64_t>(r.Load(i));
      break;
    case AttributeType::kEnum:
      v.type = {TypeKind::kEnum, a.enum_id};
      v.i = static_cast<int64_t>(r.Load(i));
      break;
    case AttributeType::kEnumSet:
      v.type = {TypeKind::kEnumSet, a.enum_id};
      v.mask = r.Load(i);
      break;
    case AttributeType::kString:
      v.type = {TypeKind::kString};
      v.s = r.strings_[i];
      break;
    case AttributeType::kStringSet:
      v.type = {TypeKind::kStringSet};
      v.strs = r.string_sets_[i];
      std::sort(v.strs.begin(), v.strs.end());
      v.strs.erase(std::unique(v.strs.begin(), v.strs.end()), v.strs.end());
      break;
  }
  return v;
}

}  // namespace detail

// ---- JSON ----------------------------------------------------------------

namespace {

namespace json = boost::json;

const char* JsonKind(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
      return "an integer";
    case json::kind::double_:
      return "a number";
    case json::kind::string:
      return "a string";
    case json::kind::array:
      return "an array";
    case json::kind::object:
      return "an object";
  }
  return "a value";
}

std::string Quote(std::string_view s) {
  return json::serialize(json::value(json::string_view(s.data(), s.size())));
}

// Sets attribute `index` from JSON value `v`, or records an input problem.
void SetFromJson(Request& r, const detail::Schema& schema, uint32_t index, const json::value& v) {
  const detail::AttrInfo& a = schema.attrs[index];
  AttributeHandle h{index, a.type};
  if (v.is_null()) return;  // null is simply missing
  auto problem = [&](std::string what) {
    r.AddProblem(a.path, absl::StrCat("'", a.path, "' ", what, "; treated as missing"));
  };
  auto enum_member = [&](const json::value& x, uint32_t& out) -> bool {
    const auto& e = schema.enums[a.enum_id];
    if (!x.is_string()) {
      problem(absl::StrCat("must be a member of ", e.name, ", not ", JsonKind(x)));
      return false;
    }
    const json::string& s = x.get_string();
    auto it = e.index.find(absl::string_view(s.data(), s.size()));
    if (it == e.index.end()) {
      std::string near = detail::NearestName(std::string_view(s.data(), s.size()), e.members);
      problem(absl::StrCat("has unknown value ", Quote(std::string_view(s.data(), s.size())),
                           " (not a member of ", e.name,
                           near.empty() ? "" : absl::StrCat("; did you mean '", near, "'?"), ")"));
      return false;
    }
    out = it->second;
    return true;
  };
  switch (a.type) {
    case AttributeType::kBool:
      if (!v.is_bool()) return problem(absl::StrCat("must be true or false, not ", JsonKind(v)));
      return r.SetBool(h, v.get_bool());
    case AttributeType::kInt:
      if (v.is_int64()) return r.SetInt(h, v.get_int64());
      if (v.is_uint64() && v.get_uint64() <= uint64_t(INT64_MAX))
        return r.SetInt(h, static_cast<int64_t>(v.get_uint64()));
      if (v.is_uint64() || (v.is_double() && std::nearbyint(v.get_double()) == v.get_double())) {
        return problem(absl::StrCat("is ", json::serialize(v),
                                    ", out of the range of an int (-9223372036854775808 to "
                                    "9223372036854775807)"));
      }
      return problem(absl::StrCat("must be an integer, not ", JsonKind(v)));
    case AttributeType::kString:
      if (!v.is_string()) return problem(absl::StrCat("must be a string, not ", JsonKind(v)));
      return r.SetString(h, std::string_view(v.get_string().data(), v.get_string().size()));
    case AttributeType::kDate: {
      if (!v.is_string()) return problem(absl::StrCat("must be a date string, not ", JsonKind(v)));
      const json::string& s = v.get_string();
      std::optional<int64_t> days = detail::ParseIsoDate(std::string_view(s.data(), s.size()));
      if (!days) {
        return problem(absl::StrCat("is not a date (YYYY-MM-DD): ",
                                    Quote(std::string_view(s.data(), s.size()))));
      }
      return r.SetDays(h, *days);
    }
    case AttributeType::kEnum: {
      uint32_t m;
      if (enum_member(v, m)) r.SetEnum(h, m);
      return;
    }
    case AttributeType::kEnumSet: {
      if (!v.is_array()) return problem(absl::StrCat("must be an array, not ", JsonKind(v)));
      uint64_t mask = 0;
      for (const auto& x : v.get_array()) {
        uint32_t m;
        if (!enum_member(x, m)) return;
        mask |= uint64_t{1} << m;
      }
      return r.SetEnumSet(h, mask);
    }
    case AttributeType::kStringSet: {
      if (!v.is_array()) return problem(absl::StrCat("must be an array, not ", JsonKind(v)));
      std::vector<std::string_view> items;
      for (const auto& x : v.get_array()) {
        if (!x.is_string()) return problem(absl::StrCat("must hold strings, not ", JsonKind(x)));
        items.emplace_back(x.get_string().data(), x.get_string().size());
      }
      (void)r.SetSet(a.path, items);
      return;
    }
  }
}

// What the walk met besides values: the declared fields, and the paths of
// the undeclared ones.
struct Fields {
  uint32_t declared = 0;
  std::vector<std::string> undeclared;
};

void Walk(Request& r, const detail::Schema& schema, const detail::JsonShape& shape, int32_t object,
          const json::object& o, const std::string& prefix, Fields& fields_met) {
  const auto& fields = shape.objects[object];
  for (const auto& kv : o) {
    std::string_view key(kv.key().data(), kv.key().size());
    const auto* found = fields.Find(key);
    if (!found) {
      fields_met.undeclared.push_back(prefix.empty() ? std::string(key)
                                                     : absl::StrCat(prefix, ".", detail::AV(key)));
      continue;
    }
    ++fields_met.declared;
    const auto& f = *found;
    if (f.attr >= 0) {
      SetFromJson(r, schema, f.attr, kv.value());
    } else if (f.object >= 0) {
      std::string path =
          prefix.empty() ? std::string(key) : absl::StrCat(prefix, ".", detail::AV(key));
      if (kv.value().is_object()) {
        Walk(r, schema, shape, f.object, kv.value().get_object(), path, fields_met);
      } else if (!kv.value().is_null()) {
        r.AddProblem(path,
                     absl::StrCat("'", path, "' must be an object, not ", JsonKind(kv.value()),
                                  "; its attributes are treated as missing"));
      }
    }
  }
}

}  // namespace

namespace detail {

absl::Status ParseRequestDocument(const Schema& schema, const JsonShape& shape,
                                  std::string_view text, Request& out,
                                  const UndeclaredFields& undeclared) {
  out.Clear();
  // Parse into a stack buffer first: most requests need no heap at all.
  unsigned char buffer[8192];
  json::monotonic_resource mr(buffer, sizeof buffer);
  json::parse_options opts;
  opts.max_depth = kMaxRequestDepth;
  boost::system::error_code ec;
  json::value v = json::parse(json::string_view(text.data(), text.size()), ec, &mr, opts);
  if (ec) {
    return absl::InvalidArgumentError(absl::StrCat("malformed JSON: ", ec.message()));
  }
  if (!v.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat("a request must be a JSON object, not ", JsonKind(v)));
  }
  Fields fields;
  Walk(out, schema, shape, 0, v.get_object(), "", fields);
  // A key given twice: whichever value a reader keeps, another reader may
  // keep the other, so the attribute (or every attribute of the object) is
  // missing.
  for (const std::string& dup : DuplicateKeys(text, kMaxRequestDepth)) {
    bool named = false;
    for (uint32_t i = 0; i < schema.attrs.size(); ++i) {
      const std::string& path = schema.attrs[i].path;
      if (path != dup && !(path.size() > dup.size() && path.compare(0, dup.size(), dup) == 0 &&
                           path[dup.size()] == '.'))
        continue;
      named = true;
      (void)out.Unset(path);
    }
    if (named) {
      out.AddProblem(dup, absl::StrCat("'", dup,
                                       "' is given twice; readers may take either value, so it "
                                       "is treated as missing"));
    }
  }
  if (undeclared.are_problems) {
    std::vector<std::string> paths;
    for (const auto& a : schema.attrs) paths.push_back(a.path);
    for (const std::string& u : fields.undeclared) {
      std::string near = NearestName(u, paths);
      out.AddProblem(
          u, absl::StrCat("'", u, "' is not an attribute of policy '", AV(undeclared.policy), "'",
                          near.empty() ? "" : absl::StrCat("; did you mean '", near, "'?")));
    }
  } else if (fields.declared == 0 && !fields.undeclared.empty()) {
    std::vector<std::string> some(
        fields.undeclared.begin(),
        fields.undeclared.begin() + std::min<size_t>(fields.undeclared.size(), 5));
    out.AddProblem(fields.undeclared[0],
                   absl::StrCat("none of the request's fields (", absl::StrJoin(some, ", "),
                                fields.undeclared.size() > some.size() ? ", ..." : "",
                                ") is an attribute of policy '", AV(undeclared.policy),
                                "'; was the request written for another policy?"));
  }
  return absl::OkStatus();
}

}  // namespace detail

}  // namespace writ
