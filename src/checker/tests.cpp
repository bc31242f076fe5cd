// File: src/checker/tests.cpp
//
// Test blocks: given values, given files and expectations.
#include <algorithm>
#include <functional>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "checker/checker_impl.hpp"
#include "common/names.hpp"

namespace writ::detail {

void Checker::CheckTests() {
  for (uint32_t f = 0; f < ast_.files.size(); ++f) {
    for (auto& t : ast_.files[f].tests) {
      for (auto& g : t.given) {
        auto it = m_.schema.attr_by_path.find(g.path.name);
        if (it == m_.schema.attr_by_path.end()) {
          Error(g.path.span, "unknown-attribute",
                absl::StrCat("unknown attribute '", g.path.name, "'"),
                NearestName(g.path.name, AttrNames()));
          continue;
        }
        Type want = AttrType(m_.schema.attrs[it->second]);
        Type got = Infer(g.value, want);
        if (got.kind != TypeKind::kError) {
          if (g.value.kind == ExprKind::kName && g.value.ref == NameRef::kAttribute) {
            Error(g.value.span, "given-not-constant",
                  "a test gives constant values, not attributes");
          } else {
            Expect(g.value, got, want, absl::StrCat("value of '", g.path.name, "'").c_str());
          }
        }
      }
      for (auto& x : t.expects) {
        switch (x.kind) {
          case ExpectKind::kEffect:
            for (auto& n : x.names) {
              bool found = false;
              std::vector<std::string> names;
              for (auto& cr : m_.rules) {
                found |= cr.decl->name.name == n.name;
                names.push_back(cr.decl->name.name);
              }
              if (!found && !broken_rules_.count(n.name))
                Error(n.span, "unknown-rule", absl::StrCat("unknown rule '", n.name, "'"),
                      NearestName(n.name, names));
            }
            break;
          case ExpectKind::kGranted:
          case ExpectKind::kWithheld:
            if (m_.items_enum < 0) {
              Error(x.span, "expect-without-items",
                    "'expect granted/withheld' needs the policy to declare 'items'");
              break;
            }
            for (auto& n : x.names) {
              const EnumInfo& en = m_.schema.enums[m_.items_enum];
              if (!en.index.count(n.name))
                Error(n.span, "unknown-member",
                      absl::StrCat("'", n.name, "' is not a member of enum '", en.name, "'"),
                      NearestName(n.name, en.members));
            }
            break;
          case ExpectKind::kMissing:
            for (auto& n : x.names) {
              if (!m_.schema.attr_by_path.count(n.name))
                Error(n.span, "unknown-attribute", absl::StrCat("unknown attribute '", n.name, "'"),
                      NearestName(n.name, AttrNames()));
            }
            break;
          case ExpectKind::kObligation:
          case ExpectKind::kNoObligation: {
            // An expectation about an obligation no rule has could never
            // fail (or never pass): it is a typo.
            std::vector<std::string> names, arguments;
            const std::string& want = x.names[0].name;
            for (auto& cr : m_.rules)
              for (auto& o : cr.decl->obligations) {
                names.push_back(o.name.name);
                if (o.name.name == want) arguments.push_back(o.argument ? o.argument->value : "");
              }
            if (std::find(names.begin(), names.end(), want) == names.end()) {
              Error(x.names[0].span, "unknown-obligation",
                    absl::StrCat("no rule has obligation '", want, "'"), NearestName(want, names));
            } else if (x.argument && std::find(arguments.begin(), arguments.end(),
                                               x.argument->value) == arguments.end()) {
              std::string near = NearestName(x.argument->value, arguments);
              Error(x.argument->span, "unknown-obligation",
                    absl::StrCat("no rule has obligation ", want, "(\"", x.argument->value, "\")"),
                    near.empty() ? "" : absl::StrCat(want, "(\"", near, "\")"));
            }
            break;
          }
        }
      }
      m_.tests.push_back({&t, f});
    }
  }
}

}  // namespace writ::detail
