// File: src/cli/check.cpp — `writ check FILE...`: load and check policies.
#include <iostream>

#include "cli/common.hpp"
#include "writ/writ.hpp"

namespace writ::cli {

Command AddCheck(CLI::App& root) {
  auto* app =
      root.add_subcommand("check", "Load and check policy and history files; print diagnostics");
  app->footer(kExitCodesHelp);
  auto files = std::make_shared<std::vector<std::string>>();
  auto format = std::make_shared<std::string>("text");
  app->add_option("files", *files, "Policy files (*.writ)")->required();
  app->add_option("--format", *format,
                  "Diagnostics as text (on standard error) or json (one "
                  "object per line on standard output)")
      ->check(CLI::IsMember({"text", "json"}));
  return {app, [files, format] {
            int status = kOk;
            bool color = UseColor(StderrIsTerminal());
            LoadOptions options;
            options.require_cites = true;
            for (const auto& f : *files) {
              auto result = Decider::IsHistoryFile(f) ? PolicyHistory::Check(f, options)
                                                      : Policy::Check(f, options);
              if (!result.ok()) {
                std::cerr << "writ: " << result.status().message() << "\n";
                status = kUnreadable;
                continue;
              }
              if (*format == "json") {
                std::cout << FormatDiagnosticsJson(result->sources, result->diagnostics);
              } else {
                std::cerr << result->Format(color);
              }
              if (!result->ok() && status == kOk) status = kFailed;
            }
            return status;
          }};
}

}  // namespace writ::cli
