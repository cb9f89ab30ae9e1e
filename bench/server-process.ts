// A bench's server in a child process of its own: the script is run with `--serve`, prints its
// URL as its first line and exits when its stdin ends.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { childExecArgv } from "./simulator-host.js";

export interface ServerProcess {
  url: string;
  stop(): Promise<void>;
}

/** Starts `script --serve` with this process's Node flags (the tsx loader; see childExecArgv). */
export async function startServerProcess(script: string): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...childExecArgv(), script, "--serve"], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise<string>((resolve, reject) => {
    lines.once("line", resolve);
    child.once("exit", (code) =>
      reject(new Error(`server process ${script} exited with ${String(code)}`)),
    );
  });

  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.stdin.end();
      }),
  };
}
