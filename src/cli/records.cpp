// File: src/cli/records.cpp
#include "cli/records.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json/basic_parser_impl.hpp>
#include <cerrno>
#include <cstring>

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
  bool on_string_part(string_view s, size_t, error_code&) {
    if (depth == 1 && id_next) id.append(s.data(), s.size());
    return true;
  }
  bool on_string(string_view s, size_t, error_code&) {
    if (depth == 1 && id_next) id.append(s.data(), s.size());
    id_next = false;
    return true;
  }
};

json::parse_options ScanOptions() {
  json::parse_options opts;
  opts.max_depth = 64;
  return opts;
}

// The parse of one JSON value fed in pieces: how many bytes it took, and
// the parser's error if it failed.
struct Scan {
  size_t length = 0;
  json::error_code error;
  std::string id;  // the value's top-level "id" string, if any
};

// One complete piece of text (a line on its own).
Scan ScanWhole(std::string_view text) {
  json::basic_parser<Extent> parser(ScanOptions());
  Scan s;
  s.length = parser.write_some(true, text.data(), text.size(), s.error);
  if (!s.error && !parser.done()) {
    // Only the end of the input can end a number at the end of the input.
    parser.write_some(false, nullptr, 0, s.error);
    if (!s.error && !parser.done()) s.error = json::error::incomplete;
  }
  return s;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

RecordReader::RecordReader(std::string name, int fd, size_t max_record_bytes, size_t chunk_bytes)
    : name_(std::move(name)),
      fd_(fd),
      max_(max_record_bytes),
      chunk_(std::max<size_t>(chunk_bytes, 1)) {}

bool RecordReader::More() {
  if (eof_) return false;
  if (buf_.size() - end_ < chunk_) {
    buf_.resize(std::max(end_ + chunk_, buf_.size() * 2));
    peak_ = std::max(peak_, buf_.size());
  }
  for (;;) {
    const ssize_t n = read(fd_, buf_.data() + end_, std::min(chunk_, buf_.size() - end_));
    if (n > 0) {
      end_ += static_cast<size_t>(n);
      return true;
    }
    if (n == 0) break;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      // A descriptor left non-blocking by whoever opened it: wait for data.
      pollfd p{fd_, POLLIN, 0};
      poll(&p, 1, -1);
      continue;
    }
    read_error_ = std::strerror(errno);
    break;
  }
  eof_ = true;
  return false;
}

bool RecordReader::Ensure(size_t until) {
  while (end_ < until)
    if (!More()) return false;
  return true;
}

void RecordReader::Compact() {
  if (pos_ == 0) return;
  std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
  end_ -= pos_;
  pos_ = 0;
  // A long record grew the buffer; give the memory back once it is gone.
  if (buf_.size() > 16 * chunk_ && end_ < chunk_) {
    buf_.resize(std::max(end_, chunk_));
    buf_.shrink_to_fit();
  }
}

char RecordReader::Peek() { return Ensure(pos_ + 1) ? buf_[pos_] : '\0'; }

bool RecordReader::AtEnd() { return !Ensure(pos_ + 1); }

void RecordReader::Advance(size_t n) {
  line_ += std::count(buf_.begin() + pos_, buf_.begin() + pos_ + n, '\n');
  pos_ += n;
}

void RecordReader::SkipSpace() {
  for (;;) {
    while (pos_ < end_ && IsSpace(buf_[pos_])) Advance(1);
    if (pos_ < end_) return;
    Compact();  // only spaces were consumed: nothing before pos_ is needed
    if (!More()) return;
  }
}

size_t RecordReader::LineEnd(size_t from) {
  for (size_t scanned = from;;) {
    const char* nl =
        static_cast<const char*>(std::memchr(buf_.data() + scanned, '\n', end_ - scanned));
    if (nl) return static_cast<size_t>(nl - buf_.data());
    scanned = end_;
    // A line longer than a record may be is cut there.
    if (end_ - from > max_ || !More()) return end_;
  }
}

