// File: src/cli/main.cpp — argv, dispatch to a subcommand, exit codes.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "cli/common.hpp"
#include "common/names.hpp"

namespace {

using namespace writ::cli;

// "did you mean" for an unknown subcommand or option, from the names the
// app (or the subcommand) knows.
std::string Suggest(std::string_view given, const std::vector<std::string>& known) {
  std::string near = writ::detail::NearestName(given, known);
  return near.empty() ? "" : "; did you mean '" + near + "'?";
}

std::vector<std::string> OptionNames(const CLI::App* app) {
  std::vector<std::string> names;
  for (const CLI::Option* o : app->get_options()) {
    for (const std::string& l : o->get_lnames()) names.push_back("--" + l);
    for (const std::string& s : o->get_snames()) names.push_back("-" + s);
  }
  return names;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"writ: decide authorities' requests for user data against a disclosure policy",
               "writ"};
  app.footer(kExitCodesHelp);
  app.set_version_flag("--version", std::string("writ ") + WRIT_VERSION, "Print writ's version");
  app.require_subcommand(1);
  std::vector<Command> commands = {AddCheck(app), AddEval(app),   AddTest(app),
                                   AddFmt(app),   AddDiff(app),   AddLint(app),
                                   AddServe(app), AddLedger(app), AddReport(app)};
  CLI::App* version = app.add_subcommand("version", "Print writ's version");
  CLI::App* help = app.add_subcommand("help", "Print this help, or a command's: writ help eval");
  std::string help_topic;
  help->add_option("command", help_topic, "A command");

  // An unknown command: say so and suggest, before CLI11 reads it as an
  // argument that nothing expects.
  if (argc > 1 && argv[1][0] != '-') {
    std::vector<std::string> names;
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
      names.push_back(sub->get_name());
    if (std::find(names.begin(), names.end(), argv[1]) == names.end()) {
      std::cerr << "writ: unknown command '" << argv[1] << "'" << Suggest(argv[1], names)
                << "\nRun 'writ help' for the commands.\n";
      return kUsage;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ExtrasError& e) {
    // An unknown option: name it and suggest the nearest one of its command.
    const CLI::App* where = &app;
    for (const CLI::App* sub : app.get_subcommands())
      if (sub->parsed()) where = sub;
    for (const std::string& extra : where->remaining()) {
      if (extra.size() > 1 && extra[0] == '-') {
        std::cerr << "writ" << (where == &app ? "" : " " + where->get_name())
                  << ": unknown option '" << extra << "'" << Suggest(extra, OptionNames(where))
                  << "\nRun 'writ help" << (where == &app ? "" : " " + where->get_name())
                  << "' for the options.\n";
        return kUsage;
      }
    }
    app.exit(e);
    return kUsage;
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kUsage;
  }
  if (version->parsed()) {
    std::cout << "writ " << WRIT_VERSION << "\n";
    return kOk;
  }
  if (help->parsed()) {
    if (help_topic.empty()) {
      // Not app.help(): once `help` is parsed, that prints help's own.
      std::cout << app.get_formatter()->make_help(&app, "writ", CLI::AppFormatMode::Normal);
      return kOk;
    }
    for (auto& c : commands) {
      if (c.app->get_name() == help_topic) {
        std::cout << c.app->get_formatter()->make_help(c.app, "writ " + help_topic,
                                                       CLI::AppFormatMode::Normal);
        return kOk;
      }
    }
    std::vector<std::string> names;
    for (auto& c : commands) names.push_back(c.app->get_name());
    std::cerr << "writ: no command '" << help_topic << "'" << Suggest(help_topic, names) << "\n";
    return kUsage;
  }
  for (auto& c : commands) {
    if (!c.app->parsed()) continue;
    const int status = c.run();
    // Output that was not written (a full disk, a closed pipe) is a failure,
    // never a silent success.
    std::cout.flush();
    if (!std::cout || std::fflush(stdout) != 0 || std::ferror(stdout)) {
      std::cerr << "writ: cannot write the output: " << std::strerror(errno) << "\n";
      return status == kOk ? kFailed : status;
    }
    return status;
  }
  return kUsage;
}
