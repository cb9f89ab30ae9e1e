import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { CliError } from "./errors.js";
import { ExitCode } from "./io.js";

/** Who holds a run: written in its lock file. */
interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(readFileSync(path, "utf8")) as Partial<LockHolder>;
    if (typeof holder.pid !== "number" || typeof holder.host !== "string") return undefined;
    return { pid: holder.pid, host: holder.host, since: String(holder.since) };
  } catch {
    return undefined;
  }
}

/** Whether a process of this machine is alive (a signal 0 reaches it). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The lock of one run of a journal: one process works a run at a time. Two at once (two
 * resumes, or a resume of a run still going) would send the same records twice and settle
 * each other's. A lock file beside the journal, `JOURNAL.run-RUN.lock`, holds the process; a
 * lock whose process is gone (killed) is taken over.
 *
 * Known limit: the holder is checked on this machine only; a journal on a shared disk worked
 * from two machines is not protected (the journal is meant for one machine). And two processes
 * that find the same stale lock within the same instant may both take it over.
 */
export class RunLock implements Disposable {
  readonly #path: string;
  #held = false;

  private constructor(path: string) {
    this.#path = path;
  }

  /** Takes the lock of `runId`, or throws (exit 2) naming the process that holds it. */
  static take(journalPath: string, runId: string): RunLock {
    const lock = new RunLock(`${journalPath}.run-${runId}.lock`);
    lock.#take(runId);
    return lock;
  }

  #take(runId: string): void {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        const descriptor = openSync(this.#path, "wx", 0o600);
        const holder: LockHolder = {
          pid: process.pid,
          host: hostname(),
          since: new Date().toISOString(),
        };
        writeSync(descriptor, `${JSON.stringify(holder)}\n`);
        closeSync(descriptor);
        this.#held = true;
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }

      const holder = readHolder(this.#path);
      const stale = holder === undefined || (holder.host === hostname() && !isAlive(holder.pid));
      if (!stale) {
        throw new CliError(
          `run ${runId} is being worked by process ${holder.pid} on ${holder.host} (since ${holder.since})`,
          {
            code: "P21_RUN_LOCKED",
            exitCode: ExitCode.usage,
            hint: `Wait for it to end, or stop it. If that process is gone, delete ${this.#path}.`,
          },
        );
      }

      unlinkSync(this.#path);
    }
  }

  /** Releases the lock; idempotent. */
  release(): void {
    if (!this.#held) return;

    this.#held = false;
    try {
      unlinkSync(this.#path);
    } catch {
      // Already gone: nothing to release.
    }
  }

  [Symbol.dispose](): void {
    this.release();
  }
}
