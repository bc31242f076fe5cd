// File: src/api/request_binding.cpp
//
// Requests and the policies they are made for: making a request for a
// policy, parsing one from JSON, and translating a request made for one
// policy into another's schema (request.hpp: lifetime and binding).
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "api/policy_data.hpp"
#include "request/request_access.hpp"
#include "request/request_json.hpp"
#include "writ/policy.hpp"
#include "writ/request.hpp"

namespace writ {

Request::Request(const Policy& policy) : Request(detail::RequestBinding::SchemaOf(policy)) {}

bool Request::BoundTo(const Policy& policy) const {
  return detail::RequestBinding::Bound(*this, policy);
}

absl::Status Policy::ParseRequest(std::string_view text, Request& out) const {
  return ParseRequest(text, out, ParseOptions{});
}

absl::Status Policy::ParseRequest(std::string_view text, Request& out,
                                  const ParseOptions& options) const {
  detail::RequestBinding::Rebind(out, *this);
  // Most requests are well-formed: stream them into their slots. The rest
  // are parsed as a document, which reports every problem.
  const detail::Schema& schema = data_->model.schema;
  if (detail::ParseRequestStreaming(schema, data_->json, text, out,
                                    options.undeclared_fields_are_problems))
    return absl::OkStatus();
  return detail::ParseRequestDocument(schema, data_->json, text, out,
                                      {options.undeclared_fields_are_problems, data_->model.name});
}

absl::StatusOr<Request> Policy::ParseRequest(std::string_view text) const {
  Request r(*this);
  absl::Status s = ParseRequest(text, r);
  if (!s.ok()) return s;
  return r;
}

namespace detail {

std::shared_ptr<const Schema> RequestBinding::SchemaOf(const Policy& policy) {
  // Shares ownership of the whole policy data; points at its schema.
  return std::shared_ptr<const Schema>(policy.data_, &policy.data_->model.schema);
}

void RequestBinding::Rebind(Request& request, const Policy& policy) {
  if (!Bound(request, policy)) request = Request(policy);
}

bool RequestBinding::SameSchema(const Policy& a, const Policy& b) {
  const Schema& x = a.data_->model.schema;
  const Schema& y = b.data_->model.schema;
  if (x.attrs.size() != y.attrs.size()) return false;
  for (size_t i = 0; i < x.attrs.size(); ++i) {
    const AttrInfo& p = x.attrs[i];
    const AttrInfo& q = y.attrs[i];
    if (p.path != q.path || p.type != q.type || p.offset != q.offset || p.width != q.width)
      return false;
    if (p.enum_id >= 0 && x.enums[p.enum_id].members != y.enums[q.enum_id].members) return false;
  }
  return x.presence_words == y.presence_words && x.value_words == y.value_words;
}

void RequestBinding::CopyValues(const Request& from, Request& to) {
  to.Clear();
  const Schema& src = *from.schema_;
  for (uint32_t i = 0; i < src.attrs.size(); ++i) {
    if (!from.present(i)) continue;
    switch (src.attrs[i].type) {
      case AttributeType::kString:
        to.SetString({i, AttributeType::kString}, from.strings_[i]);
        break;
      case AttributeType::kStringSet: {
        std::vector<std::string_view> items(from.string_sets_[i].begin(),
                                            from.string_sets_[i].end());
        (void)to.SetSet(src.attrs[i].path, items);
        break;
      }
      default:
        to.Store(i, from.Load(i));
        break;
    }
  }
}

Request RequestBinding::Translate(const Request& from, const Policy& policy) {
  Request to(policy);
  const Schema& src = *from.schema_;
  const Schema& dst = policy.data_->model.schema;
  auto problem = [&](const std::string& path, std::string why) {
    to.AddProblem(path, absl::StrCat("'", path, "' ", why,
                                     " (the request was built for another policy); treated as "
                                     "missing"));
  };
  for (uint32_t i = 0; i < src.attrs.size(); ++i) {
    if (!from.present(i)) continue;
    const AttrInfo& a = src.attrs[i];
    auto it = dst.attr_by_path.find(a.path);
    if (it == dst.attr_by_path.end()) continue;  // undeclared here: ignored, as in JSON
    const AttrInfo& b = dst.attrs[it->second];
    const AttributeHandle h{it->second, b.type};
    if (a.type != b.type) {
      problem(a.path,
              absl::StrCat("is ", AV(AttributeTypeName(a.type)), " in that policy but ",
                           AV(AttributeTypeName(b.type)), " in '", policy.data_->model.name, "'"));
      continue;
    }
    const uint64_t word = from.Load(i);
    switch (a.type) {
      case AttributeType::kBool:
      case AttributeType::kInt:
        to.Store(h.index, word);
        break;
      case AttributeType::kDate:
        to.SetDays(h, static_cast<int64_t>(word));
        break;
      case AttributeType::kString:
        to.SetString(h, from.strings_[i]);
        break;
      case AttributeType::kStringSet: {
        std::vector<std::string_view> items(from.string_sets_[i].begin(),
                                            from.string_sets_[i].end());
        (void)to.SetSet(b.path, items);
        break;
      }
      case AttributeType::kEnum:
      case AttributeType::kEnumSet: {
        const EnumInfo& se = src.enums[a.enum_id];
        const EnumInfo& de = dst.enums[b.enum_id];
        const uint64_t mask = a.type == AttributeType::kEnum ? uint64_t{1} << word : word;
        uint64_t out = 0;
        bool fits = true;
        for (uint32_t m = 0; m < se.members.size(); ++m) {
          if (!((mask >> m) & 1)) continue;
          auto found = de.index.find(se.members[m]);
          if (found == de.index.end()) {
            problem(a.path, absl::StrCat("has value ", se.members[m], ", which enum '", de.name,
                                         "' does not have"));
            fits = false;
            break;
          }
          out |= uint64_t{1} << found->second;
        }
        if (!fits) break;
        if (a.type == AttributeType::kEnum) {
          to.SetEnum(h, static_cast<uint32_t>(__builtin_ctzll(out)));
        } else {
          to.SetEnumSet(h, out);
        }
        break;
      }
    }
  }
  for (const InputProblem& p : from.problems()) to.AddProblem(p.attribute, p.message);
  return to;
}

}  // namespace detail
}  // namespace writ
