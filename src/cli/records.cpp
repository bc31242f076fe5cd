// File: src/cli/records.cpp
#include "cli/records.hpp"

#include <algorithm>
#include <boost/json/basic_parser_impl.hpp>

#include "absl/strings/str_cat.h"
#include "request/json_events.hpp"

namespace writ::cli {
namespace {

namespace json = boost::json;

// A handler that builds nothing: the parser finds where a value ends, and
// the handler notes the value's top-level "id" string on the way.
struct Extent : detail::IgnoreJsonEvents {
  int depth = 0;
  bool id_next = false;
  std::string key, id;
  bool on_object_begin(error_code&) { return ++depth, true; }
  bool on_object_end(size_t, error_code&) { return --depth, true; }
  bool on_key_part(string_view s, size_t, error_code&) {
    if (depth == 1) key.append(s.data(), s.size());
    return true;
  }
  bool on_key(string_view s, size_t, error_code&) {
    if (depth == 1) {
      key.append(s.data(), s.size());
      id_next = key == "id";
      key.clear();
    }
    return true;
  }
  bool on_string(string_view s, size_t, error_code&) {
    if (depth == 1 && id_next) id.assign(s.data(), s.size());
    id_next = false;
    return true;
  }
};

// The length of the one JSON value at the start of `text` (leading
// whitespace included), or the parser's error and where it stopped.
struct Scan {
  size_t length = 0;
  json::error_code error;
  std::string id;  // the value's top-level "id" string, if any
};
Scan ScanValue(std::string_view text) {
  json::parse_options opts;
  opts.max_depth = 64;
  json::basic_parser<Extent> parser(opts);
  Scan s;
  s.length = parser.write_some(true, text.data(), text.size(), s.error);
  s.id = std::move(parser.handler().id);
  if (!s.error && !parser.done()) {
    // Only the end of the input can end a number at the end of the input.
    parser.write_some(false, nullptr, 0, s.error);
    if (!s.error && !parser.done()) s.error = json::error::incomplete;
  }
  return s;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

class Splitter {
 public:
  Splitter(const std::string& name, std::string_view text) : name_(name), text_(text) {}

  std::vector<Record> Run() {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == '[') {
      Array();
      SkipSpace();
    }
    while (pos_ < text_.size()) {
      Value(absl::StrCat(name_, ":", line_));
      SkipSpace();
    }
    return std::move(out_);
  }

 private:
  void SkipSpace() {
    while (pos_ < text_.size() && IsSpace(text_[pos_])) {
      if (text_[pos_] == '\n') ++line_;
      ++pos_;
    }
  }
  // Moves past `n` characters, counting lines.
  void Advance(size_t n) {
    line_ += std::count(text_.begin() + pos_, text_.begin() + pos_ + n, '\n');
    pos_ += n;
  }
  size_t EndOfLine(size_t from) const {
    size_t eol = text_.find('\n', from);
    return eol == std::string_view::npos ? text_.size() : eol;
  }
  // After a malformed record: the next line whose first character starts
  // a record.
  void Resync(char opener) {
    size_t eol = EndOfLine(pos_);
    Advance(eol - pos_);
    while (pos_ < text_.size()) {
      Advance(1);  // the newline
      size_t first = pos_;
      while (first < text_.size() && (text_[first] == ' ' || text_[first] == '\t')) ++first;
      if (first < text_.size() && (text_[first] == opener || text_[first] == '{')) return;
      Advance(EndOfLine(pos_) - pos_);
    }
  }

  // One value at pos_ (a request, valid or not).
  void Value(std::string where) {
    const size_t start = pos_;
    const Scan whole = ScanValue(text_.substr(start));
    if (!whole.error) {
      out_.push_back({text_.substr(start, whole.length), std::move(where), "", whole.id});
      Advance(whole.length);
      return;
    }
    // Malformed. If the line alone fails and the next line starts a new
    // record, the line is a broken JSON Lines record: say what is wrong with
    // it; otherwise the record spans lines: say where it broke.
    const size_t eol = EndOfLine(start);
    const Scan line = ScanValue(text_.substr(start, eol - start));
    std::string why = line.error ? line.error.message() : whole.error.message();
    if (start + whole.length > eol) {
      size_t next = eol + 1;
      while (next < text_.size() && (text_[next] == ' ' || text_[next] == '\t')) ++next;
      const bool next_starts_record = next < text_.size() && text_[next] == '{';
      if (!next_starts_record || !line.error) {
        const size_t at = start + whole.length;
        const size_t at_line = line_ + std::count(text_.begin() + start,
                                                  text_.begin() + std::min(at, text_.size()), '\n');
        why = absl::StrCat(whole.error.message(), " (at line ", at_line, ")");
      }
    }
    out_.push_back({text_.substr(start, eol - start), std::move(where), why, ""});
    Resync('{');
  }

  // A top-level array: each element a record, "name[i]".
  void Array() {
    Advance(1);  // [
    for (size_t i = 0;; ++i) {
      SkipSpace();
      if (pos_ >= text_.size()) {
        out_.push_back(
            {{}, absl::StrCat(name_, "[", i, "]"), "incomplete JSON: the array has no ']'", ""});
        return;
      }
      if (text_[pos_] == ']') {
        Advance(1);
        return;
      }
      const size_t before = out_.size();
      Value(absl::StrCat(name_, "[", i, "]"));
      if (out_.size() > before && !out_.back().error.empty()) continue;  // resynced
      SkipSpace();
      if (pos_ < text_.size() && text_[pos_] == ',') Advance(1);
    }
  }

  const std::string& name_;
  std::string_view text_;
  size_t pos_ = 0;
  size_t line_ = 1;
  std::vector<Record> out_;
};

}  // namespace

std::vector<Record> SplitRecords(const std::string& name, std::string_view text) {
  return Splitter(name, text).Run();
}

}  // namespace writ::cli
