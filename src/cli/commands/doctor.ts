import type { Command } from "commander";
import { createClient } from "../client-factory.js";
import {
  addConnectionOptions,
  addOutputOptions,
  defaultJournalPath,
  type CommonFlags,
} from "../config/options.js";
import { resolveConnection } from "../config/connection.js";
import { action, type CommandContext } from "../context.js";
import { runDoctorChecks, type CheckResult } from "../doctor/checks.js";
import { checkJournal } from "../doctor/journal-check.js";
import { journalPath } from "../journal-access.js";
import { ExitCode } from "../io.js";
import { createCliLogger } from "../output/logger.js";
import type { CliOutput } from "../output/cli-output.js";
import { formatDuration } from "../output/format.js";

type DoctorFlags = Omit<CommonFlags, "sessions" | "batchSize" | "retries" | "out">;

function printCheck(output: CliOutput, result: CheckResult): void {
  const { styles } = output;
  const verdictText = {
    ok: styles.green("ok  "),
    warn: styles.yellow("warn"),
    fail: styles.red("fail"),
    skip: styles.dim("skip"),
  }[result.verdict];
  const took = result.durationMs > 0 ? styles.dim(` (${formatDuration(result.durationMs)})`) : "";
  output.line(`${verdictText}  ${result.check.padEnd(15)} ${result.detail}${took}`);
  if (result.action !== undefined) output.line(`      ${"".padEnd(15)} → ${result.action}`);
  for (const quirk of result.quirks ?? []) {
    output.line(
      styles.dim(
        `      ${"".padEnd(15)}   quirk ${quirk.number}: ${quirk.summary}; ${quirk.handling}`,
      ),
    );
  }
}

/** `p21kit doctor`: read-only checks of a server, one line per check. */
export function registerDoctorCommand(program: Command, context: CommandContext): void {
  const doctor = program
    .command("doctor")
    .description(
      "check a server, read-only: token, router, build, session, the price windows, OData, quirks; and the journal's disk",
    );
  addConnectionOptions(doctor);
  doctor.option(
    "--journal <file>",
    "the journal runs would use: whether it may be written and is on a local disk (nothing is made)",
    defaultJournalPath,
  );
  addOutputOptions(doctor);
  doctor.addHelpText(
    "after",
    "\nThe journal check warns when --journal may not be written, or is on a network file system\n(NFS, SMB, 9p, FUSE and others on Linux; a UNC path on Windows), where SQLite's WAL and the run\nlock are not reliable.\n\nExit code 0 when every check is ok or warn, 3 when the server cannot be reached or refuses\nthe credentials, 1 when a later check fails.\n\nExample:\n  p21kit doctor --base-url https://p21.example.com --username api_user",
  );

  doctor.action(
    action(context, async (flags: DoctorFlags) => {
      context.json = flags.json === true;
      const { output, io } = context;
      const connection = await resolveConnection(flags, io, output);
      const logger = createCliLogger(output, flags.logLevel);
      const client = createClient(connection, { logger });

      const results: CheckResult[] = [];
      const report = (result: CheckResult) => {
        results.push(result);
        if (flags.json) output.json({ type: "check", ...result });
        else if (!flags.quiet || result.verdict === "fail") printCheck(output, result);
      };
      try {
        if (!flags.json && !flags.quiet) output.line(`Checking ${connection.baseUrl} (read-only)`);
        for await (const result of runDoctorChecks(client, AbortSignal.timeout(5 * 60_000))) {
          report(result);
        }
      } finally {
        await client.close();
      }

      // Of this machine, not of the server: told whatever the server answered.
      report(checkJournal(journalPath(io, flags.journal)));

      const failed = results.filter((result) => result.verdict === "fail");
      const warned = results.filter((result) => result.verdict === "warn");
      const connectFailed = failed.some(
        (result) => result.check === "token" || result.check === "router",
      );
      const exitCode = connectFailed
        ? ExitCode.connection
        : failed.length > 0
          ? ExitCode.failedRecords
          : ExitCode.success;

      if (flags.json) {
        output.json({
          type: "summary",
          baseUrl: connection.baseUrl,
          ok: results.filter((result) => result.verdict === "ok").length,
          warn: warned.length,
          fail: failed.length,
          exitCode,
        });
      } else if (!flags.quiet) {
        const verdict =
          failed.length > 0
            ? output.styles.red(`${failed.length} check${failed.length === 1 ? "" : "s"} failed`)
            : warned.length > 0
              ? output.styles.yellow(
                  `ready, with ${warned.length} warning${warned.length === 1 ? "" : "s"}`,
                )
              : output.styles.green("ready");
        output.line(`\n${verdict}`);
      }

      return exitCode;
    }),
  );
}