void RecordReader::Resync(char opener) {
  // To the end of this line, dropping what is skipped as it goes.
  for (;;) {
    const char* nl = static_cast<const char*>(std::memchr(buf_.data() + pos_, '\n', end_ - pos_));
    if (nl) {
      Advance(static_cast<size_t>(nl - buf_.data()) - pos_);
      break;
    }
    pos_ = end_;  // no newline in it: the line count stands
    Compact();
    if (!More()) return;
  }
  // Then line by line to one whose first character starts a record.
  while (!AtEnd()) {
    Advance(1);  // the newline
    while (!AtEnd() && (buf_[pos_] == ' ' || buf_[pos_] == '\t')) {
      Advance(1);
      if (pos_ == end_) Compact();
    }
    if (AtEnd()) return;
    if (buf_[pos_] == opener || buf_[pos_] == '{') return;
    for (;;) {
      const char* nl = static_cast<const char*>(std::memchr(buf_.data() + pos_, '\n', end_ - pos_));
      if (nl) {
        Advance(static_cast<size_t>(nl - buf_.data()) - pos_);
        break;
      }
      pos_ = end_;
      Compact();
      if (!More()) return;
    }
  }
}

void RecordReader::Value(std::string where, Record& record) {
  record = Record{};
  record.where = std::move(where);
  const size_t start = pos_;
  // The value is fed to one parser as it is read, so a long record is
  // parsed once however many reads it takes.
  json::basic_parser<Extent> parser(ScanOptions());
  json::error_code error;
  size_t fed = start;
  for (;;) {
    if (fed < end_) {
      fed += parser.write_some(true, buf_.data() + fed, end_ - fed, error);
      if (error || parser.done()) break;
    }
    if (eof_) {
      // Only the end of the input can end a number at the end of the input.
      parser.write_some(false, nullptr, 0, error);
      if (!error && !parser.done()) error = json::error::incomplete;
      break;
    }
    if (end_ - start > max_) {
      record.error =
          absl::StrCat("the request is over ", max_, " bytes, the limit (--max-request-bytes)");
      Resync('{');
      return;
    }
    More();
  }
  if (!error) {
    // The parser takes the spaces after a value when they are at hand; the
    // record is the value alone, however the input was read.
    while (fed > start && IsSpace(buf_[fed - 1])) --fed;
    record.text = std::string_view(buf_.data() + start, fed - start);
    record.id = std::move(parser.handler().id);
    Advance(fed - start);
    return;
  }
  // Malformed. If the line alone fails and the next line starts a new
  // record, the line is a broken JSON Lines record: say what is wrong with
  // it; otherwise the record spans lines: say where it broke.
  const size_t stopped = fed;
  const size_t eol = LineEnd(start);
  const Scan line = ScanWhole(std::string_view(buf_.data() + start, eol - start));
  std::string why = line.error ? line.error.message() : error.message();
  if (stopped > eol) {
    size_t next = eol + 1;
    while (Ensure(next + 1) && (buf_[next] == ' ' || buf_[next] == '\t') &&
           next - start <= 2 * max_)
      ++next;
    const bool next_starts_record = Ensure(next + 1) && buf_[next] == '{';
    if (!next_starts_record || !line.error) {
      const size_t at_line =
          line_ + std::count(buf_.begin() + start, buf_.begin() + std::min(stopped, end_), '\n');
      why = absl::StrCat(error.message(), " (at line ", at_line, ")");
    }
  }
  record.error = "malformed JSON: " + why;
  Resync('{');
}

bool RecordReader::Next(Record& record) {
  // The previous record is done with: drop what is consumed once it is
  // most of the buffer (not after every record, which would move the rest
  // of the buffer each time).
  if (pos_ > end_ - pos_ || pos_ >= chunk_) Compact();
  if (!started_) {
    started_ = true;
    SkipSpace();
    if (Peek() == '[') {
      Advance(1);
      in_array_ = true;
    }
  }
  if (in_array_) {
    SkipSpace();
    // The comma after the previous element (read here, not after it: the
    // previous record's text lived in the buffer until this call).
    if (index_ > 0 && Peek() == ',') {
      Advance(1);
      SkipSpace();
    }
    if (AtEnd()) {
      in_array_ = false;
      record = Record{{},
                      absl::StrCat(name_, "[", index_, "]"),
                      "malformed JSON: incomplete JSON: the array has no ']'",
                      ""};
      return true;
    }
    if (Peek() != ']') {
      Value(absl::StrCat(name_, "[", index_++, "]"), record);
      return true;
    }
    Advance(1);
    in_array_ = false;
  }
  SkipSpace();
  if (AtEnd()) {
    if (!read_error_.empty()) {
      record = Record{{}, absl::StrCat(name_, ":", line_), "read error: " + read_error_, ""};
      read_error_.clear();
      return true;
    }
    return false;
  }
  Value(absl::StrCat(name_, ":", line_), record);
  return true;
}

}  // namespace writ::cli
