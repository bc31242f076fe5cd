// File: src/ledger/entries.cpp
#include "ledger/entries.hpp"

#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "api/json_render.hpp"
#include "ledger/canonical_json.hpp"

namespace writ::detail {

std::string NowRfc3339() {
  return absl::FormatTime("%Y-%m-%d%ET%H:%M:%E6SZ", absl::Now(), absl::UTCTimeZone());
}

std::vector<std::string> Redact(boost::json::value& request, const std::vector<std::string>& paths,
                                std::string_view salt) {
  std::vector<std::string> done;
  for (const std::string& path : paths) {
    boost::json::value* at = &request;
    for (const std::string& part : std::vector<std::string>(absl::StrSplit(path, '.'))) {
      boost::json::object* o = at->if_object();
      if (!o) {
        at = nullptr;
        break;
      }
      auto it = o->find(boost::json::string_view(part.data(), part.size()));
      at = it == o->end() ? nullptr : &it->value();
      if (!at) break;
    }
    if (!at) continue;
    std::string salted(salt);
    AppendCanonicalJson(*at, salted);
    *at = "sha256:" + ToHex(Sha256Of(salted));
    done.push_back(path);
  }
  return done;
}

boost::json::object DecisionEntry(std::string_view request_json, const Decision& d,
                                  const std::vector<std::string>& redact, std::string_view salt,
                                  std::string_view time, const boost::json::storage_ptr& sp) {
  boost::json::object e(sp);
  e["kind"] = kDecisionKind;
  e["time"] = time;
  boost::system::error_code ec;
  boost::json::value request = boost::json::parse(
      boost::json::string_view(request_json.data(), request_json.size()), ec, sp);
  if (ec) {
    // Not JSON (it was decided fail-safe): its digest proves what came in
    // without keeping bytes that may hold anything.
    e["request_sha256"] = ToHex(Sha256Of(request_json));
  } else {
    std::vector<std::string> done = Redact(request, redact, salt);
    e["request"] = std::move(request);
    boost::json::array names;
    for (const auto& n : done) names.emplace_back(n);
    e["redacted"] = std::move(names);
  }
  e["decision"] = DecisionObject(d, {}, {}, false);
  return e;
}

boost::json::object ResolutionEntry(const Resolution& r, std::string_view time,
                                    std::optional<std::uint64_t> corrects) {
  boost::json::object e;
  e["kind"] = corrects ? kCorrectionKind : kResolutionKind;
  e["time"] = time;
  e["decision"] = r.decision;
  if (corrects) {
    e["corrects"] = *corrects;
    e["reason"] = r.reason;
  }
  e["outcome"] = r.disclosed ? "disclosed" : "refused";
  boost::json::array items;
  for (const auto& i : r.items) items.emplace_back(i);
  e["items"] = std::move(items);
  e["by"] = r.by;
  e["note"] = r.note;
  return e;
}

std::string_view JsonText(const boost::json::object& o, std::string_view key) {
  auto it = o.find(boost::json::string_view(key.data(), key.size()));
  if (it == o.end() || !it->value().is_string()) return {};
  const auto& s = it->value().get_string();
  return {s.data(), s.size()};
}

std::optional<std::int64_t> JsonInt(const boost::json::object& o, std::string_view key) {
  auto it = o.find(boost::json::string_view(key.data(), key.size()));
  if (it == o.end()) return std::nullopt;
  if (it->value().is_int64()) return it->value().get_int64();
  if (it->value().is_uint64()) return static_cast<std::int64_t>(it->value().get_uint64());
  return std::nullopt;
}

std::string Seal(boost::json::object entry, std::uint64_t seq, const Hash& prev_root) {
  entry["seq"] = seq;
  entry["prev"] = ToHex(prev_root);
  return CanonicalJson(entry);
}

}  // namespace writ::detail
