// File: src/bindings/python/module.cpp
//
// The Python module `writ` (its compiled part, `writ._writ`; the package's
// __init__.py adds pandas frames). Built on the public C++ API only:
// `Decider` loads a policy or a history, `ReplayTally` counts a replay.
//
// Batches (decide_many, decide_jsonl, replay) run in three phases so that
// the work runs without the GIL: the inputs are gathered as byte ranges (or
// dicts written as JSON) while holding it; parsing and deciding run with it
// released, on `threads` threads; the columns are built holding it again,
// each distinct value (an effect, a set of granted items, a list of rules)
// made into a Python object once and shared by every row that has it.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "writ/writ.hpp"

namespace py = pybind11;

namespace writ::python {
namespace {

// Python exceptions (created in the module init).
PyObject* policy_error = nullptr;   // writ.PolicyError(ValueError)
PyObject* request_error = nullptr;  // writ.RequestError(ValueError)
PyObject* ledger_error = nullptr;   // writ.LedgerError(RuntimeError)

py::object JsonLoads(const std::string& text) {
  // Leaked on purpose: a static py::object would be released after the
  // interpreter is finalized.
  static py::object* loads = new py::object(py::module_::import("json").attr("loads"));
  return (*loads)(text);
}

[[noreturn]] void RaisePolicyError(const absl::Status& status, const CheckResult& check) {
  py::object error =
      py::reinterpret_borrow<py::object>(policy_error)(std::string(status.message()));
  // One JSON object per line, each a dict.
  py::list diagnostics;
  const std::string lines = FormatDiagnosticsJson(check.sources, check.diagnostics);
  for (absl::string_view line : absl::StrSplit(lines, '\n', absl::SkipEmpty()))
    diagnostics.append(JsonLoads(std::string(line)));
  error.attr("diagnostics") = diagnostics;
  error.attr("code") = static_cast<int>(status.code());
  PyErr_SetObject(policy_error, error.ptr());
  throw py::error_already_set();
}

[[noreturn]] void RaiseRequestError(std::string_view message) {
  PyErr_SetString(request_error, std::string(message).c_str());
  throw py::error_already_set();
}

// A refused ledger operation (not a ledger, a bad resolution, a failed
// write): its message, and `code` the absl status code. With the GIL held.
[[noreturn]] void RaiseLedgerError(const absl::Status& status) {
  py::object error =
      py::reinterpret_borrow<py::object>(ledger_error)(std::string(status.message()));
  error.attr("code") = static_cast<int>(status.code());
  PyErr_SetObject(ledger_error, error.ptr());
  throw py::error_already_set();
}

template <typename T>
T OrRaise(absl::StatusOr<T> v) {
  if (!v.ok()) RaiseLedgerError(v.status());
  return std::move(*v);
}

// ---- a request given as a dict, written as JSON text ----

void AppendJsonString(std::string_view s, std::string& out) {
  out += boost::json::serialize(boost::json::string_view(s.data(), s.size()));
}

std::string_view Utf8(py::handle s) {
  Py_ssize_t n = 0;
  const char* p = PyUnicode_AsUTF8AndSize(s.ptr(), &n);
  if (p == nullptr) throw py::error_already_set();
  return {p, static_cast<size_t>(n)};
}

void AppendJson(py::handle v, std::string& out, int depth) {
  if (depth > 200) throw py::value_error("request nested deeper than 200 levels");
  if (v.is_none()) {
    out += "null";
  } else if (PyBool_Check(v.ptr())) {
    out += v.ptr() == Py_True ? "true" : "false";
  } else if (PyLong_Check(v.ptr())) {
    out += Utf8(py::str(v));  // exact, however large: the parser judges the range
  } else if (PyFloat_Check(v.ptr())) {
    const double d = PyFloat_AsDouble(v.ptr());
    if (!std::isfinite(d)) throw py::value_error("a request holds a number that is not finite");
    out += Utf8(py::repr(v));
  } else if (PyUnicode_Check(v.ptr())) {
    AppendJsonString(Utf8(v), out);
  } else if (PyDict_Check(v.ptr())) {
    out.push_back('{');
    bool first = true;
    for (auto [key, value] : py::reinterpret_borrow<py::dict>(v)) {
      if (!PyUnicode_Check(key.ptr())) throw py::type_error("a request's keys must be strings");
      if (!first) out.push_back(',');
      first = false;
      AppendJsonString(Utf8(key), out);
      out.push_back(':');
      AppendJson(value, out, depth + 1);
    }
    out.push_back('}');
  } else if (PyList_Check(v.ptr()) || PyTuple_Check(v.ptr()) || PyAnySet_Check(v.ptr())) {
    out.push_back('[');
    bool first = true;
    for (py::handle item : v) {
      if (!first) out.push_back(',');
      first = false;
      AppendJson(item, out, depth + 1);
    }
    out.push_back(']');
  } else {
    throw py::type_error(absl::StrCat("a request cannot hold a ",
                                      std::string(py::str(v.get_type().attr("__name__")))));
  }
}

// The JSON text of one request: str and bytes as they are (a view into the
// object, which the caller keeps alive), a dict written into `storage`.
std::string_view RequestText(py::handle r, std::string& storage) {
  if (PyUnicode_Check(r.ptr())) return Utf8(r);
  if (PyBytes_Check(r.ptr()))
    return {PyBytes_AS_STRING(r.ptr()), static_cast<size_t>(PyBytes_GET_SIZE(r.ptr()))};
  if (PyByteArray_Check(r.ptr()))
    return {PyByteArray_AS_STRING(r.ptr()), static_cast<size_t>(PyByteArray_GET_SIZE(r.ptr()))};
  if (PyDict_Check(r.ptr())) {
    storage.clear();
    AppendJson(r, storage, 0);
    return storage;
  }
  throw py::type_error(absl::StrCat("a request is a dict, or JSON text as str or bytes, not ",
                                    std::string(py::str(r.get_type().attr("__name__")))));
}

// ---- the Python classes' C++ sides ----

struct PyDecision {
  Decider decider;  // keeps the decision's policy alive
  Decision decision;
};

struct PyExplanation {
  Decider decider;
  Explanation explanation;
};

struct PyPolicy {
  Decider decider;
};

PyPolicy Load(const std::string& path) {
  CheckResult check;
  absl::StatusOr<Decider> d = Decider::Load(path, {}, check);
  if (!d.ok()) RaisePolicyError(d.status(), check);
  return PyPolicy{*std::move(d)};
}

PyPolicy FromText(const std::string& text, const std::string& name) {
  CheckResult check;
  LoadOptions options;
  // Policy::FromText keeps no diagnostics: check first, then compile.
  options.reader = [&](const std::string& path) -> absl::StatusOr<std::string> {
    if (path == name) return text;
    return absl::NotFoundError(
        absl::StrCat("cannot read '", path, "' (a policy from text imports nothing)"));
  };
  absl::StatusOr<std::shared_ptr<const Policy>> p = Policy::Load(name, options, check);
  if (!p.ok()) RaisePolicyError(p.status(), check);
  Decider d;
  d.policy = *std::move(p);
  return PyPolicy{std::move(d)};
}

Request ParseOne(const Decider& d, py::handle request) {
  std::string storage;
  const std::string_view text = RequestText(request, storage);
  Request r = d.NewRequest();
  absl::Status s;
  {
    py::gil_scoped_release release;
    s = d.ParseRequest(text, r);
  }
  if (!s.ok()) RaiseRequestError(std::string(s.message()));
  return r;
}

PyDecision Decide(const PyPolicy& p, py::handle request) {
  Request r = ParseOne(p.decider, request);
  PyDecision out{p.decider, {}};
  p.decider.Decide(r, out.decision);
  return out;
}

PyExplanation Explain(const PyPolicy& p, py::handle request) {
  Request r = ParseOne(p.decider, request);
  py::gil_scoped_release release;
  return PyExplanation{p.decider, p.decider.Explain(r)};
}

py::list Strings(const std::vector<std::string>& v) {
  py::list out(v.size());
  for (size_t i = 0; i < v.size(); ++i) out[i] = py::str(v[i]);
  return out;
}

py::list ObligationTuples(const Decision& d) {
  py::list out;
  for (const Obligation& o : d.obligations())
    out.append(py::make_tuple(o.name, o.argument ? py::object(py::str(*o.argument)) : py::none()));
  return out;
}

py::list Problems(const Decision& d) {
  py::list out;
  for (const InputProblem& p : d.problems()) {
    py::dict x;
    x["attribute"] = p.attribute;
    x["message"] = p.message;
    out.append(std::move(x));
  }
  return out;
}

// ---- batches ----

// One row of a batch: its decision, or why its JSON did not parse.
struct Row {
  Decision decision;
  std::string error;
};

// Runs `work(begin, end)` over [0, n) on `threads` threads (the calling one
// among them). Called without the GIL.
template <typename Work>
void Parallel(size_t n, int threads, Work work) {
  const size_t t = std::max<size_t>(1, std::min<size_t>(threads < 1 ? 1 : threads, n / 256 + 1));
  std::vector<std::thread> pool;
  const size_t chunk = (n + t - 1) / t;
  for (size_t k = 1; k < t; ++k) {
    const size_t b = std::min(n, k * chunk), e = std::min(n, (k + 1) * chunk);
    pool.emplace_back([&work, b, e] { work(b, e); });
  }
  work(0, std::min(n, chunk));
  for (auto& th : pool) th.join();
}

// A batch's columns (a dict of equal-length lists), filled block by block.
// Each distinct value (an effect, a set of granted items, a list of rules)
// is made into a Python object once and shared by every row that has it.
class Columns {
 public:
  // Decides `texts` (views that stay valid meanwhile) and appends their rows.
  void Decide(const Decider& d, const std::vector<std::string_view>& texts, int threads) {
    // Blocks of rows, reused: the GIL is released while a block is decided
    // and held while its rows become Python objects.
    constexpr size_t kBlock = 4096;
    if (rows_.size() < kBlock) rows_.resize(kBlock);
    for (size_t start = 0; start < texts.size(); start += kBlock) {
      const size_t n = std::min(kBlock, texts.size() - start);
      {
        py::gil_scoped_release release;
        Parallel(n, threads, [&](size_t b, size_t e) {
          Request r = d.NewRequest();
          for (size_t i = b; i < e; ++i) {
            Row& row = rows_[i];
            row.error.clear();
            if (absl::Status s = d.ParseRequest(texts[start + i], r); !s.ok()) {
              row.error = std::string(s.message());
              row.decision = Decision();  // deny, nothing granted
              continue;
            }
            d.Decide(r, row.decision);
          }
        });
      }
      for (size_t i = 0; i < n; ++i) Append(rows_[i]);
    }
  }

