// RFC 8785 canonical JSON (src/ledger/canonical_json.cpp): the RFC's own
// examples — its number table (Appendix B), its sorting example (§3.2.3, where
// UTF-16 order differs from UTF-8 order) and its full example (§3.2.4).
#include "ledger/canonical_json.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>

namespace writ::detail {
namespace {

std::string Num(std::uint64_t bits) {
  std::string out;
  AppendEcmaScriptNumber(std::bit_cast<double>(bits), out);
  return out;
}

TEST(CanonicalJsonTest, NumbersAsEcmaScriptWritesThem) {
  const std::pair<std::uint64_t, const char*> table[] = {
      {0x0000000000000000, "0"},
      {0x8000000000000000, "0"},
      {0x0000000000000001, "5e-324"},
      {0x8000000000000001, "-5e-324"},
      {0x7fefffffffffffff, "1.7976931348623157e+308"},
      {0xffefffffffffffff, "-1.7976931348623157e+308"},
      {0x4340000000000000, "9007199254740992"},
      {0xc340000000000000, "-9007199254740992"},
      {0x4430000000000000, "295147905179352830000"},
      {0x44b52d02c7e14af5, "9.999999999999997e+22"},
      {0x44b52d02c7e14af6, "1e+23"},
      {0x44b52d02c7e14af7, "1.0000000000000001e+23"},
      {0x444b1ae4d6e2ef4e, "999999999999999700000"},
      {0x444b1ae4d6e2ef4f, "999999999999999900000"},
      {0x444b1ae4d6e2ef50, "1e+21"},
      {0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"},
      {0x3eb0c6f7a0b5ed8d, "0.000001"},
      {0x41b3de4355555553, "333333333.3333332"},
      {0x41b3de4355555554, "333333333.33333325"},
      {0x41b3de4355555555, "333333333.3333333"},
      {0x41b3de4355555556, "333333333.3333334"},
      {0x41b3de4355555557, "333333333.33333343"},
      {0xbecbf647612f3696, "-0.0000033333333333333333"},
      {0x43143ff3c1cb0959, "1424953923781206.2"},
  };
  for (const auto& [bits, text] : table) EXPECT_EQ(Num(bits), text) << std::hex << bits;
}

TEST(CanonicalJsonTest, SortsNamesByUtf16CodeUnits) {
  const auto v = boost::json::parse(
      R"({"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh",)"
      R"("1":"One","\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control",)"
      R"("\u00f6":"Latin Small Letter O With Diaeresis"})");
  const std::string c = CanonicalJson(v);
  std::vector<size_t> at;
  for (const char* name : {"\"\\r\"", "\"1\"", "\"\xc2\x80\"", "\"\xc3\xb6\"", "\"\xe2\x82\xac\"",
                           "\"\xf0\x9f\x98\x80\"", "\"\xef\xac\xb3\""}) {
    at.push_back(c.find(name));
    ASSERT_NE(at.back(), std::string::npos) << name;
  }
  EXPECT_TRUE(std::is_sorted(at.begin(), at.end())) << c;
}

TEST(CanonicalJsonTest, TheRfcsExample) {
  // Boost.JSON 1.81 reads 333333333.33333329 one unit in the last place off
  // (its number parser is not correctly rounded; docs/ledger.md): the
  // double the RFC means is put in by its bits.
  auto v = boost::json::parse(
      R"({"numbers": [0, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],)"
      R"( "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/", "literals": [null, true, false]})");
  v.at("numbers").as_array()[0] = std::bit_cast<double>(std::uint64_t{0x41b3de4355555555});
  EXPECT_EQ(CanonicalJson(v),
            "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
            "\"string\":\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
}

TEST(CanonicalJsonTest, IntegersAndNesting) {
  EXPECT_EQ(
      CanonicalJson(boost::json::parse(R"({"b":[1,-2,{"z":0,"a":1e2}],"a":9007199254740993})")),
      R"({"a":9007199254740992,"b":[1,-2,{"a":100,"z":0}]})");
  EXPECT_EQ(CanonicalJson(boost::json::parse(R"("\t\b\f\u0001\u001f")")),
            R"("\t\b\f\u0001\u001f")");
  // Canonical text is its own canonical form.
  const std::string c = CanonicalJson(boost::json::parse(R"({"x":[0.1,1e-7,123456789012]})"));
  EXPECT_EQ(CanonicalJson(boost::json::parse(c)), c);
  EXPECT_EQ(c, R"({"x":[0.1,1e-7,123456789012]})");
}

}  // namespace
}  // namespace writ::detail
