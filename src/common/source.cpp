// File: src/common/source.cpp — line tables and positions of source files.
#include "writ/source.hpp"

#include <algorithm>

namespace writ {

Source::Source(std::string path, std::string text)
    : path_(std::move(path)), text_(std::move(text)) {
  line_starts_.push_back(0);
  // Lines end with \n, \r\n, or a \r alone (old Mac files): with each,
  // positions are the lines an editor shows.
  for (uint32_t i = 0; i < text_.size(); ++i) {
    const bool cr_alone = text_[i] == '\r' && (i + 1 == text_.size() || text_[i + 1] != '\n');
    if (text_[i] == '\n' || cr_alone) line_starts_.push_back(i + 1);
  }
}

std::pair<uint32_t, uint32_t> Source::LineColumn(uint32_t offset) const {
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  uint32_t line = static_cast<uint32_t>(it - line_starts_.begin());
  return {line, offset - line_starts_[line - 1] + 1};
}

std::string_view Source::Line(uint32_t line) const {
  if (line == 0 || line > line_starts_.size()) return {};
  uint32_t begin = line_starts_[line - 1];
  uint32_t end = line < line_starts_.size() ? line_starts_[line] : text_.size();
  std::string_view s(text_.data() + begin, end - begin);
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

uint32_t SourceSet::Add(std::string path, std::string text) {
  files_.emplace_back(std::move(path), std::move(text));
  return static_cast<uint32_t>(files_.size() - 1);
}

SourceLocation SourceSet::Locate(const SourceSpan& span) const {
  if (span.file >= files_.size()) return {};
  const Source& s = files_[span.file];
  auto [line, col] = s.LineColumn(span.offset);
  return {s.path(), line, col};
}

}  // namespace writ
