// File: src/cli/common.hpp
//
// What every subcommand shares: exit codes (the same in all of them, and
// written in --help), terminal detection, colour, reading files, and finding
// the bundled default policy.
#ifndef WRIT_SRC_CLI_COMMON_HPP_
#define WRIT_SRC_CLI_COMMON_HPP_

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/read_file.hpp"
#include "writ/history.hpp"
#include "writ/policy.hpp"

namespace writ::cli {

enum ExitCode : int {
  kOk = 0,
  kFailed = 1,      // a check, a test, or a request failed
  kUsage = 2,       // bad flags or arguments
  kUnreadable = 3,  // a file could not be read
};

inline constexpr const char* kExitCodesHelp =
    "Exit status: 0 success; 1 a failed check, test or request; 2 usage error; "
    "3 a file that cannot be read.";

bool StdoutIsTerminal();
bool StderrIsTerminal();
// Colour only on terminals, never when NO_COLOR is set or TERM is dumb.
bool UseColor(bool terminal);

// A file, or standard input for "-", of at most `max_bytes` (pipes allowed;
// devices and directories are errors).
inline constexpr size_t kMaxPolicyBytes = size_t{16} << 20;
absl::StatusOr<std::string> ReadText(const std::string& path, size_t max_bytes);
// The longest request `writ eval` reads, by default (--max-request-bytes):
// inputs are streamed record by record, so this bounds memory, not input.
inline constexpr size_t kMaxRequestBytes = size_t{64} << 20;
// Replaces the file at `path` with `text` atomically (a temporary file
// beside it, renamed over it); on any error the file is unchanged.
absl::Status ReplaceFile(const std::string& path, std::string_view text);
// The policy to use without --policy: $WRIT_POLICY when set (an error if it
// cannot be read), else the bundled Telegram 2024 policy.
absl::StatusOr<std::string> DefaultPolicyPath();
// Every *.writ file under each path (a file is itself), sorted; folders
// named testdata, hidden folders and build trees are passed over.
absl::StatusOr<std::vector<std::string>> FindPolicyFiles(const std::vector<std::string>& paths);

// The policy at `path` for command `command` (diff, lint): null after
// printing why it cannot be used (its diagnostics, or why it cannot be read).
std::shared_ptr<const Policy> LoadForAnalysis(const std::string& path, const char* command);
// A policy file or a history file, loaded: what `eval` decides with.
struct Decider {
  std::shared_ptr<const Policy> policy;          // a policy file,
  std::shared_ptr<const PolicyHistory> history;  // or a history file
  std::string label;                             // how text output names it
  Request NewRequest() const { return history ? history->NewRequest() : policy->NewRequest(); }
  absl::Status ParseRequest(std::string_view json, Request& r, const ParseOptions& o) const {
    return history ? history->ParseRequest(json, r, o) : policy->ParseRequest(json, r, o);
  }
  void Decide(const Request& r, Decision& d) const {
    history ? history->Decide(r, d) : policy->Decide(r, d);
  }
  Explanation Explain(const Request& r) const {
    return history ? history->Explain(r) : policy->Explain(r);
  }
  // What would change `d` (the decision of `r`): a history's are those of
  // the version applied; a history's request with no version applied has
  // none to offer (FailedPrecondition, saying why).
  absl::StatusOr<writ::Alternatives> Alternatives(const Request& r, const Decision& d) const;
};
// Loads `path` as a history when it holds one, else as a policy; the
// status as Policy::Load's (InvalidArgument carries rendered diagnostics).
absl::StatusOr<Decider> LoadDecider(const std::string& path);
// Whether the file at `path` is a history file (false when unreadable:
// loading it as a policy then says why).
bool IsHistoryFile(const std::string& path);

// A request input opened for streaming: standard input for "-" (fd 0), else
// the file or pipe (files of any size: inputs are read record by record);
// -1 after printing why it cannot be read. `holder` keeps the file open.
int OpenRequestInput(const std::string& path, detail::FileDescriptor& holder);

// Subcommands: each registers its options and returns its runner.
struct Command {
  CLI::App* app;
  std::function<int()> run;
};
Command AddCheck(CLI::App& root);
Command AddEval(CLI::App& root);
Command AddTest(CLI::App& root);
Command AddFmt(CLI::App& root);
Command AddDiff(CLI::App& root);
Command AddLint(CLI::App& root);

}  // namespace writ::cli

#endif  // WRIT_SRC_CLI_COMMON_HPP_
