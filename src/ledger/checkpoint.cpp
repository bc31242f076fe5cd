// File: src/ledger/checkpoint.cpp
#include "ledger/checkpoint.hpp"

#include <openssl/evp.h>

#include <charconv>
#include <memory>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/schema.hpp"

namespace writ::detail {
namespace {

constexpr unsigned char kEd25519 = 0x01;             // signed-note's algorithm byte
constexpr std::string_view kDash = "\xe2\x80\x94 ";  // "— "

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

bool ValidName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (c == '+' || absl::ascii_isspace(static_cast<unsigned char>(c)) ||
        static_cast<unsigned char>(c) < 0x21) {
      return false;
    }
  }
  return true;
}

std::string KeyId(std::string_view name, std::string_view public_key) {
  std::string in = absl::StrCat(AV(name), "\n");
  in += static_cast<char>(kEd25519);
  in += public_key;
  const Hash h = Sha256Of(in);
  return std::string(reinterpret_cast<const char*>(h.data()), 4);
}

std::string HexOf(std::string_view bytes) { return absl::BytesToHexString(AV(bytes)); }

struct ParsedKey {
  std::string name;
  std::string id;   // 4 bytes
  std::string key;  // 32 bytes: the seed or the public key
};

// "<name>+<id hex>+<base64(0x01 || key)>", the fields after any prefix.
absl::StatusOr<ParsedKey> ParseKey(std::string_view text, std::string_view what) {
  const absl::string_view t = absl::StripAsciiWhitespace(AV(text));
  // The key's base64 may hold '+': the name and the id are the first two fields.
  std::vector<std::string> parts = absl::StrSplit(t, absl::MaxSplits('+', 2));
  auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("not a ", AV(what), " key: ", AV(why)));
  };
  if (parts.size() != 3) return bad("expected name+id+key");
  ParsedKey k;
  k.name = parts[0];
  if (!ValidName(k.name)) return bad("the name is empty or has '+' or white space");
  if (parts[1].size() != 8 || parts[1].find_first_not_of("0123456789abcdef") != std::string::npos) {
    return bad("the key id is not 8 lowercase hex digits");
  }
  const std::string id = absl::HexStringToBytes(parts[1]);
  std::string raw;
  if (!absl::Base64Unescape(parts[2], &raw) || raw.size() != 33 ||
      static_cast<unsigned char>(raw[0]) != kEd25519) {
    return bad("the key is not an Ed25519 key in base64");
  }
  k.id = id;
  k.key = raw.substr(1);
  return k;
}

absl::StatusOr<ParsedKey> ParseSigner(std::string_view text) {
  constexpr std::string_view kPrefix = "PRIVATE+KEY+";
  const absl::string_view stripped = absl::StripAsciiWhitespace(AV(text));
  const std::string_view t(stripped.data(), stripped.size());
  if (t.substr(0, kPrefix.size()) != kPrefix) {
    return absl::InvalidArgumentError("not a signing key: it does not start with PRIVATE+KEY+");
  }
  return ParseKey(t.substr(kPrefix.size()), "signing");
}

std::string PublicOf(EVP_PKEY* key) {
  unsigned char pub[32];
  size_t len = sizeof pub;
  EVP_PKEY_get_raw_public_key(key, pub, &len);
  return std::string(reinterpret_cast<const char*>(pub), len);
}

std::string NoteBody(const CheckpointBody& body) {
  return absl::StrCat(body.origin, "\n", body.size, "\n",
                      absl::Base64Escape(absl::string_view(
                          reinterpret_cast<const char*>(body.root.data()), body.root.size())),
                      "\n");
}

}  // namespace

absl::StatusOr<KeyPair> GenerateKey(std::string_view name) {
  if (!ValidName(name)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a key name must be non-empty, with no '+' and no white space: '", AV(name), "'"));
  }
  EVP_PKEY* raw = nullptr;
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
  const bool ok = ctx && EVP_PKEY_keygen_init(ctx) == 1 && EVP_PKEY_keygen(ctx, &raw) == 1;
  EVP_PKEY_CTX_free(ctx);
  if (!ok) return absl::InternalError("OpenSSL could not generate an Ed25519 key");
  Pkey key(raw);
  unsigned char seed[32];
  size_t len = sizeof seed;
  EVP_PKEY_get_raw_private_key(key.get(), seed, &len);
  const std::string pub = PublicOf(key.get());
  const std::string id = KeyId(name, pub);
  std::string priv_raw(1, static_cast<char>(kEd25519));
  priv_raw.append(reinterpret_cast<const char*>(seed), len);
  std::string pub_raw(1, static_cast<char>(kEd25519));
  pub_raw += pub;
  KeyPair pair;
  pair.signer =
      absl::StrCat("PRIVATE+KEY+", AV(name), "+", HexOf(id), "+", absl::Base64Escape(priv_raw));
  pair.verifier = absl::StrCat(AV(name), "+", HexOf(id), "+", absl::Base64Escape(pub_raw));
  return pair;
}

