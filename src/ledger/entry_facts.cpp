// File: src/ledger/entry_facts.cpp
#include "ledger/entry_facts.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <memory>

#include "ledger/canonical_json.hpp"

namespace writ::detail {
namespace {

using boost::system::error_code;
using JsonView = boost::json::string_view;

// The SAX handler: keeps the dotted path of the value being read and copies
// out the values a report asks for.
struct FactsHandler {
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  std::vector<std::string> wanted;  // "request.<attribute>"
  EntryFacts* out = nullptr;
  std::string path;              // of the value about to be read
  std::vector<size_t> lengths;   // path's length at each open container
  std::vector<char> containers;  // '{' or '['
  std::string key, text;         // parts of a key or string being read

  // Clears `f` keeping its buffers: a report reads millions of entries.
  void Start(EntryFacts& f) {
    out = &f;
    f.kind.clear();
    f.time.clear();
    f.effect.clear();
    f.obligations.clear();
    f.decision.reset();
    f.outcome.clear();
    f.items.clear();
    f.has_request = false;
    f.values.resize(wanted.size());
    for (auto& v : f.values) v.assign("(none)");
    path.clear();
    lengths.clear();
    containers.clear();
    key.clear();  // a previous entry that failed mid-key or mid-string left parts
    text.clear();
  }
  // A scalar (or a container's mark) at the current path. Compared as
  // string views (length first): most values are under "request.", which
  // only the wanted attributes match.
  void Value(std::string_view v, bool is_string) {
    using namespace std::string_view_literals;
    const std::string_view p = path;
    if (p.size() > 8 && p.substr(0, 8) == "request."sv) {
      for (size_t i = 0; i < wanted.size(); ++i) {
        if (wanted[i].size() == p.size() && wanted[i] == p) out->values[i] = v;
      }
      return;
    }
    if (containers.size() == 1) {  // top level
      if (p == "kind"sv)
        out->kind = v;
      else if (p == "time"sv)
        out->time = v;
      else if (p == "outcome"sv)
        out->outcome = v;
    } else if (p == "decision.effect"sv) {
      out->effect = v;
    } else if (p == "items[]"sv && is_string) {
      out->items.emplace_back(v);
    } else if (p == "decision.obligations[].name"sv && !out->obligations.empty()) {
      out->obligations.back().first = v;
    } else if (p == "decision.obligations[].argument"sv && is_string && !out->obligations.empty()) {
      out->obligations.back().second = v;
    }
  }
  void Open(char c) {
    using namespace std::string_view_literals;
    const std::string_view p = path;
    if (containers.size() == 1 && p == "request"sv) out->has_request = true;
    if (c == '{' && p == "decision.obligations[]"sv) out->obligations.emplace_back();
    if (!containers.empty() && p.size() > 8 && p.substr(0, 8) == "request."sv) {
      Value(c == '{' ? "{…}" : "[…]", false);
    }
    containers.push_back(c);
    lengths.push_back(path.size());
    if (c == '[') path += "[]";
  }
  void Close() {
    path.resize(lengths.back());
    lengths.pop_back();
    containers.pop_back();
  }
  // After a value inside an object, the path goes back to the object's.
  void AfterValue() {
    if (!containers.empty() && containers.back() == '{') path.resize(lengths.back());
  }

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_object_begin(error_code&) {
    Open('{');
    return true;
  }
  bool on_object_end(std::size_t, error_code&) {
    Close();
    AfterValue();
    return true;
  }
  bool on_array_begin(error_code&) {
    Open('[');
    return true;
  }
  bool on_array_end(std::size_t, error_code&) {
    Close();
    AfterValue();
    return true;
  }
  bool on_key_part(JsonView s, std::size_t, error_code&) {
    key.append(s.data(), s.size());
    return true;
  }
  bool on_key(JsonView s, std::size_t, error_code&) {
    key.append(s.data(), s.size());
    if (containers.size() > 1) path += '.';
    path += key;
    key.clear();
    return true;
  }
  bool on_string_part(JsonView s, std::size_t, error_code&) {
    text.append(s.data(), s.size());
    return true;
  }
  bool on_string(JsonView s, std::size_t, error_code&) {
    text.append(s.data(), s.size());
    Value(text, true);
    text.clear();
    AfterValue();
    return true;
  }
  bool on_number_part(JsonView, error_code&) { return true; }
  bool on_int64(std::int64_t i, JsonView, error_code&) {
    if (containers.size() == 1 && path == std::string_view("decision")) out->decision = i;
    Value(std::to_string(i), false);
    AfterValue();
    return true;
  }
  bool on_uint64(std::uint64_t u, JsonView, error_code&) {
    if (containers.size() == 1 && path == std::string_view("decision")) {
      out->decision = static_cast<std::int64_t>(u);
    }
    Value(std::to_string(u), false);
    AfterValue();
    return true;
  }
  bool on_double(double d, JsonView, error_code&) {
    std::string s;
    AppendEcmaScriptNumber(d, s);
    Value(s, false);
    AfterValue();
    return true;
  }
  bool on_bool(bool b, error_code&) {
    Value(b ? "true" : "false", false);
    AfterValue();
    return true;
  }
  bool on_null(error_code&) {
    AfterValue();  // null reads as absent: "(none)"
    return true;
  }
  bool on_comment_part(JsonView, error_code&) { return true; }
  bool on_comment(JsonView, error_code&) { return true; }
};

}  // namespace

struct EntryFactsReader::Parser {
  // The entries were checked when written and are checked by verify: the
  // report skips validating UTF-8 again.
  static boost::json::parse_options Options() {
    boost::json::parse_options o;
    o.allow_invalid_utf8 = true;
    return o;
  }
  boost::json::basic_parser<FactsHandler> p{Options()};
};

EntryFactsReader::EntryFactsReader(const std::vector<std::string>& attributes)
    : parser_(std::make_unique<Parser>()) {
  for (const auto& a : attributes) parser_->p.handler().wanted.push_back("request." + a);
}

EntryFactsReader::~EntryFactsReader() = default;

bool EntryFactsReader::Read(std::string_view body, EntryFacts& out) {
  auto& p = parser_->p;
  p.reset();
  p.handler().Start(out);
  error_code ec;
  const std::size_t n = p.write_some(false, body.data(), body.size(), ec);
  return !ec && n == body.size() && p.done();
}

}  // namespace writ::detail
