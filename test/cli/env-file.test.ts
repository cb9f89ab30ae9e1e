import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeSettingLookup, readEnvFile } from "../../src/cli/config/env-file.js";

describe("configuration", () => {
  it("takes the environment before the .env file, and ignores empty values", async () => {
    const directory = await mkdtemp(join(tmpdir(), "p21kit-env-"));
    try {
      await writeFile(
        join(directory, ".env"),
        "# comment\nP21_BASE_URL=https://from-file\nP21_USERNAME='file_user'\nP21_PASSWORD=\n",
      );
      const setting = makeSettingLookup(
        { P21_USERNAME: "env_user", P21_BASE_URL: "" },
        readEnvFile(directory),
      );
      expect(setting("P21_BASE_URL")).toBe("https://from-file");
      expect(setting("P21_USERNAME")).toBe("env_user");
      expect(setting("P21_PASSWORD")).toBeUndefined();
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it("reads a .env saved by Windows Notepad: a byte order mark and CRLF line ends", async () => {
    const directory = await mkdtemp(join(tmpdir(), "p21kit-env-"));
    try {
      const lines = ["P21_BASE_URL=https://p21.example.com", "P21_USERNAME=api_user", ""];
      await writeFile(join(directory, ".env"), `\uFEFF${lines.join("\r\n")}`, "utf8");

      expect(readEnvFile(directory)).toEqual({
        P21_BASE_URL: "https://p21.example.com",
        P21_USERNAME: "api_user",
      });
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it("reads no .env when there is none", () => {
    expect(readEnvFile(join(tmpdir(), "p21kit-no-such-directory"))).toEqual({});
  });
});