  py::dict Take() {
    py::dict out;
    out["effect"] = effect_;
    out["open"] = open_;
    out["default"] = by_default_;
    out["rules"] = rules_;
    out["granted"] = granted_;
    out["obligations"] = obligations_;
    out["missing"] = missing_;
    out["problems"] = problems_;
    out["error"] = error_;
    return out;
  }

 private:
  // Lists of indices keyed by their bytes and the policy that numbered them
  // (a history's versions number rules differently).
  static std::string KeyOf(const Decision& x, absl::Span<const uint32_t> idx) {
    std::string k;
    const Policy* p = x.policy();
    k.append(reinterpret_cast<const char*>(&p), sizeof p);
    k.append(reinterpret_cast<const char*>(idx.data()), idx.size() * sizeof(uint32_t));
    return k;
  }

  void Append(const Row& row) {
    const Decision& x = row.decision;
    effect_.append(effects_[static_cast<int>(x.effect())]);
    open_.append(py::bool_(x.open()));
    by_default_.append(py::bool_(x.by_default()));
    error_.append(row.error.empty() ? py::object(py::none()) : py::object(py::str(row.error)));
    if (x.deciding_rule_indices().empty()) {
      rules_.append(empty_);
      obligations_.append(empty_);
    } else {
      py::object& r = rule_cache_[KeyOf(x, x.deciding_rule_indices())];
      if (!r) r = py::tuple(py::cast(x.deciding_rules()));
      rules_.append(r);
      std::vector<std::string> ob;
      for (const Obligation& o : x.obligations()) ob.push_back(o.ToString());
      py::object& o = obligation_cache_[absl::StrJoin(ob, "\x1f")];
      if (!o) o = py::tuple(py::cast(ob));
      obligations_.append(o);
    }
    if (x.granted_mask() == 0) {
      granted_.append(empty_);
    } else {
      py::object& g = granted_cache_[{x.policy(), x.granted_mask()}];
      if (!g) g = py::tuple(py::cast(x.granted()));
      granted_.append(g);
    }
    if (x.missing_indices().empty()) {
      missing_.append(empty_);
    } else {
      py::object& m = missing_cache_[KeyOf(x, x.missing_indices())];
      if (!m) m = py::tuple(py::cast(x.missing()));
      missing_.append(m);
    }
    if (x.problems().empty()) {
      problems_.append(empty_);
    } else {
      py::list ps;
      for (const InputProblem& p : x.problems())
        ps.append(absl::StrCat(p.attribute, ": ", p.message));
      problems_.append(py::tuple(ps));
    }
  }