absl::StatusOr<std::string> SignCheckpoint(const CheckpointBody& body, std::string_view signer) {
  absl::StatusOr<ParsedKey> k = ParseSigner(signer);
  if (!k.ok()) return k.status();
  Pkey key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                        reinterpret_cast<const unsigned char*>(k->key.data()), 32));
  if (!key) return absl::InvalidArgumentError("the signing key is not a valid Ed25519 key");
  if (KeyId(k->name, PublicOf(key.get())) != k->id) {
    return absl::InvalidArgumentError("the signing key's id does not match its key");
  }
  if (body.origin.empty() || body.origin.find('\n') != std::string::npos) {
    return absl::InvalidArgumentError("a checkpoint's origin is one non-empty line");
  }
  const std::string text = NoteBody(body);
  unsigned char sig[64];
  size_t sig_len = sizeof sig;
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  const bool ok =
      EVP_DigestSignInit(md, nullptr, nullptr, nullptr, key.get()) == 1 &&
      EVP_DigestSign(md, sig, &sig_len, reinterpret_cast<const unsigned char*>(text.data()),
                     text.size()) == 1;
  EVP_MD_CTX_free(md);
  if (!ok) return absl::InternalError("OpenSSL could not sign the checkpoint");
  std::string blob = k->id;
  blob.append(reinterpret_cast<const char*>(sig), sig_len);
  return absl::StrCat(text, "\n", AV(kDash), k->name, " ", absl::Base64Escape(blob), "\n");
}

absl::StatusOr<CheckpointBody> VerifyCheckpoint(std::string_view text, std::string_view verifier) {
  absl::StatusOr<ParsedKey> k = ParseKey(verifier, "verifier");
  if (!k.ok()) return k.status();
  Pkey key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                       reinterpret_cast<const unsigned char*>(k->key.data()), 32));
  if (!key || KeyId(k->name, k->key) != k->id) {
    return absl::InvalidArgumentError("the verifier key's id does not match its key");
  }
  const size_t split = text.find("\n\n");
  if (split == std::string_view::npos) {
    return absl::InvalidArgumentError("not a signed checkpoint: no blank line before signatures");
  }
  const std::string_view body_text = text.substr(0, split + 1);
  std::vector<std::string> lines =
      absl::StrSplit(AV(body_text.substr(0, body_text.size() - 1)), '\n');
  if (lines.size() < 3) {
    return absl::InvalidArgumentError(
        "not a checkpoint: expected the origin, the size and the root hash, one a line");
  }
  CheckpointBody body;
  body.origin = std::string(lines[0]);
  const std::string& size_text = lines[1];
  auto [end, ec] =
      std::from_chars(size_text.data(), size_text.data() + size_text.size(), body.size);
  if (ec != std::errc() || end != size_text.data() + size_text.size() || size_text.empty() ||
      (size_text.size() > 1 && size_text[0] == '0')) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a checkpoint: the tree size '", size_text, "' is not a decimal number"));
  }
  std::string root;
  if (!absl::Base64Unescape(lines[2], &root) || root.size() != 32) {
    return absl::InvalidArgumentError("not a checkpoint: the root hash is not 32 bytes in base64");
  }
  std::copy(root.begin(), root.end(), body.root.begin());

  // The signature lines: find the one by this key; check it.
  std::string_view rest = text.substr(split + 2);
  bool saw_key = false;
  for (const std::string& line : std::vector<std::string>(absl::StrSplit(AV(rest), '\n'))) {
    if (line.empty()) continue;
    if (std::string_view(line).substr(0, kDash.size()) != kDash) {
      return absl::InvalidArgumentError(
          "not a signed checkpoint: a signature line must start "
          "with an em dash and a space");
    }
    std::vector<std::string> f = absl::StrSplit(line.substr(kDash.size()), ' ');
    std::string blob;
    if (f.size() != 2 || !absl::Base64Unescape(f[1], &blob) || blob.size() < 5) {
      return absl::InvalidArgumentError("not a signed checkpoint: a malformed signature line");
    }
    if (f[0] != k->name || blob.substr(0, 4) != k->id) continue;
    saw_key = true;
    if (blob.size() != 68) continue;
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    const bool ok = EVP_DigestVerifyInit(md, nullptr, nullptr, nullptr, key.get()) == 1 &&
                    EVP_DigestVerify(md, reinterpret_cast<const unsigned char*>(blob.data() + 4),
                                     64, reinterpret_cast<const unsigned char*>(body_text.data()),
                                     body_text.size()) == 1;
    EVP_MD_CTX_free(md);
    if (ok) return body;
  }
  if (!saw_key) {
    return absl::PermissionDeniedError(
        absl::StrCat("the checkpoint carries no signature by the key '", k->name, "' (id ",
                     HexOf(k->id), "): it was signed by another key"));
  }
  return absl::PermissionDeniedError(absl::StrCat("the checkpoint's signature by '", k->name,
                                                  "' does not verify: the text was changed"));
}

}  // namespace writ::detail
