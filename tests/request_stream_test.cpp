// The streaming request parse against the document parse: on every request
// the stream takes, both give the same request; whenever the document parse
// would report a problem (or fail), the stream gives up and Policy::ParseRequest
// answers as the document parse does. Requests are generated with the
// mutations that tell the two apart: wrong kinds, unknown members, nulls,
// undeclared fields of every shape, keys given twice, escapes, a top level
// that is not an object, truncated text.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <random>

#include "api/policy_data.hpp"
#include "request/request_access.hpp"
#include "request/request_json.hpp"
#include "testing/helpers.hpp"

namespace writ {
namespace {

namespace json = boost::json;

// Everything a request holds, as text, for comparison.
std::string Dump(const Policy& p, const Request& r) {
  std::string out;
  const detail::Schema& schema = detail::PolicyAccess::Data(p).model.schema;
  for (uint32_t i = 0; i < p.attribute_count(); ++i) {
    out += p.attribute_path(i);
    if (!r.present(i)) {
      out += " missing\n";
      continue;
    }
    detail::Value v = detail::RequestAccess::Get(r, schema, i);
    out += " = " + std::to_string(v.b) + "/" + std::to_string(v.i) + "/" + std::to_string(v.mask) +
           "/" + v.s;
    for (const auto& s : v.strs) out += "," + s;
    out += "\n";
  }
  for (const auto& q : r.problems()) out += "problem " + q.attribute + ": " + q.message + "\n";
  return out;
}

// A value of the wrong kind, or an odd one, for any attribute.
json::value Odd(std::mt19937_64& rng) {
  switch (rng() % 9) {
    case 0:
      return nullptr;
    case 1:
      return 3.5;
    case 2:
      return json::value(18446744073709551615ull);
    case 3:
      return json::array{"x", 1};
    case 4:
      return json::object{{"a", 1}};
    case 5:
      return "not-a-member";
    case 6:
      return true;
    case 7:
      return -4;
    default:
      return "2024-02-30";
  }
}

// A valid value for attribute `i`.
json::value Valid(const Policy& p, uint32_t i, std::mt19937_64& rng) {
  const detail::Schema& schema = detail::PolicyAccess::Data(p).model.schema;
  const detail::AttrInfo& a = schema.attrs[i];
  switch (a.type) {
    case AttributeType::kBool:
      return rng() % 2 == 0;
    case AttributeType::kInt:
      return static_cast<int64_t>(rng() % 20) - 5;
    case AttributeType::kString:
      return rng() % 2 ? "DE" : "x";
    case AttributeType::kDate:
      return rng() % 2 ? "2024-10-02" : "2025-01-01";
    case AttributeType::kEnum: {
      const auto& m = schema.enums[a.enum_id].members;
      return json::string(m[rng() % m.size()]);
    }
    case AttributeType::kEnumSet: {
      const auto& m = schema.enums[a.enum_id].members;
      json::array arr;
      for (int k = 0, n = rng() % 3; k < n; ++k) arr.emplace_back(m[rng() % m.size()]);
      return arr;
    }
    case AttributeType::kStringSet:
      return json::array{"x", "y"};
  }
  return nullptr;
}

// Sets `path` (dotted) in `root` to `v`, creating objects on the way.
void Put(json::object& root, const std::string& path, json::value v) {
  json::object* o = &root;
  size_t start = 0;
  for (size_t dot; (dot = path.find('.', start)) != std::string::npos; start = dot + 1) {
    json::value& next = (*o)[path.substr(start, dot - start)];
    if (!next.is_object()) next = json::object{};
    o = &next.get_object();
  }
  (*o)[path.substr(start)] = std::move(v);
}

std::string Generate(const Policy& p, std::mt19937_64& rng) {
  json::object root;
  for (uint32_t i = 0; i < p.attribute_count(); ++i) {
    const int roll = rng() % 100;
    if (roll < 10) continue;
    Put(root, p.attribute_path(i), roll < 14 ? Odd(rng) : Valid(p, i, rng));
  }
  if (rng() % 4 == 0) root["undeclared"] = json::object{{"deep", json::array{1, {{"x", nullptr}}}}};
  if (rng() % 6 == 0) root["requester"] = rng() % 2 ? json::value(nullptr) : json::value(7);
  std::string text = json::serialize(root);
  switch (rng() % 12) {
    case 0:  // a key given twice
      if (text.size() > 2) text.insert(1, "\"received\": \"2024-01-01\", ");
      break;
    case 1:  // escapes
      for (size_t at; (at = text.find("_")) != std::string::npos;) text.replace(at, 1, "\\u005F");
      break;
    case 2:
      text = "  \n" + text + " \n";
      break;
    case 3:
      text = "[" + text + "]";
      break;
    case 4:
      text = text.substr(0, rng() % (text.size() + 1));
      break;
    case 5:
      text += " {}";
      break;
    case 6:  // a top level that is not an object
      text = std::vector<std::string>{"true", "null", "7", "-1", "2.5", "\"x\"", "[]"}[rng() % 7];
      break;
    default:
      break;
  }
  return text;
}

void CheckAgreement(const Policy& p, uint64_t seed, int n, int& streamed, int& fell_back) {
  std::mt19937_64 rng(seed);
  Request by_stream = p.NewRequest(), by_document = p.NewRequest(), by_api = p.NewRequest();
  for (int k = 0; k < n; ++k) {
    const std::string text = Generate(p, rng);
    const bool stream_ok =
        detail::ParseRequestStreaming(detail::PolicyAccess::Data(p).model.schema,
                                      detail::PolicyAccess::Data(p).json, text, by_stream,
                                      /*undeclared_are_problems=*/false);
    const absl::Status doc = detail::ParseRequestDocument(
        detail::PolicyAccess::Data(p).model.schema, detail::PolicyAccess::Data(p).json, text,
        by_document, {false, p.name()});
    const absl::Status api = p.ParseRequest(text, by_api);
    ASSERT_EQ(api, doc) << text;
    if (doc.ok()) {
      ASSERT_EQ(Dump(p, by_api), Dump(p, by_document)) << text;
    }
    if (stream_ok) {
      ++streamed;
      ASSERT_TRUE(doc.ok()) << text;
      ASSERT_TRUE(by_document.problems().empty()) << text;
      ASSERT_EQ(Dump(p, by_stream), Dump(p, by_document)) << text;
    } else {
      ++fell_back;
    }
  }
}

TEST(RequestStreamTest, AgreesWithTheDocumentParseOnTheCorpusSchema) {
  int streamed = 0, fell_back = 0;
  CheckAgreement(*testing::Telegram(), 1, 4000, streamed, fell_back);
  // Both paths were taken often.
  EXPECT_GT(streamed, 500);
  EXPECT_GT(fell_back, 500);
}

TEST(RequestStreamTest, AgreesWithTheDocumentParseOnEveryAttributeType) {
  auto p = testing::LoadOrDie(R"(
    enum Color { red, green, blue }
    attr flag : bool
    attr n : int
    attr name : string
    attr day : date
    attr color : Color
    attr colors : set<Color>
    attr tags : set<string>
    attr a.b.c : int
    policy p { combine deny_overrides default deny "d" }
    rule r { when flag and n > 1 and color == red and a.b.c == 2 then allow "m" })");
  ASSERT_NE(p, nullptr);
  int streamed = 0, fell_back = 0;
  CheckAgreement(*p, 2, 4000, streamed, fell_back);
  EXPECT_GT(streamed, 100);
  EXPECT_GT(fell_back, 500);
}

TEST(RequestStreamTest, TakesWellFormedRequestsWithoutTheDocument) {
  auto p = testing::Telegram();
  Request r = p->NewRequest();
  // Escapes, an undeclared field of every shape, null for missing.
  EXPECT_TRUE(detail::ParseRequestStreaming(
      detail::PolicyAccess::Data(*p).model.schema, detail::PolicyAccess::Data(*p).json,
      R"({"instrument": {"type": "court\u005Forder", "issuer": null},
          "x": [1, {"y": [2.5, null]}], "data": {"requested": ["ip_address"]}})",
      r, false));
  EXPECT_TRUE(r.present(p->Attribute("instrument.type")->index));
  EXPECT_FALSE(r.present(p->Attribute("instrument.issuer")->index));
  EXPECT_TRUE(r.present(p->Attribute("data.requested")->index));
  Decision d = p->Decide(r);
  EXPECT_EQ(d.effect(), Effect::kReview);  // the rest is missing: open
  // A key given twice, a wrong kind, an unknown member: the document decides.
  for (const char* text : {R"({"received": "2024-10-02", "received": null})",
                           R"({"subject": {"violates_tos": "yes"}})",
                           R"({"instrument": {"type": "search_warant"}})", R"([])", R"({"a": )"}) {
    EXPECT_FALSE(detail::ParseRequestStreaming(detail::PolicyAccess::Data(*p).model.schema,
                                               detail::PolicyAccess::Data(*p).json, text, r, false))
        << text;
  }
}

}  // namespace
}  // namespace writ