  std::vector<Row> rows_;
  py::list effect_, open_, by_default_, rules_, granted_, obligations_, missing_, problems_, error_;
  const py::str effects_[3] = {py::str("allow"), py::str("review"), py::str("deny")};
  const py::tuple empty_;
  absl::flat_hash_map<std::string, py::object> rule_cache_, missing_cache_, obligation_cache_;
  absl::flat_hash_map<std::pair<const Policy*, uint64_t>, py::object> granted_cache_;
};

// The texts of an iterable of requests; `keep` holds what the views point into.
// With `skip_blank`, texts of only white space (a log's blank lines) are left out.
std::vector<std::string_view> Gather(py::iterable requests, std::vector<py::object>& keep,
                                     std::deque<std::string>& written, bool skip_blank = false) {
  std::vector<std::string_view> texts;
  if (py::hasattr(requests, "__len__")) texts.reserve(py::len(requests));
  std::string storage;
  for (py::handle r : requests) {
    keep.push_back(py::reinterpret_borrow<py::object>(r));
    std::string_view t = RequestText(r, storage);
    if (PyDict_Check(r.ptr())) {
      written.push_back(storage);
      t = written.back();
    }
    if (skip_blank && t.find_first_not_of(" \t\r\n") == std::string_view::npos) continue;
    texts.push_back(t);
  }
  return texts;
}

py::dict DecideMany(const PyPolicy& p, py::iterable requests, int threads) {
  std::vector<py::object> keep;
  std::deque<std::string> written;
  const std::vector<std::string_view> texts = Gather(requests, keep, written);
  Columns columns;
  columns.Decide(p.decider, texts, threads);
  return columns.Take();
}

// Calls `block(lines)` with the non-blank lines of the JSON Lines file at
// `path`, a block at a time, through one reused buffer (a large log is never
// held whole). Within a range, only the lines whose preceding newline lies in
// [offset, offset + length), and the file's first line for offset 0: ranges
// that tile a file give each line to exactly one of them, as dask.bytes cuts
// a file at line ends. Raises OSError when the file cannot be read.
template <typename Block>
void ForEachLines(const std::string& path, uint64_t offset, std::optional<uint64_t> length,
                  Block block) {
  std::FILE* f = nullptr;
  {
    py::gil_scoped_release release;
    f = std::fopen(path.c_str(), "rb");
    if (f != nullptr && offset > 0 && fseeko(f, static_cast<off_t>(offset), SEEK_SET) != 0) {
      std::fclose(f);
      f = nullptr;
    }
  }
  if (f == nullptr) {
    PyErr_SetFromErrnoWithFilename(PyExc_OSError, path.c_str());
    throw py::error_already_set();
  }
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> closer(f, &std::fclose);
  const uint64_t range_end = length ? offset + *length : UINT64_MAX;
  std::string buffer(size_t{1} << 20, '\0');
  uint64_t base = offset;        // the file position of buffer[0]
  size_t held = 0;               // bytes of an unfinished line at the buffer's start
  bool skip_first = offset > 0;  // the end of a line that began before the range
  std::vector<std::string_view> lines;
  for (;;) {
    if (held == buffer.size()) buffer.resize(buffer.size() * 2);  // a very long line
    size_t got;
    {
      py::gil_scoped_release release;
      got = std::fread(buffer.data() + held, 1, buffer.size() - held, f);
    }
    if (got == 0 && std::ferror(f)) {
      PyErr_SetFromErrnoWithFilename(PyExc_OSError, path.c_str());
      throw py::error_already_set();
    }
    const size_t end = held + got;
    const bool last = got == 0;
    bool done = false;
    lines.clear();
    size_t start = 0;
    while (start < end) {
      const void* nl = std::memchr(buffer.data() + start, '\n', end - start);
      if (nl == nullptr && !last) break;  // unfinished: read on
      const size_t stop = nl ? static_cast<const char*>(nl) - buffer.data() : end;
      const uint64_t line_start = base + start;
      if (skip_first) {
        skip_first = false;
      } else if (line_start > 0 && line_start - 1 >= range_end) {
        done = true;  // its preceding newline is past the range
        break;
      } else {
        std::string_view line(buffer.data() + start, stop - start);
        if (line.find_first_not_of(" \t\r") != std::string_view::npos) lines.push_back(line);
      }
      start = stop + 1;
    }
    if (!lines.empty()) block(lines);
    if (last || done) return;
    start = std::min(start, end);
    held = end - start;
    base += start;
    if (held > 0) std::memmove(buffer.data(), buffer.data() + start, held);
  }
}

py::dict DecideJsonl(const PyPolicy& p, const std::string& path, int threads, uint64_t offset,
                     std::optional<uint64_t> length) {
  Columns columns;
  ForEachLines(path, offset, length, [&](const std::vector<std::string_view>& lines) {
    columns.Decide(p.decider, lines, threads);
  });
  return columns.Take();
}

// ---- diff and replay ----

std::shared_ptr<const Policy> OnePolicy(const PyPolicy& p, const char* what) {
  if (!p.decider.policy)
    throw py::value_error(absl::StrCat(what, " is a history: give one of its versions"));
  return p.decider.policy;
}

py::dict Summary(const ReplayTally& t) {
  py::dict out;
  out["requests"] = t.requests();
  out["changed"] = t.changed_count();
  out["malformed"] = t.malformed();
  py::list ts;
  for (const auto& x : t.Transitions()) {
    py::dict d;
    d["from"] = x.from;
    d["to"] = x.to;
    d["count"] = x.count;
    ts.append(std::move(d));
  }
  out["transitions"] = ts;
  return out;
}

// Tallies of a replay, one per thread, merged at the end.
class Replay {
 public:
  Replay(const PyPolicy& old_p, const PyPolicy& new_p, int threads) {
    auto a = OnePolicy(old_p, "old"), b = OnePolicy(new_p, "new");
    for (int k = 0; k < std::max(1, threads); ++k) tallies_.emplace_back(a, b);
  }
  void Add(const std::vector<std::string_view>& texts) {
    py::gil_scoped_release release;
    const size_t t = tallies_.size(), n = texts.size(), chunk = (n + t - 1) / t;
    std::vector<std::thread> pool;
    auto run = [&](size_t k) {
      const size_t e = std::min(n, (k + 1) * chunk);
      for (size_t i = std::min(n, k * chunk); i < e; ++i) (void)tallies_[k].Add(texts[i]);
    };
    for (size_t k = 1; k < t && k * chunk < n; ++k) pool.emplace_back(run, k);
    run(0);
    for (auto& th : pool) th.join();
  }
  py::dict Take() {
    for (size_t k = 1; k < tallies_.size(); ++k) (void)tallies_[0].Merge(tallies_[k]);
    return Summary(tallies_[0]);
  }

