// File: detail/index_list.hpp (not API)
//
// A list of rule or attribute indices, inline up to four (a decision's
// deciding rules and missing attributes), on the heap past that. Unlike a
// general small vector it can take up to four entries at once without a
// branch on how many, which keeps a decision's hot path free of branches
// that depend on the request.
#ifndef WRIT_INDEX_LIST_HPP_
#define WRIT_INDEX_LIST_HPP_

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>

namespace writ::detail {

class IndexList {
 public:
  static constexpr uint32_t kInline = 4;

  IndexList() = default;
  IndexList(const IndexList& other) { *this = other; }
  IndexList& operator=(const IndexList& other) {
    if (this != &other) {
      clear();
      for (uint32_t i : other) push_back(i);
    }
    return *this;
  }
  IndexList(IndexList&& other) noexcept { *this = std::move(other); }
  IndexList& operator=(IndexList&& other) noexcept {
    if (this != &other) {
      std::memcpy(inline_, other.inline_, sizeof inline_);
      size_ = other.size_;
      cap_ = other.cap_;
      heap_ = std::move(other.heap_);
      other.size_ = 0;
      other.cap_ = kInline;
    }
    return *this;
  }

  uint32_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const uint32_t* data() const { return heap_ ? heap_.get() : inline_; }
  uint32_t* data() { return heap_ ? heap_.get() : inline_; }
  const uint32_t* begin() const { return data(); }
  const uint32_t* end() const { return data() + size_; }
  uint32_t* begin() { return data(); }
  uint32_t* end() { return data() + size_; }
  uint32_t operator[](uint32_t i) const { return data()[i]; }

  // Empties the list; keeps any heap capacity.
  void clear() { size_ = 0; }

  void push_back(uint32_t i) {
    if (size_ == cap_) Grow();
    data()[size_++] = i;
  }

  template <typename It>
  void assign(It first, It last) {
    clear();
    for (; first != last; ++first) push_back(static_cast<uint32_t>(*first));
  }

  // The list becomes ids[0, n), n <= kInline; `ids` has kInline entries,
  // all copied whatever n is.
  void SetSmall(const uint32_t* ids, uint32_t n) {
    if (heap_) {
      std::copy(ids, ids + kInline, heap_.get());
    } else {
      std::memcpy(inline_, ids, sizeof inline_);
    }
    size_ = n;
  }

 private:
  void Grow() {
    const uint32_t cap = cap_ * 2;
    auto bigger = std::make_unique<uint32_t[]>(cap);
    std::copy(begin(), end(), bigger.get());
    heap_ = std::move(bigger);
    cap_ = cap;
  }

  uint32_t inline_[kInline] = {};
  uint32_t size_ = 0;
  uint32_t cap_ = kInline;
  std::unique_ptr<uint32_t[]> heap_;  // the entries, once past kInline
};

}  // namespace writ::detail

#endif  // WRIT_INDEX_LIST_HPP_
