#!/usr/bin/env python3
"""The benchmark workloads, generated inside the project.

  workloads.py requests [--seed S] [--count N] [--countries K] OUT.jsonl
  workloads.py policy N [--unindexed] TELEGRAM_2024.writ OUT.writ
  workloads.py rules N OUT.jsonl

`requests` writes N synthetic requests for user data, one JSON object a line.
The same arguments always give the same requests on any Python 3: the only
source of randomness is random.Random(seed).random(), and every choice is
made from its draws by the code below, one draw per choice, in a fixed order.
With --countries K the requester's country is drawn instead, uniformly, from
the synthetic codes Q0000..Q{K-1}, from a stream of its own; every other field
is the same as in the base workload with that seed.

`rules` writes the same N rules as JSON lines (id, effect, when), the form
the peer engines' harness hands to each engine (peer_bench reads it).

`policy` writes the scale_N policy: the Telegram 2024 policy (imported) and N
generated rules; rule i matches country Q{i:04}, instrument type TYPES[i % 7]
and offense category OFFENSES[i % 10], and its effect cycles deny, review,
allow. With --unindexed every test is written as a membership in a
one-element set: the same decisions, but nothing the rule index can key on.

These are the workloads shared with the peer engines' harness (the same
distributions and the same draws), so writ's figures compare with theirs:
bench/README.md lists the allow / deny / review checksums they give.
"""
import argparse
import datetime
import json
import random
import sys

# Weighted vocabularies: value -> integer weight, in drawing order.
REQUESTER_KINDS = {"law_enforcement": 72, "court": 9, "intelligence": 7, "regulator": 7,
                   "private_party": 5}
COUNTRIES = {"US": 14, "IN": 12, "DE": 9, "BR": 8, "FR": 6, "GB": 6, "RU": 5, "TR": 4,
             "ES": 4, "IT": 4, "UA": 3, "PL": 3, "NL": 2, "KZ": 2, "ID": 2, "MX": 2,
             "AR": 2, "PK": 2, "BY": 1, "IR": 1, "UZ": 1, "AE": 1, "SG": 1, "JP": 1,
             "KR": 1, "AU": 1, "CA": 1, "CH": 1, "AT": 1, "BE": 1}
INSTRUMENTS_BY_KIND = {
    "law_enforcement": {"court_order": 40, "subpoena": 24, "search_warrant": 13,
                        "production_order": 9, "emergency_request": 5,
                        "informal_request": 5, "mlat_request": 4},
    "court": {"court_order": 72, "search_warrant": 14, "production_order": 10, "subpoena": 4},
    "intelligence": {"informal_request": 40, "court_order": 25, "production_order": 15,
                     "mlat_request": 10, "emergency_request": 10},
    "regulator": {"production_order": 45, "informal_request": 30, "subpoena": 25},
    "private_party": {"subpoena": 55, "court_order": 25, "informal_request": 20},
}
ISSUERS_BY_INSTRUMENT = {
    "court_order": {"judge": 92, "prosecutor": 6, "other": 2},
    "search_warrant": {"judge": 88, "prosecutor": 10, "police": 2},
    "production_order": {"judge": 70, "prosecutor": 20, "government_ministry": 10},
    "subpoena": {"prosecutor": 50, "judge": 20, "police": 20, "other": 10},
    "emergency_request": {"police": 80, "prosecutor": 15, "other": 5},
    "informal_request": {"police": 55, "intelligence_agency": 25, "government_ministry": 10,
                         "other": 10},
    "mlat_request": {"government_ministry": 70, "prosecutor": 25, "judge": 5},
}
SUBJECT_STATUSES = {"suspect": 50, "accused": 20, "convicted": 4, "witness": 7, "victim": 5,
                    "unknown": 14}
OFFENSE_CATEGORIES = {"terrorism": 9, "child_sexual_abuse": 8, "drug_trafficking": 13,
                      "fraud": 20, "money_laundering": 8, "cybercrime": 14, "violent_crime": 11,
                      "extremism": 6, "political_speech": 4, "other": 7}
# Each data category is asked for independently with this probability.
DATA_CATEGORIES = {"ip_address": 0.62, "phone_number": 0.45, "subscriber_info": 0.65,
                   "message_content": 0.12, "contacts": 0.12, "metadata": 0.30,
                   "username_history": 0.18, "location": 0.12}

# The scale_N rules cycle through these (order matters).
TYPES = ["court_order", "search_warrant", "subpoena", "production_order", "emergency_request",
         "informal_request", "mlat_request"]
OFFENSES = ["terrorism", "child_sexual_abuse", "drug_trafficking", "fraud", "money_laundering",
            "cybercrime", "violent_crime", "extremism", "political_speech", "other"]

FIRST_DAY = datetime.date(2024, 1, 1)
DAYS = 731  # received on 2024-01-01 .. 2025-12-31
EXPIRED_SHARE = 0.05


