// A small disk for the tests of a journal whose disk fills: a tmpfs mounted in a user and mount
// namespace of its own (`unshare -Urm`, no root needed where the kernel allows one), held by a
// sleeping process, and commands run inside that namespace (`nsenter`) to write on it. The
// network is not the namespace's own: a command inside reaches the tests' simulator.
import { spawn, type ChildProcess } from "node:child_process";
import { cleanEnv, cliPath, collect, type CliOutcome } from "./helpers.js";

/** How long the holder lives at most: a suite that dies leaves no namespace behind for long. */
const holderSeconds = 300;

/** How long one command inside may take before it is killed: it must never hold the suite. */
const commandTimeoutMs = 30_000;

/** The exit of a shell inside when the tmpfs cannot be mounted (no user namespaces here). */
const notMountable = 77;

/** A tmpfs of a fixed size, seen only by the commands run through it. */
export class SmallDisk {
  readonly #holder: ChildProcess;
  /** Where the tmpfs is mounted (an empty directory outside the namespace). */
  readonly mountPoint: string;

  private constructor(holder: ChildProcess, mountPoint: string) {
    this.#holder = holder;
    this.mountPoint = mountPoint;
  }

  /**
   * Mounts a tmpfs of `size` (`2m`) at `mountPoint`, an existing empty directory; undefined
   * when this machine cannot (no unshare, user namespaces off, mount refused).
   */
  static async mount(mountPoint: string, size: string): Promise<SmallDisk | undefined> {
    const script = `mount -t tmpfs -o size="$1" p21kit-test "$2" || exit ${notMountable}; echo mounted; exec sleep ${holderSeconds}`;
    const holder = spawn("unshare", ["-Urm", "sh", "-c", script, "sh", size, mountPoint], {
      stdio: ["ignore", "pipe", "ignore"],
    });
    const mounted = await new Promise<boolean>((resolvePromise) => {
      holder.on("error", () => resolvePromise(false));
      holder.on("exit", () => resolvePromise(false));
      holder.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
        if (chunk.includes("mounted")) resolvePromise(true);
      });
    });
    const disk = new SmallDisk(holder, mountPoint);
    // Mounted, and entered: a machine without nsenter (or that refuses it) has no small disk.
    const entered = mounted ? await disk.run("true", [], "/").catch(() => undefined) : undefined;
    if (entered?.exitCode !== 0) {
      disk.release();
      return undefined;
    }

    return disk;
  }

  /** Starts `command` in `cwd` inside the namespace, with the tmpfs mounted. */
  spawn(command: string, args: readonly string[], cwd: string, env = {}): ChildProcess {
    const pid = String(this.#holder.pid);
    const enter = ["-t", pid, "-U", "-m", "--preserve-credentials", `--wd=${cwd}`];
    const child = spawn("nsenter", [...enter, command, ...args], {
      env: cleanEnv(env),
      stdio: ["ignore", "pipe", "pipe"],
    });
    const stuck = setTimeout(() => child.kill("SIGKILL"), commandTimeoutMs);
    child.on("close", () => clearTimeout(stuck));

    return child;
  }

  /** Runs `command` inside to its end. */
  run(command: string, args: readonly string[], cwd: string, env = {}): Promise<CliOutcome> {
    return collect(this.spawn(command, args, cwd, env));
  }

  /** Starts the built CLI in `cwd` inside the namespace. */
  spawnCli(args: readonly string[], cwd: string): ChildProcess {
    return this.spawn(process.execPath, [cliPath, ...args], cwd);
  }

  /** Fills every free block of the tmpfs with the file `path` on it (dd ends on ENOSPC). */
  async fill(path: string): Promise<void> {
    const dd = ["if=/dev/zero", `of=${path}`, "bs=4096"];
    const filled = await this.run("dd", dd, "/", { LC_ALL: "C" });
    if (!filled.stderr.includes("No space left on device")) {
      throw new Error(`the tmpfs was not filled: ${filled.stderr}`);
    }
  }

  /** The text of a file of the tmpfs (seen only from inside). */
  async read(path: string): Promise<string> {
    const read = await this.run("cat", [path], "/");
    if (read.exitCode !== 0) throw new Error(`${path} was not read: ${read.stderr}`);

    return read.stdout;
  }

  /** The names in a directory of the tmpfs, sorted. */
  async list(directory: string): Promise<string[]> {
    const listed = await this.run("ls", ["-A", directory], "/", { LC_ALL: "C" });
    if (listed.exitCode !== 0) throw new Error(`${directory} was not listed: ${listed.stderr}`);

    return listed.stdout
      .split("\n")
      .filter((name) => name !== "")
      .sort();
  }

  /** Removes a file of the tmpfs. */
  async remove(path: string): Promise<void> {
    const removed = await this.run("rm", [path], "/");
    if (removed.exitCode !== 0) throw new Error(`${path} was not removed: ${removed.stderr}`);
  }

  /** Ends the namespace, and the tmpfs with it (once no command runs inside). */
  release(): void {
    this.#holder.kill("SIGKILL");
  }
}
