// The command lines printed under a stopped or failed run: they must work when pasted.
import { describe, expect, it } from "vitest";

import { defaultJournalPath } from "../../src/cli/config/options.js";
import { runCommandLine } from "../../src/cli/run-hints.js";

describe("runCommandLine", () => {
  it("leaves out the default journal", () => {
    expect(runCommandLine("resume", "r1", undefined, "linux")).toBe("p21kit resume r1");
    expect(runCommandLine("resume", "r1", defaultJournalPath, "win32")).toBe("p21kit resume r1");
  });

  it("quotes a path for a POSIX shell", () => {
    expect(runCommandLine("resume", "r1", "runs/j.db", "linux")).toBe(
      "p21kit resume r1 --journal runs/j.db",
    );
    expect(runCommandLine("runs show", "r1", "/home/ann smith/it's.db", "darwin")).toBe(
      "p21kit runs show r1 --journal '/home/ann smith/it'\\''s.db'",
    );
  });

  it("quotes a path for cmd.exe and PowerShell on Windows, backslashes as they are", () => {
    expect(runCommandLine("resume", "r1", "C:\\runs\\j.db", "win32")).toBe(
      "p21kit resume r1 --journal C:\\runs\\j.db",
    );
    expect(runCommandLine("retry-failed", "r1", "C:\\Users\\Ann Smith\\j.db", "win32")).toBe(
      'p21kit retry-failed r1 --journal "C:\\Users\\Ann Smith\\j.db"',
    );
    expect(runCommandLine("resume", "r1", "\\\\share\\p21 runs\\j.db", "win32")).toBe(
      'p21kit resume r1 --journal "\\\\share\\p21 runs\\j.db"',
    );
  });
});
