// File: src/request/request_stream.cpp
//
// The streaming parse of a JSON request (Boost.JSON's basic_parser): a
// handler follows the policy's JSON field tree as keys arrive and stores each
// value into its slot through the attribute's handle. It gives up (returns
// false from an event, which stops the parser) on anything that would be an
// input problem or that the document parse might read differently: a value
// of the wrong type, an unknown enum member, a malformed date, a key seen
// twice, a set of strings, a top level that is not an object. Fields the
// schema does not declare are skipped, whatever they hold.
#include <boost/json/basic_parser_impl.hpp>
#include <string>

#include "common/dates.hpp"
#include "request/request_json.hpp"

namespace writ::detail {

namespace json = boost::json;

namespace {

// Schemas the handler's fixed bookkeeping covers (larger ones use the
// document parse).
constexpr size_t kMaxAttributes = 512;
constexpr size_t kMaxObjects = 64;
constexpr size_t kMaxDepth = 32;

class RequestHandler {
 public:
  static constexpr size_t max_object_size = size_t(-1);
  static constexpr size_t max_array_size = size_t(-1);
  static constexpr size_t max_key_size = size_t(-1);
  static constexpr size_t max_string_size = size_t(-1);

  RequestHandler(const Schema& schema, const JsonShape& shape, Request& r,
                 bool undeclared_are_problems)
      : shape_(shape), schema_(schema), r_(r), undeclared_are_problems_(undeclared_are_problems) {}

  // Keys that the schema declares, and keys it does not (outside ignored
  // values).
  uint32_t declared() const { return declared_; }
  uint32_t undeclared() const { return undeclared_; }

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }

  bool on_object_begin(json::error_code& ec) {
    if (skip_ > 0) return ++skip_, true;
    if (set_attr_ >= 0) return Fail(ec);
    if (depth_ == 0) return Push(0) || Fail(ec);  // the request itself
    const Pending p = Take();
    if (p.kind == Pending::kIgnore) return skip_ = 1, true;
    if (p.kind != Pending::kObject || Seen(seen_objects_, p.index)) return Fail(ec);
    return Push(p.index) || Fail(ec);
  }
  bool on_object_end(size_t, json::error_code&) {
    if (skip_ > 0) return --skip_, true;
    --depth_;
    return true;
  }
  bool on_array_begin(json::error_code& ec) {
    if (skip_ > 0) return ++skip_, true;
    if (depth_ == 0 || set_attr_ >= 0) return Fail(ec);
    const Pending p = Take();
    if (p.kind == Pending::kIgnore) return skip_ = 1, true;
    if (p.kind != Pending::kAttr || schema_.attrs[p.index].type != AttributeType::kEnumSet ||
        Seen(seen_attrs_, p.index))
      return Fail(ec);
    set_attr_ = static_cast<int32_t>(p.index);
    set_mask_ = 0;
    return true;
  }
  bool on_array_end(size_t, json::error_code&) {
    if (skip_ > 0) return --skip_, true;
    r_.SetEnumSet(Handle(set_attr_), set_mask_);
    set_attr_ = -1;
    return true;
  }

  bool on_key_part(json::string_view s, size_t, json::error_code&) {
    if (skip_ == 0) part_.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, size_t, json::error_code& ec) {
    if (skip_ > 0) return true;
    std::string_view key(s.data(), s.size());
    if (!part_.empty()) key = part_.append(s.data(), s.size());
    const JsonField* f = shape_.objects[frames_[depth_ - 1]].Find(key);
    part_.clear();
    if (f == nullptr) {
      ++undeclared_;
      pending_ = {Pending::kIgnore, 0};
      return !undeclared_are_problems_ || Fail(ec);
    }
    ++declared_;
    if (f->attr >= 0) {
      pending_ = {Pending::kAttr, static_cast<uint32_t>(f->attr)};
    } else {
      pending_ = {Pending::kObject, static_cast<uint32_t>(f->object)};
    }
    return true;
  }

  bool on_string_part(json::string_view s, size_t, json::error_code&) {
    if (skip_ == 0) part_.append(s.data(), s.size());
    return true;
  }
  bool on_string(json::string_view s, size_t, json::error_code& ec) {
    if (skip_ > 0) return true;
    std::string_view text(s.data(), s.size());
    if (!part_.empty()) text = part_.append(s.data(), s.size());
    const bool ok = String(text);
    part_.clear();
    return ok || Fail(ec);
  }

  bool on_number_part(json::string_view, json::error_code&) { return true; }
  bool on_int64(int64_t i, json::string_view, json::error_code& ec) { return Int(i) || Fail(ec); }
  bool on_uint64(uint64_t u, json::string_view, json::error_code& ec) {
    if (u > uint64_t(INT64_MAX)) return Ignored() || Fail(ec);
    return Int(static_cast<int64_t>(u)) || Fail(ec);
  }
  bool on_double(double, json::string_view, json::error_code& ec) { return Ignored() || Fail(ec); }
  bool on_bool(bool b, json::error_code& ec) {
    if (skip_ > 0) return true;
    const Pending p = Take();
    if (p.kind == Pending::kIgnore && set_attr_ < 0) return depth_ > 0 || Fail(ec);
    if (set_attr_ >= 0 || p.kind != Pending::kAttr ||
        schema_.attrs[p.index].type != AttributeType::kBool || Seen(seen_attrs_, p.index))
      return Fail(ec);
    r_.SetBool(Handle(p.index), b);
    return true;
  }
  bool on_null(json::error_code& ec) {
    if (skip_ > 0) return true;
    if (set_attr_ >= 0 || depth_ == 0) return Fail(ec);
    const Pending p = Take();
    // null is simply missing; it still counts as the key's one value.
    if (p.kind == Pending::kAttr) return !Seen(seen_attrs_, p.index) || Fail(ec);
    if (p.kind == Pending::kObject) return !Seen(seen_objects_, p.index) || Fail(ec);
    return true;
  }

  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  struct Pending {
    enum Kind : uint8_t { kIgnore, kAttr, kObject } kind = kIgnore;
    uint32_t index = 0;
  };

