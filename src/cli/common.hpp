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
#include "writ/decider.hpp"
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
Command AddServe(CLI::App& root);
Command AddLedger(CLI::App& root);
Command AddReport(CLI::App& root);

}  // namespace writ::cli

#endif  // WRIT_SRC_CLI_COMMON_HPP_
