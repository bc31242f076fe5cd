// File: src/cli/fmt.cpp — `writ fmt [--check] FILE...`: canonical layout.
#include <fstream>
#include <iostream>

#include "cli/common.hpp"
#include "writ/writ.hpp"

namespace writ::cli {

Command AddFmt(CLI::App& root) {
  auto* app =
      root.add_subcommand("fmt", "Rewrite policy files in the canonical layout, keeping comments");
  app->footer(kExitCodesHelp);
  auto files = std::make_shared<std::vector<std::string>>();
  auto check = std::make_shared<bool>(false);
  app->add_option("files", *files,
                  "Policy files (*.writ); - formats standard input to standard output")
      ->required();
  app->add_flag("--check", *check, "Change nothing; list the files that would change and exit 1");
  return {app, [files, check] {
            int status = kOk;
            for (const auto& f : *files) {
              auto text = ReadText(f, kMaxPolicyBytes);
              if (!text.ok()) {
                std::cerr << "writ: " << text.status().message() << "\n";
                status = kUnreadable;
                continue;
              }
              auto out = Format(f == "-" ? "<stdin>" : f, *text);
              if (!out.ok()) {
                std::cerr << out.status().message();
                if (status == kOk) status = kFailed;
                continue;
              }
              if (f == "-") {
                // A filter: standard input to standard output, even unchanged.
                if (*check) {
                  if (*out != *text) status = kFailed;
                } else {
                  std::cout << *out;
                }
                continue;
              }
              if (*out == *text) continue;
              if (*check) {
                std::cout << f << "\n";
                if (status == kOk) status = kFailed;
                continue;
              }
              if (absl::Status w = ReplaceFile(f, *out); !w.ok()) {
                std::cerr << "writ: " << w.message() << "\n";
                status = kUnreadable;
              }
            }
            return status;
          }};
}

}  // namespace writ::cli