 private:
  std::vector<ReplayTally> tallies_;
};

}  // namespace
}  // namespace writ::python

namespace writ::python {
namespace {

// ---- the decision ledger ----

struct PyLedger {
  std::unique_ptr<Ledger> ledger;
};

Resolution MakeResolution(std::uint64_t decision, std::optional<std::vector<std::string>> disclosed,
                          bool refused, std::string by, std::string note, std::string reason) {
  if (disclosed.has_value() == refused) {
    throw py::value_error("give exactly one of disclosed=[items] and refused=True");
  }
  Resolution r;
  r.decision = decision;
  r.disclosed = !refused;
  if (disclosed) r.items = std::move(*disclosed);
  r.by = std::move(by);
  r.note = std::move(note);
  r.reason = std::move(reason);
  return r;
}

}  // namespace
}  // namespace writ::python

PYBIND11_MODULE(_writ, m) {
  using namespace writ;
  using namespace writ::python;
  m.doc() = "writ: decide authorities' requests for user data against a typed disclosure policy.";
  m.attr("__version__") = WRIT_VERSION_STRING;

  policy_error = PyErr_NewExceptionWithDoc(
      "writ.PolicyError",
      "A policy that does not load: `str(e)` is every diagnostic rendered as file:line:col with a "
      "caret; `e.diagnostics` the same as dicts (severity, code, file, line, column, message, "
      "suggestion); `e.code` the absl status code (3 invalid, 5 not found).",
      PyExc_ValueError, nullptr);
  request_error = PyErr_NewExceptionWithDoc(
      "writ.RequestError", "A request whose JSON does not parse (input problems are not errors).",
      PyExc_ValueError, nullptr);
  m.attr("PolicyError") = py::handle(policy_error);
  m.attr("RequestError") = py::handle(request_error);

  py::class_<PyDecision>(m, "Decision", "One request's decision.")
      .def_property_readonly(
          "effect",
          [](const PyDecision& d) { return std::string(EffectName(d.decision.effect())); },
          "'allow', 'review' or 'deny'.")
      .def_property_readonly(
          "open", [](const PyDecision& d) { return d.decision.open(); },
          "True when the decision is review because information is missing.")
      .def_property_readonly(
          "by_default", [](const PyDecision& d) { return d.decision.by_default(); },
          "True when no rule applied and the policy's default decided.")
      .def_property_readonly(
          "rules", [](const PyDecision& d) { return Strings(d.decision.deciding_rules()); },
          "The rules that decided.")
      .def_property_readonly(
          "granted", [](const PyDecision& d) { return Strings(d.decision.granted()); },
          "The items that may be disclosed.")
      .def_property_readonly(
          "withheld", [](const PyDecision& d) { return Strings(d.decision.withheld()); },
          "The items requested and not granted.")
      .def_property_readonly(
          "missing", [](const PyDecision& d) { return Strings(d.decision.missing()); },
          "The attributes whose absence left the decision open.")
      .def_property_readonly(
          "obligations", [](const PyDecision& d) { return ObligationTuples(d.decision); },
          "The obligations that follow, as (name, argument or None).")
      .def_property_readonly("message",
                             [](const PyDecision& d) { return std::string(d.decision.message()); })
      .def_property_readonly(
          "problems", [](const PyDecision& d) { return Problems(d.decision); },
          "The request's input problems: dicts of attribute and message.")
      .def(
          "to_dict", [](const PyDecision& d) { return JsonLoads(d.decision.ToJson()); },
          "The decision as `writ eval --format json` prints it (without request and input).")
      .def("to_json", [](const PyDecision& d) { return d.decision.ToJson(); })
      .def("__str__", [](const PyDecision& d) { return d.decision.ToText(); })
      .def("__repr__", [](const PyDecision& d) {
        return absl::StrCat("<writ.Decision ", std::string(EffectName(d.decision.effect())),
                            d.decision.open() ? " (open)" : "", " granted=[",
                            absl::StrJoin(d.decision.granted(), ", "), "]>");
      });

  py::class_<PyExplanation>(m, "Explanation", "A decision and every rule's outcome, with why.")
      .def_property_readonly("decision",
                             [](const PyExplanation& e) {
                               return PyDecision{e.decider, e.explanation.decision};
                             })
      .def_property_readonly("summary",
                             [](const PyExplanation& e) { return e.explanation.summary; })
      .def_property_readonly(
          "rules",
          [](const PyExplanation& e) { return JsonLoads(e.explanation.ToJson())["explanation"]; },
          "Each rule's outcome: rule, effect, status, deciding, reason, missing, cites, source.")
      .def(
          "text", [](const PyExplanation& e, bool color) { return e.explanation.ToText(color); },
          py::arg("color") = false, "As `writ eval --explain` prints it.")
      .def("to_dict", [](const PyExplanation& e) { return JsonLoads(e.explanation.ToJson()); })
      .def("__str__", [](const PyExplanation& e) { return e.explanation.ToText(false); });

  py::class_<PyPolicy>(m, "Policy", "A loaded policy or history: immutable, shared by threads.")
      .def_static("load", &Load, py::arg("path"),
                  "Loads, checks and compiles the policy or history at `path`. Raises PolicyError.")
      .def_static("from_text", &FromText, py::arg("text"), py::arg("name") = "<text>",
                  "A policy from its text (it imports nothing). Raises PolicyError.")
      .def_property_readonly("name", [](const PyPolicy& p) { return p.decider.name(); })
      .def_property_readonly(
          "version", [](const PyPolicy& p) { return p.decider.version(); },
          "The policy's version ('' for a history).")
      .def_property_readonly("sha256", [](const PyPolicy& p) { return p.decider.sha256(); })
      .def_property_readonly("is_history",
                             [](const PyPolicy& p) { return p.decider.history != nullptr; })
      .def_property_readonly(
          "rules",
          [](const PyPolicy& p) {
            std::vector<std::string> out;
            for (size_t i = 0; i < p.decider.latest().rule_count(); ++i)
              out.push_back(p.decider.latest().rule_name(i));
            return out;
          },
          "The rules' names (a history's: its latest version's).")
      .def_property_readonly("items",
                             [](const PyPolicy& p) { return p.decider.latest().item_names(); })
      .def("decide", &Decide, py::arg("request"),
           "Decides one request: a dict, or JSON text (str or bytes). Input problems are in "
           "the decision; JSON that does not parse raises RequestError.")
      .def("explain", &Explain, py::arg("request"), "Decides and explains one request.")
      .def("decide_many", &DecideMany, py::arg("requests"), py::arg("threads") = 1,
           "Decides an iterable of requests (dicts, str or bytes) in C++ without the GIL, on "
           "`threads` threads. Returns columns (a dict of lists): effect, open, default, rules, "
           "granted, obligations, missing, problems, error. A row whose JSON does not parse is "
           "deny with nothing granted and says why in `error`.")
      .def("decide_jsonl", &DecideJsonl, py::arg("path"), py::arg("threads") = 1,
           py::arg("offset") = 0, py::arg("length") = py::none(),
           "decide_many over the lines of a JSON Lines file (blank lines skipped), read through "
           "a small buffer. With offset and length, only the lines whose preceding newline lies "
           "in [offset, offset + length) (and the first line, for offset 0): ranges that tile a "
           "file give each line to one of them.")
      .def("__repr__",
           [](const PyPolicy& p) { return absl::StrCat("<writ.Policy ", p.decider.label(), ">"); });

  m.def(
      "diff",
      [](const PyPolicy& a, const PyPolicy& b) {
        auto d = Diff(*OnePolicy(a, "old"), *OnePolicy(b, "new"));
        if (!d.ok()) throw py::value_error(std::string(d.status().message()));
        py::dict out = JsonLoads(d->ToJson());
        out["text"] = d->ToText(true);
        return out;
      },
      py::arg("old"), py::arg("new"),
      "What changes from `old` to `new`, exactly: `writ diff --format json` as a dict, with "
      "'text' the full text form.");
  m.def(
      "replay",
      [](const PyPolicy& a, const PyPolicy& b, py::iterable requests, int threads) {
        std::vector<py::object> keep;
        std::deque<std::string> written;
        Replay replay(a, b, threads);
        replay.Add(Gather(requests, keep, written, /*skip_blank=*/true));
        return replay.Take();
      },
      py::arg("old"), py::arg("new"), py::arg("requests"), py::arg("threads") = 1,
      "Decides each request under both policies and counts the changes: requests, changed, "
      "malformed, and transitions (from, to, count): `writ diff --requests`'s summary. "
      "Requests of only white space (a log's blank lines) are skipped.");
  m.def(
      "replay_jsonl",
      [](const PyPolicy& a, const PyPolicy& b, const std::string& path, int threads,
         uint64_t offset, std::optional<uint64_t> length) {
        Replay replay(a, b, threads);
        ForEachLines(path, offset, length,
                     [&](const std::vector<std::string_view>& lines) { replay.Add(lines); });
        return replay.Take();
      },
      py::arg("old"), py::arg("new"), py::arg("path"), py::arg("threads") = 1,
      py::arg("offset") = 0, py::arg("length") = py::none(),
      "replay over the lines of a JSON Lines file; offset and length as for "
      "Policy.decide_jsonl.");

  ledger_error = PyErr_NewExceptionWithDoc(
      "writ.LedgerError",
      "A ledger operation refused, with nothing written: not a ledger, a newer schema, a "
      "resolution of something that is not a decision or is resolved already, items not "
      "granted; `e.code` the absl status code.",
      PyExc_RuntimeError, nullptr);
  m.attr("LedgerError") = py::handle(ledger_error);
  py::class_<PyLedger>(m, "Ledger",
                       "The decision ledger (docs/ledger.md): decisions and their resolutions, "
                       "append-only, tamper-evident. Safe to share between threads.")
      .def(py::init([](const std::string& path, bool create, bool read_only,
                       const std::string& origin, std::vector<std::string> redact) {
             LedgerOptions o;
             o.create = create;
             o.read_only = read_only;
             o.origin = origin;
             o.redact = std::move(redact);
             return PyLedger{std::make_unique<Ledger>(OrRaise(Ledger::Open(path, o)))};
           }),
           py::arg("path"), py::kw_only(), py::arg("create") = true, py::arg("read_only") = false,
           py::arg("origin") = "", py::arg("redact") = std::vector<std::string>{},
           "Opens (or creates) the ledger at `path`. Raises LedgerError.")
      .def(
          "record",
          [](PyLedger& l, py::handle request, const PyDecision& d) {
            std::string storage;
            const std::string text(RequestText(request, storage));
            absl::StatusOr<std::uint64_t> n;
            {
              py::gil_scoped_release unlocked;  // the fsync
              n = l.ledger->AppendDecision(text, d.decision);
            }
            return OrRaise(std::move(n));
          },
          py::arg("request"), py::arg("decision"),
          "Records a decision with its request (the dict or JSON text that was decided); "
          "returns its entry number once it is durable.")
      .def(
          "resolve",
          [](PyLedger& l, std::uint64_t decision, std::optional<std::vector<std::string>> disclosed,
             bool refused, std::string by, std::string note) {
            Resolution r = MakeResolution(decision, std::move(disclosed), refused, std::move(by),
                                          std::move(note), "");
            absl::StatusOr<std::uint64_t> n;
            {
              py::gil_scoped_release unlocked;
              n = l.ledger->Resolve(r);
            }
            return OrRaise(std::move(n));
          },
          py::arg("decision"), py::kw_only(), py::arg("disclosed") = py::none(),
          py::arg("refused") = false, py::arg("by"), py::arg("note") = "",
          "Records what the review did with decision entry `decision`: disclosed=[items] (each "
          "granted by it) or refused=True. Returns the resolution's entry number.")
      .def(
          "correct",
          [](PyLedger& l, std::uint64_t resolution,
             std::optional<std::vector<std::string>> disclosed, bool refused, std::string by,
             std::string reason, std::string note) {
            Resolution r = MakeResolution(0, std::move(disclosed), refused, std::move(by),
                                          std::move(note), std::move(reason));
            absl::StatusOr<std::uint64_t> n;
            {
              py::gil_scoped_release unlocked;
              n = l.ledger->Correct(resolution, r);
            }
            return OrRaise(std::move(n));
          },
          py::arg("resolution"), py::kw_only(), py::arg("disclosed") = py::none(),
          py::arg("refused") = false, py::arg("by"), py::arg("reason"), py::arg("note") = "",
          "Replaces the outcome of the resolution at entry `resolution`, with a reason.")
      .def(
          "entry",
          [](PyLedger& l, std::uint64_t n) { return JsonLoads(OrRaise(l.ledger->Entry(n))); },
          py::arg("n"), "Entry `n` as a dict.")
      .def(
          "entry_bytes",
          [](PyLedger& l, std::uint64_t n) { return py::bytes(OrRaise(l.ledger->Entry(n))); },
          py::arg("n"), "Entry `n`'s canonical bytes, as hashed.")
      .def("__len__", [](PyLedger& l) { return OrRaise(l.ledger->Size()); })
      .def_property_readonly("origin", [](PyLedger& l) { return l.ledger->origin(); })
      .def_property_readonly("path", [](PyLedger& l) { return l.ledger->path(); })
      .def(
          "verify",
          [](PyLedger& l, const std::string& checkpoint, const std::string& key) {
            absl::StatusOr<LedgerVerification> verified;
            {
              py::gil_scoped_release unlocked;
              verified = l.ledger->Verify(VerifyOptions{checkpoint, key});
            }
            const LedgerVerification v = OrRaise(std::move(verified));
            py::dict out;
            out["ok"] = v.ok;
            out["size"] = v.size;
            out["root"] = v.root;
            out["first_bad"] = v.first_bad ? py::object(py::int_(*v.first_bad)) : py::none();
            out["problem"] = v.problem;
            out["decisions"] = v.decisions;
            out["resolutions"] = v.resolutions;
            out["corrections"] = v.corrections;
            out["checkpoint_checked"] = v.checkpoint_checked;
            return out;
          },
          py::kw_only(), py::arg("checkpoint") = "", py::arg("key") = "",
          "Recomputes every entry and the tree (and checks a signed checkpoint's text against "
          "its verifier key): a dict with ok, size, root, first_bad, problem and counts.")
      .def(
          "checkpoint",
          [](PyLedger& l, const std::string& signer) {
            absl::StatusOr<std::string> text;
            {
              py::gil_scoped_release unlocked;
              text = l.ledger->Checkpoint(signer);
            }
            return OrRaise(std::move(text));
          },
          py::arg("signer"), "The signed checkpoint text; `signer` is a PRIVATE+KEY line.")
      .def(
          "report",
          [](PyLedger& l, const std::string& period, std::vector<std::string> by,
             const std::string& split, std::uint64_t min_group, const std::string& obligation,
             const std::string& date, const std::string& from, const std::string& to) {
            ReportOptions o;
            o.period = period;
            o.by = std::move(by);
            o.split = split;
            o.min_group = min_group;
            o.obligation = obligation;
            o.date = date;
            o.from = from;
            o.to = to;
            absl::StatusOr<TransparencyReport> report;
            {
              py::gil_scoped_release unlocked;
              report = MakeReport(*l.ledger, o);
            }
            return JsonLoads(OrRaise(std::move(report)).ToJson());
          },
          py::kw_only(), py::arg("period") = "", py::arg("by") = std::vector<std::string>{},
          py::arg("split") = "", py::arg("min_group") = 1, py::arg("obligation") = "",
          py::arg("date") = "received", py::arg("from_") = "", py::arg("to") = "",
          "The transparency report as `writ report --format json` prints it (a dict).")
      .def("__repr__", [](PyLedger& l) {
        return absl::StrCat("<writ.Ledger ", l.ledger->path(), " (", l.ledger->origin(), ")>");
      });
  m.def(
      "ledger_keygen",
      [](const std::string& name) {
        LedgerKey k = OrRaise(LedgerKey::Generate(name));
        return py::make_tuple(k.signer, k.verifier);
      },
      py::arg("name"), "A new Ed25519 key for checkpoints: (signer, verifier) lines.");
}
