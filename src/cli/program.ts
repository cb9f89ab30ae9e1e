import { Command } from "commander";
import { registerDemoCommand } from "./commands/demo.js";
import { registerDoctorCommand } from "./commands/doctor.js";
import { registerPricePagesCommand } from "./commands/price-pages.js";
import { registerResumeCommand, registerRetryFailedCommand } from "./commands/resume.js";
import { registerRunsCommand } from "./commands/runs.js";
import { registerSimulatorCommand } from "./commands/simulator.js";
import type { CommandContext } from "./context.js";
import { withoutOptionValues } from "./report-error.js";
import { packageVersion } from "./version.js";

/** Builds the whole `p21kit` command tree, writing through the context's output. */
export function buildProgram(context: CommandContext): Command {
  const { output } = context;
  const program = new Command("p21kit")
    .description(
      "Bulk operations on Epicor Prophet 21 through the Interactive API: price pages, " +
        "resumable runs, a server check, and a simulator to rehearse on.",
    )
    .version(packageVersion(), "-V, --version")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => output.writeOut(text),
      writeErr: (text) => output.writeErr(text),
      // The parser's own message may quote a password given to an unknown option.
      outputError: (text, write) => write(output.styles.red(withoutOptionValues(text))),
    })
    .enablePositionalOptions()
    .showSuggestionAfterError(true)
    .showHelpAfterError("(run with --help for usage)")
    .allowExcessArguments(false);

  registerPricePagesCommand(program, context);
  registerRunsCommand(program, context);
  registerResumeCommand(program, context);
  registerRetryFailedCommand(program, context);
  registerDoctorCommand(program, context);
  registerDemoCommand(program, context);
  registerSimulatorCommand(program, context.io);

  program.addHelpText(
    "after",
    [
      "",
      "Exit codes: 0 all succeeded, 1 some records failed, 2 usage or input error (nothing sent),",
      "            3 cannot connect or authenticate, 130 interrupted (resume with `p21kit resume`).",
      "",
      "Configuration: flags, then P21_BASE_URL, P21_USERNAME, P21_PASSWORD, P21_CONSUMER_KEY,",
      "then a .env file in the current directory.",
    ].join("\n"),
  );

  return program;
}
