// File: src/api/replay.cpp
#include "writ/replay.hpp"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "api/policy_data.hpp"

namespace writ {
namespace {

// Which rules carry obligations: only decisions by such rules need their
// obligations compared (which allocates).
std::vector<bool> Obligated(const Policy& p) {
  const auto& rules = detail::PolicyAccess::Data(p).program.rules;
  std::vector<bool> out(rules.size());
  for (size_t i = 0; i < rules.size(); ++i) out[i] = !rules[i].obligations.empty();
  return out;
}

bool AnyObligated(const Decision& d, const std::vector<bool>& obligated) {
  for (uint32_t i : d.deciding_rule_indices())
    if (obligated[i]) return true;
  return false;
}

}  // namespace

// Transitions are counted by a compact key (no string per request) and put
// into words once per key, keys that read alike merged when listed.
struct ReplayTally::Counts {
  struct Side {
    Effect effect;
    bool open;
    uint64_t granted;
    std::vector<uint32_t> rules;  // decide the obligations
    bool operator<(const Side& o) const {
      return std::tie(effect, open, granted, rules) <
             std::tie(o.effect, o.open, o.granted, o.rules);
    }
  };
  struct Seen {
    size_t count = 0;
    std::string from, to;  // made on the key's first request
  };
  std::map<std::pair<Side, Side>, Seen> by_key;
  // The old policy's item i is the new policy's item_map[i] (-1: none).
  std::vector<int> item_map;
  std::vector<bool> old_obligated, new_obligated;

  uint64_t GrantedAsNew(uint64_t old_mask) const {
    uint64_t out = 0;
    for (size_t i = 0; i < item_map.size(); ++i)
      if (((old_mask >> i) & 1) && item_map[i] >= 0) out |= uint64_t{1} << item_map[i];
    return out;
  }
};

ReplayTally::ReplayTally(std::shared_ptr<const Policy> old_policy,
                         std::shared_ptr<const Policy> new_policy)
    : old_policy_(std::move(old_policy)),
      new_policy_(std::move(new_policy)),
      old_request_(old_policy_->NewRequest()),
      new_request_(new_policy_->NewRequest()),
      same_schema_(detail::RequestBinding::SameSchema(*old_policy_, *new_policy_)),
      counts_(std::make_unique<Counts>()) {
  const auto& old_items = old_policy_->item_names();
  const auto& new_items = new_policy_->item_names();
  counts_->item_map.assign(old_items.size(), -1);
  for (size_t i = 0; i < old_items.size(); ++i) {
    auto it = std::find(new_items.begin(), new_items.end(), old_items[i]);
    if (it != new_items.end()) counts_->item_map[i] = static_cast<int>(it - new_items.begin());
  }
  counts_->old_obligated = Obligated(*old_policy_);
  counts_->new_obligated = Obligated(*new_policy_);
}

ReplayTally::~ReplayTally() = default;
ReplayTally::ReplayTally(ReplayTally&&) noexcept = default;
ReplayTally& ReplayTally::operator=(ReplayTally&&) noexcept = default;

absl::Status ReplayTally::Add(std::string_view json) {
  last_changed_ = false;
  if (absl::Status s = old_policy_->ParseRequest(json, old_request_); !s.ok()) {
    ++malformed_;
    return s;
  }
  if (same_schema_ && old_request_.problems().empty()) {
    // One parse serves both: the schemas are the same, value for value.
    detail::RequestBinding::CopyValues(old_request_, new_request_);
  } else if (absl::Status s = new_policy_->ParseRequest(json, new_request_); !s.ok()) {
    ++malformed_;
    return s;
  }
  const Decision& a = old_decision_;
  const Decision& b = new_decision_;
  old_policy_->Decide(old_request_, old_decision_);
  new_policy_->Decide(new_request_, new_decision_);
  ++requests_;
  // Obligations come from deciding rules: compared (with allocation) only
  // when some rule decided.
  bool same = a.effect() == b.effect() && a.open() == b.open() &&
              counts_->GrantedAsNew(a.granted_mask()) == b.granted_mask();
  if (same && (AnyObligated(a, counts_->old_obligated) || AnyObligated(b, counts_->new_obligated)))
    same = a.obligations() == b.obligations();
  if (same) return absl::OkStatus();
  last_changed_ = true;
  ++changed_;
  using Side = Counts::Side;
  auto key =
      std::make_pair(Side{a.effect(),
                          a.open(),
                          a.granted_mask(),
                          {a.deciding_rule_indices().begin(), a.deciding_rule_indices().end()}},
                     Side{b.effect(),
                          b.open(),
                          b.granted_mask(),
                          {b.deciding_rule_indices().begin(), b.deciding_rule_indices().end()}});
  Counts::Seen& seen = counts_->by_key[std::move(key)];
  if (seen.count++ == 0) {
    seen.from = OutcomeWords(a);
    seen.to = OutcomeWords(b);
  }
  return absl::OkStatus();
}

std::vector<ReplayTally::Transition> ReplayTally::Transitions() const {
  std::map<std::pair<std::string, std::string>, size_t> merged;
  for (const auto& [key, seen] : counts_->by_key) merged[{seen.from, seen.to}] += seen.count;
  std::vector<Transition> out;
  out.reserve(merged.size());
  for (auto& [words, count] : merged) out.push_back({words.first, words.second, count});
  return out;
}

absl::Status ReplayTally::Merge(const ReplayTally& other) {
  if (other.old_policy_->sha256() != old_policy_->sha256() ||
      other.new_policy_->sha256() != new_policy_->sha256())
    return absl::InvalidArgumentError("the tallies replay different policies");
  for (const auto& [key, seen] : other.counts_->by_key) {
    Counts::Seen& mine = counts_->by_key[key];
    if (mine.count == 0) {
      mine.from = seen.from;
      mine.to = seen.to;
    }
    mine.count += seen.count;
  }
  requests_ += other.requests_;
  changed_ += other.changed_;
  malformed_ += other.malformed_;
  return absl::OkStatus();
}

std::string ReplayTally::OutcomeWords(const Decision& d) {
  if (d.open()) return "review (open)";
  std::string out(EffectName(d.effect()));
  if (d.effect() != Effect::kDeny)
    absl::StrAppend(&out, ", granted {", absl::StrJoin(d.granted(), ", "), "}");
  std::vector<std::string> ob;
  for (const Obligation& o : d.obligations()) ob.push_back(o.ToString());
  if (!ob.empty()) absl::StrAppend(&out, "; obligations ", absl::StrJoin(ob, ", "));
  return out;
}

}  // namespace writ