  Pending Take() {
    Pending p = pending_;
    pending_ = {};
    return p;
  }
  AttributeHandle Handle(uint32_t i) const { return {i, schema_.attrs[i].type}; }
  AttributeHandle Handle(int32_t i) const { return Handle(static_cast<uint32_t>(i)); }

  bool Push(uint32_t object) {
    if (depth_ >= kMaxDepth) return false;
    frames_[depth_++] = object;
    return true;
  }
  // Marks bit i; true when it was already set (a key seen twice).
  template <size_t N>
  static bool Seen(uint64_t (&bits)[N], uint32_t i) {
    uint64_t& w = bits[i >> 6];
    const uint64_t bit = uint64_t{1} << (i & 63);
    const bool was = (w & bit) != 0;
    w |= bit;
    return was;
  }
  static bool Fail(json::error_code& ec) {
    ec = json::error::syntax;  // any error: the caller falls back
    return false;
  }

  // A string value: an enum member (alone or in a set), a date or a string.
  bool String(std::string_view s) {
    if (set_attr_ >= 0) {
      const EnumInfo& e = schema_.enums[schema_.attrs[set_attr_].enum_id];
      auto it = e.index.find(absl::string_view(s.data(), s.size()));
      if (it == e.index.end()) return false;
      set_mask_ |= uint64_t{1} << it->second;
      return true;
    }
    const Pending p = Take();
    if (p.kind == Pending::kIgnore) return depth_ > 0;
    if (p.kind != Pending::kAttr || Seen(seen_attrs_, p.index)) return false;
    const AttrInfo& a = schema_.attrs[p.index];
    switch (a.type) {
      case AttributeType::kEnum: {
        const EnumInfo& e = schema_.enums[a.enum_id];
        auto it = e.index.find(absl::string_view(s.data(), s.size()));
        if (it == e.index.end()) return false;
        r_.SetEnum(Handle(p.index), it->second);
        return true;
      }
      case AttributeType::kDate: {
        std::optional<int64_t> days = ParseIsoDate(s);
        if (!days) return false;
        r_.SetDays(Handle(p.index), *days);
        return true;
      }
      case AttributeType::kString:
        r_.SetString(Handle(p.index), s);
        return true;
      default:
        return false;
    }
  }
  bool Int(int64_t i) {
    if (skip_ > 0) return true;
    if (set_attr_ >= 0) return false;
    const Pending p = Take();
    if (p.kind == Pending::kIgnore) return depth_ > 0;
    if (p.kind != Pending::kAttr || schema_.attrs[p.index].type != AttributeType::kInt ||
        Seen(seen_attrs_, p.index))
      return false;
    r_.SetInt(Handle(p.index), i);
    return true;
  }
  // A value no attribute takes (a fraction, an integer past int64): fine
  // only where the field is ignored.
  bool Ignored() {
    if (skip_ > 0) return true;
    if (set_attr_ >= 0) return false;
    const Pending p = Take();
    return p.kind == Pending::kIgnore && depth_ > 0;
  }

  const JsonShape& shape_;
  const Schema& schema_;
  Request& r_;
  uint32_t frames_[kMaxDepth] = {};  // the JSON object of each open object
  uint32_t depth_ = 0;
  uint32_t skip_ = 0;  // > 0: inside a value no field takes
  Pending pending_;    // what the last key names
  int32_t set_attr_ = -1;
  uint64_t set_mask_ = 0;
  uint64_t seen_attrs_[kMaxAttributes / 64] = {};
  uint64_t seen_objects_[kMaxObjects / 64] = {};
  std::string part_;  // a key or string that arrived in parts
  bool undeclared_are_problems_ = false;
  uint32_t declared_ = 0, undeclared_ = 0;
};

}  // namespace

bool ParseRequestStreaming(const Schema& schema, const JsonShape& shape, std::string_view text,
                           Request& out, bool undeclared_are_problems) {
  if (schema.attrs.size() > kMaxAttributes || shape.objects.size() > kMaxObjects) return false;
  out.Clear();
  json::parse_options opts;
  opts.max_depth = kMaxDepth;
  json::basic_parser<RequestHandler> parser(opts, schema, shape, out, undeclared_are_problems);
  json::error_code ec;
  const size_t n = parser.write_some(false, text.data(), text.size(), ec);
  // A request none of whose fields the policy declares is reported by the
  // document parse.
  const RequestHandler& h = parser.handler();
  return !ec && n == text.size() && !(h.declared() == 0 && h.undeclared() > 0);
}

}  // namespace writ::detail
