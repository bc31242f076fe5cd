// File: src/common/sha256.hpp (internal)
//
// SHA-256 through OpenSSL's EVP interface, hex-encoded: a policy's identity
// (its sources) and its meaning hash (its canonical form) are both digests
// of several pieces fed in turn.
#ifndef WRIT_SRC_COMMON_SHA256_HPP_
#define WRIT_SRC_COMMON_SHA256_HPP_

#include <memory>
#include <string>
#include <string_view>

namespace writ::detail {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(std::string_view bytes);
  // The digest of everything fed so far, as 64 lowercase hex digits. Ends
  // the computation: call once.
  std::string HexDigest();

 private:
  struct Context;
  std::unique_ptr<Context> ctx_;
};

}  // namespace writ::detail

#endif  // WRIT_SRC_COMMON_SHA256_HPP_
