// File: src/request/duplicate_keys.cpp
//
// Keys given twice in one JSON object. A JSON document parser keeps one of
// the two values (Boost.JSON the last, others the first), so two programs in
// a pipeline could read different requests from the same text: writ treats
// such an attribute as missing and says so (request_json.hpp).
#include <boost/json/basic_parser_impl.hpp>
#include <set>
#include <string>
#include <vector>

#include "request/json_events.hpp"
#include "request/request_json.hpp"

namespace writ::detail {
namespace {

namespace json = boost::json;

class DuplicateKeyFinder : public IgnoreJsonEvents {
 public:
  explicit DuplicateKeyFinder(std::vector<std::string>& out) : out_(out) {}

  bool on_object_begin(json::error_code&) {
    // An object inside an array has no path of its own: its keys are not
    // attributes, so it is not examined.
    frames_.push_back({!in_array_.empty() && in_array_.back() ? std::string() : Path(),
                       {},
                       !in_array_.empty() && in_array_.back()});
    in_array_.push_back(false);
    return true;
  }
  bool on_object_end(size_t, json::error_code&) {
    frames_.pop_back();
    in_array_.pop_back();
    key_.clear();
    return true;
  }
  bool on_array_begin(json::error_code&) {
    in_array_.push_back(true);
    return true;
  }
  bool on_array_end(size_t, json::error_code&) {
    in_array_.pop_back();
    return true;
  }
  bool on_key_part(json::string_view s, size_t, json::error_code&) {
    part_.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, size_t, json::error_code&) {
    part_.append(s.data(), s.size());
    key_ = part_;
    part_.clear();
    Frame& f = frames_.back();
    if (!f.ignored && !f.keys.insert(key_).second) out_.push_back(Path());
    return true;
  }

 private:
  struct Frame {
    std::string path;  // of this object
    std::set<std::string> keys;
    bool ignored = false;
  };
  // The dotted path of the current key.
  std::string Path() const {
    if (frames_.empty()) return "";
    const std::string& base = frames_.back().path;
    return base.empty() ? key_ : base + "." + key_;
  }

  std::vector<std::string>& out_;
  std::vector<Frame> frames_;
  std::vector<bool> in_array_;
  std::string key_, part_;
};

}  // namespace

std::vector<std::string> DuplicateKeys(std::string_view text, size_t max_depth) {
  std::vector<std::string> out;
  json::parse_options opts;
  opts.max_depth = max_depth;
  json::basic_parser<DuplicateKeyFinder> parser(opts, out);
  json::error_code ec;
  parser.write_some(false, text.data(), text.size(), ec);
  return out;
}

}  // namespace writ::detail
