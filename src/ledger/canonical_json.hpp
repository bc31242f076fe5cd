// File: src/ledger/canonical_json.hpp (internal)
//
// RFC 8785, the JSON Canonicalization Scheme: the one byte form of a JSON
// value that the ledger hashes. Object members sorted by their names' UTF-16
// code units, no insignificant white space, strings with only the escapes
// JSON requires (\" \\ \b \f \n \r \t, \u00xx for the other controls, in
// lowercase hex), and every number written as ECMAScript writes an IEEE 754
// double: the shortest digits that read back to the same double, 1e21 and up
// and below 1e-6 with an exponent. An integer beyond 2^53 therefore loses
// digits, exactly as every other JCS implementation loses them.
#ifndef WRIT_SRC_LEDGER_CANONICAL_JSON_HPP_
#define WRIT_SRC_LEDGER_CANONICAL_JSON_HPP_

#include <boost/json.hpp>
#include <string>

namespace writ::detail {

// Appends the canonical form of `v` to `out`.
void AppendCanonicalJson(const boost::json::value& v, std::string& out);
std::string CanonicalJson(const boost::json::value& v);

// A double as ECMAScript's Number.prototype.toString writes it (RFC 8785
// §3.2.2.3); -0 is "0". `d` must be finite.
void AppendEcmaScriptNumber(double d, std::string& out);

// Whether a's name sorts before b's in UTF-16 code units (RFC 8785 §3.2.3).
bool Utf16Less(std::string_view a, std::string_view b);

}  // namespace writ::detail

#endif  // WRIT_SRC_LEDGER_CANONICAL_JSON_HPP_
