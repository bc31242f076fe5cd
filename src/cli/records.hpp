// File: src/cli/records.hpp
//
// The requests of one input, as `writ eval` reads them: a single JSON
// object, a top-level array of objects (each element a request), JSON Lines,
// or objects one after another, pretty-printed over several lines or not.
//
// The input is streamed record by record from a file descriptor, so memory
// stays flat however long the input is: only the record being read is held,
// and a record longer than a limit is an error for that record alone. A
// record that does not parse is reported with its place and the reading goes
// on at the next line that starts a record, so one bad request loses nothing
// else.
#ifndef WRIT_SRC_CLI_RECORDS_HPP_
#define WRIT_SRC_CLI_RECORDS_HPP_

#include <cstddef>
#include <string>
#include <string_view>

namespace writ::cli {

struct Record {
  std::string_view text;  // the record's JSON text; valid until the next Next()
  std::string where;      // "file:line", or "file[i]" for an array element
  std::string error;      // non-empty: the record is malformed (or too long), and why
  std::string id;         // its top-level "id" string, if it has one
};

class RecordReader {
 public:
  // Reads `fd` (not owned; a file, a pipe or standard input) named `name`
  // in messages. A record longer than `max_record_bytes` is an error.
  // `chunk_bytes` is how much one read() asks for (tests use 1).
  RecordReader(std::string name, int fd, size_t max_record_bytes, size_t chunk_bytes = 1 << 16);

  // The next record, or false at the end of the input. A read error ends
  // the input with a record whose error says so.
  bool Next(Record& record);

  // The most bytes held at once so far (the flat-memory claim, tested).
  size_t peak_buffer_bytes() const { return peak_; }

 private:
  // Reading: buf_[pos_, end_) is read and not yet consumed.
  bool More();                // reads one chunk; false at the end (or on an error)
  bool Ensure(size_t until);  // buf_ holds bytes up to `until` (or the input ended)
  void Compact();             // drops the consumed prefix
  char Peek();                // the next byte, or 0 at the end
  bool AtEnd();
  void Advance(size_t n);  // past n bytes, counting lines
  void SkipSpace();
  size_t LineEnd(size_t from);  // the next '\n' at or after `from`, or the end of what can be held
  void Resync(char opener);     // to the next line that starts a record

  void Value(std::string where, Record& record);  // one value at pos_

  std::string name_;
  int fd_;
  size_t max_;
  size_t chunk_;
  std::string buf_;
  size_t pos_ = 0, end_ = 0;
  size_t line_ = 1;
  bool eof_ = false;
  std::string read_error_;
  bool started_ = false, in_array_ = false;
  size_t index_ = 0;
  size_t peak_ = 0;
};

}  // namespace writ::cli

#endif  // WRIT_SRC_CLI_RECORDS_HPP_
