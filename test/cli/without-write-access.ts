import { spawn } from "node:child_process";
import { cleanEnv, cliPath, collect, type CliOutcome } from "./helpers.js";

// Root may write a file or directory whatever its mode says, through CAP_DAC_OVERRIDE. Dropped
// from the bounding set (util-linux's setpriv), no program started under it can have it, and
// root is held to the modes of its own files like any user.
export function withoutOverride(command: readonly string[]): string[] {
  return process.getuid?.() === 0
    ? ["setpriv", "--bounding-set=-dac_override", ...command]
    : [...command];
}

function run(command: readonly string[], cwd: string): Promise<CliOutcome> {
  const [program = "", ...args] = withoutOverride(command);

  return collect(spawn(program, args, { cwd, env: cleanEnv(), stdio: ["ignore", "pipe", "pipe"] }));
}

/** Runs the built CLI held to the modes of files and directories, even when the tests run as root. */
export function runCliWithoutOverride(args: readonly string[], cwd: string): Promise<CliOutcome> {
  return run([process.execPath, cliPath, ...args], cwd);
}

/** Whether a process started like {@link runCliWithoutOverride} may create a file in `directory`. */
export async function mayCreateFileIn(directory: string): Promise<boolean> {
  const probe =
    "require('node:fs').writeFileSync(require('node:path').join(process.argv[1], 'probe'), '')";
  const outcome = await run([process.execPath, "-e", probe, directory], directory);

  return outcome.exitCode === 0;
}
