// File: src/parser/grammar/cst_adapted.hpp — Boost.Fusion adaptation of cst.hpp, nothing else.
#ifndef WRIT_SRC_PARSER_GRAMMAR_CST_ADAPTED_HPP_
#define WRIT_SRC_PARSER_GRAMMAR_CST_ADAPTED_HPP_

#include <boost/fusion/include/adapt_struct.hpp>

#include "parser/grammar/cst.hpp"

BOOST_FUSION_ADAPT_STRUCT(writ::detail::cst::Date, y, m, d)
BOOST_FUSION_ADAPT_STRUCT(writ::detail::cst::BinTail, op, rhs)
BOOST_FUSION_ADAPT_STRUCT(writ::detail::cst::Comparison, lhs, tail)
BOOST_FUSION_ADAPT_STRUCT(writ::detail::cst::Unary, nots, operand)
BOOST_FUSION_ADAPT_STRUCT(writ::detail::cst::AndExpr, first, rest)
BOOST_FUSION_ADAPT_STRUCT(writ::detail::cst::OrExpr, first, rest)
BOOST_FUSION_ADAPT_STRUCT(writ::detail::cst::EffectV, effect, message)
BOOST_FUSION_ADAPT_STRUCT(writ::detail::cst::ConditionV, kind, expr)
BOOST_FUSION_ADAPT_STRUCT(writ::detail::cst::ObligationV, name, argument, condition)
BOOST_FUSION_ADAPT_STRUCT(writ::detail::cst::Assign, path, value)
BOOST_FUSION_ADAPT_STRUCT(writ::detail::cst::ExpectV, what, names, argument)
BOOST_FUSION_ADAPT_STRUCT(writ::detail::cst::Field, key, value)
BOOST_FUSION_ADAPT_STRUCT(writ::detail::cst::PolicyD, name, fields)
BOOST_FUSION_ADAPT_STRUCT(writ::detail::cst::EnumD, name, members)
BOOST_FUSION_ADAPT_STRUCT(writ::detail::cst::TypeE, set_kw, name)
BOOST_FUSION_ADAPT_STRUCT(writ::detail::cst::AttrD, path, type)
BOOST_FUSION_ADAPT_STRUCT(writ::detail::cst::LetD, name, value)
BOOST_FUSION_ADAPT_STRUCT(writ::detail::cst::RuleD, name, fields)
BOOST_FUSION_ADAPT_STRUCT(writ::detail::cst::TestD, description, fields)
BOOST_FUSION_ADAPT_STRUCT(writ::detail::cst::VersionV, path, from)
BOOST_FUSION_ADAPT_STRUCT(writ::detail::cst::HistoryD, name, fields)

#endif  // WRIT_SRC_PARSER_GRAMMAR_CST_ADAPTED_HPP_
