// File: source.hpp
//
// A policy is read from one or more source files. `Source` holds one file's
// name and text; `SourceSpan` is a range of it that diagnostics and
// explanations point at. Spans are plain offsets, so they stay valid while the
// `SourceSet` that owns the texts is alive.
//
// Example:
//   writ::SourceSet sources;
//   uint32_t id = sources.Add("inline.writ", "rule r { then deny \"no\" }");
//   writ::SourceLocation loc = sources.Locate({id, 5, 1});  // line 1, column 6
#ifndef WRIT_SOURCE_HPP_
#define WRIT_SOURCE_HPP_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "writ/export.hpp"

namespace writ {

// A range of bytes in one source file.
struct SourceSpan {
  uint32_t file = 0;    // index into the SourceSet
  uint32_t offset = 0;  // byte offset of the first character
  uint32_t length = 0;  // in bytes; 0 for a point
};

// A human position: 1-based line and column (columns count bytes).
struct SourceLocation {
  std::string path;
  uint32_t line = 0;
  uint32_t column = 0;
};

// One loaded file: its path as the user named it, its text and where its
// lines begin.
class WRIT_API Source {
 public:
  Source(std::string path, std::string text);
  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }
  // The 1-based line and column of `offset`.
  std::pair<uint32_t, uint32_t> LineColumn(uint32_t offset) const;
  // The text of 1-based line `line`, without its newline.
  std::string_view Line(uint32_t line) const;

 private:
  std::string path_;
  std::string text_;
  std::vector<uint32_t> line_starts_;
};

// Every file of one policy, in load order (the root first).
class WRIT_API SourceSet {
 public:
  uint32_t Add(std::string path, std::string text);
  const Source& at(uint32_t id) const { return files_[id]; }
  size_t size() const { return files_.size(); }
  SourceLocation Locate(const SourceSpan& span) const;

 private:
  std::vector<Source> files_;
};

}  // namespace writ

#endif  // WRIT_SOURCE_HPP_
