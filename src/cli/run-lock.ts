import { randomUUID } from "node:crypto";
import { linkSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
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

function createInPlace(path: string, text: string): boolean {
  try {
    writeFileSync(path, text, { mode: 0o600, flag: "wx" });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
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
      if (this.#create()) {
        this.#held = true;
        return;
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

  /**
   * Creates the lock file with its holder in it, or answers false when it exists. The holder is
   * written to a file of this process first and linked into place: the lock never exists empty,
   * which another process would take for a stale lock (it cannot tell an empty file being
   * written from one a killed process left).
   */
  #create(): boolean {
    const holder: LockHolder = {
      pid: process.pid,
      host: hostname(),
      since: new Date().toISOString(),
    };
    const text = `${JSON.stringify(holder)}\n`;
    const own = `${this.#path}.${process.pid}.${randomUUID()}`;
    writeFileSync(own, text, { mode: 0o600, flag: "wx" });
    try {
      linkSync(own, this.#path);
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EEXIST") return false;
      if (code !== "EPERM" && code !== "ENOTSUP" && code !== "ENOSYS") throw error;

      // A file system without hard links: create in place, the short empty moment accepted.
      return createInPlace(this.#path, text);
    } finally {
      unlinkSync(own);
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