class Draws:
    """Choices made from one stream of random.Random(seed).random() draws."""

    def __init__(self, seed):
        self.stream = random.Random(seed)

    def unit(self):
        return self.stream.random()

    def chance(self, p):
        return self.unit() < p

    def index(self, n):
        """A uniform integer in [0, n), from one draw."""
        return min(int(self.unit() * n), n - 1)

    def weighted(self, table):
        """A key of `table` with probability proportional to its weight, from one draw."""
        x = self.unit() * sum(table.values())
        running = 0
        for value, weight in table.items():
            running += weight
            if x < running:
                return value
        return value


def date(offset):
    return (FIRST_DAY + datetime.timedelta(days=offset)).isoformat()


def request(draws, countries_draws, number, countries):
    kind = draws.weighted(REQUESTER_KINDS)
    country = draws.weighted(COUNTRIES)
    if countries:
        country = "Q%04d" % countries_draws.index(countries)
    verified = draws.chance(0.92)
    instrument = draws.weighted(INSTRUMENTS_BY_KIND[kind])
    issuer = draws.weighted(ISSUERS_BY_INSTRUMENT[instrument])
    # Half of the intelligence services' requests are issued by the agency
    # itself. The stream advances by one draw for every request that is not
    # so issued (the harness's generator draws that way; the workloads must
    # match it draw for draw).
    if kind == "intelligence" and draws.chance(0.5):
        issuer = "intelligence_agency"
    else:
        draws.unit()
    received = draws.index(DAYS)
    if draws.chance(EXPIRED_SHARE):
        expires = received - 1 - draws.index(120)
    else:
        expires = received + draws.index(181)
    status = draws.weighted(SUBJECT_STATUSES)
    violates_tos = draws.chance(0.80 if status in ("suspect", "accused") else 0.25)
    offense = draws.weighted(OFFENSE_CATEGORIES)
    requested = [name for name, p in DATA_CATEGORIES.items() if draws.chance(p)]
    imminent_harm = draws.chance(0.70 if instrument == "emergency_request" else 0.02)
    return {
        "id": "r%06d" % number,
        "received": date(received),
        "requester": {"kind": kind, "country": country, "verified": verified},
        "instrument": {"type": instrument, "issuer": issuer, "expires": date(expires)},
        "subject": {"status": status, "violates_tos": violates_tos},
        "offense": {"category": offense},
        "data": {"requested": requested or ["subscriber_info"]},
        "emergency": {"imminent_harm": imminent_harm},
    }


def write_requests(args):
    draws = Draws(args.seed)
    countries_draws = Draws(args.seed * 1000003 + args.countries)
    with open(args.out, "w") as out:
        for number in range(1, args.count + 1):
            out.write(json.dumps(request(draws, countries_draws, number, args.countries)) + "\n")


def scale_rule(i):
    return {"id": "country_rule_%04d" % i, "effect": ("deny", "review", "allow")[i % 3],
            "when": {"requester.country": "Q%04d" % i, "instrument.type": TYPES[i % 7],
                     "offense.category": OFFENSES[i % 10]}}


def write_rules(args):
    with open(args.out, "w") as out:
        for i in range(args.rules):
            out.write(json.dumps(scale_rule(i)) + "\n")


def write_policy(args):
    def test(attr, value):
        return ("%s in {%s}" if args.unindexed else "%s == %s") % (attr, value)

    with open(args.out, "w") as out:
        out.write("// Generated by bench/workloads.py (policy %d%s); do not edit.\n"
                  % (args.rules, " --unindexed" if args.unindexed else ""))
        out.write('import "%s"\n' % args.telegram)
        for i in range(args.rules):
            name = "country_rule_%04d" % i
            out.write("\nrule %s {\n" % name)
            out.write("  when  %s\n" % test("requester.country", '"Q%04d"' % i))
            out.write("    and %s\n" % test("instrument.type", TYPES[i % 7]))
            out.write("    and %s\n" % test("offense.category", OFFENSES[i % 10]))
            # No `disclose`: the rule grants every requested item.
            out.write('  then  %s "generated rule %s"\n}\n'
                      % (("deny", "review", "allow")[i % 3], name))


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="what", required=True)
    r = sub.add_parser("requests")
    r.add_argument("--seed", type=int, default=1)
    r.add_argument("--count", type=int, default=100000)
    r.add_argument("--countries", type=int, default=0)
    r.add_argument("out")
    p = sub.add_parser("policy")
    p.add_argument("rules", type=int)
    p.add_argument("--unindexed", action="store_true")
    p.add_argument("telegram")
    p.add_argument("out")
    q = sub.add_parser("rules")
    q.add_argument("rules", type=int)
    q.add_argument("out")
    args = parser.parse_args()
    if min(getattr(args, "count", 0), getattr(args, "countries", 0),
           getattr(args, "rules", 0)) < 0:
        parser.error("counts must be >= 0")
    {"requests": write_requests, "policy": write_policy, "rules": write_rules}[args.what](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
