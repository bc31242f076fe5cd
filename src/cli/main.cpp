// File: src/cli/main.cpp — argv, dispatch to a subcommand, exit codes.
#include <iostream>

#include "cli/common.hpp"

int main(int argc, char** argv) {
  using namespace writ::cli;
  CLI::App app{"writ: decide authorities' requests for user data against a disclosure policy",
               "writ"};
  app.footer(kExitCodesHelp);
  app.require_subcommand(1);
  std::vector<Command> commands = {AddCheck(app), AddEval(app), AddTest(app), AddFmt(app)};
  CLI::App* version = app.add_subcommand("version", "Print writ's version");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kUsage;
  }
  if (version->parsed()) {
    std::cout << "writ " << WRIT_VERSION << "\n";
    return kOk;
  }
  for (auto& c : commands)
    if (c.app->parsed()) return c.run();
  return kUsage;
}
