import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveConnection } from "../../src/cli/config/connection.js";
import { CliOutput } from "../../src/cli/output/cli-output.js";
import { bufferedIo } from "./buffered-io.js";

describe("the connection of a resumed run", () => {
  const recorded = { baseUrl: "https://p21.example.com", username: "api_user" };

  it("takes --base-url of the run's server with user:password@ as that server", async () => {
    const { io } = bufferedIo();
    const flags = { baseUrl: "https://api_user:s3cret@p21.example.com/", password: "pw" };
    const connection = await resolveConnection(flags, io, new CliOutput(io), recorded);

    expect(connection.baseUrl).toBe("https://p21.example.com");
  });

  it("refuses another server, naming both without credentials", async () => {
    const { io } = bufferedIo();
    const flags = { baseUrl: "https://api_user:s3cret@other.example.com", password: "pw" };

    await expect(resolveConnection(flags, io, new CliOutput(io), recorded)).rejects.toThrow(
      "this run was made against https://p21.example.com, not https://other.example.com",
    );
  });
});

describe("the user of a resumed run", () => {
  const recorded = { baseUrl: "https://p21.example.com", username: "api_user" };

  it("refuses a --username of another user: the run signs in as its own", async () => {
    const { io } = bufferedIo();
    const flags = { username: "someone_else", password: "pw" };

    await expect(resolveConnection(flags, io, new CliOutput(io), recorded)).rejects.toThrow(
      "this run was made by api_user, not someone_else",
    );
  });

  it("takes the run's user in another case, or P21_USERNAME of another, as the run's user", async () => {
    const { io } = bufferedIo({ env: { P21_USERNAME: "someone_else" } });
    const output = new CliOutput(io);

    for (const flags of [{ username: "API_USER", password: "pw" }, { password: "pw" }]) {
      const connection = await resolveConnection(flags, io, output, recorded);
      expect(connection.username).toBe("api_user");
    }
  });
});

describe("a --base-url that is not a URL", () => {
  it("is named without what stands before its last @, whatever characters a password holds", async () => {
    for (const [baseUrl, shown] of [
      [
        "http://api_user:pa/ss@p21.example.com",
        "http://(user and password left out)@p21.example.com",
      ],
      [
        "http://api_user:pa#ss@p21 .example.com",
        "http://(user and password left out)@p21 .example.com",
      ],
      ["not a url", "not a url"],
    ]) {
      const { io } = bufferedIo();
      const flags = { baseUrl, username: "api_user", password: "pw" };

      await expect(resolveConnection(flags, io, new CliOutput(io))).rejects.toThrow(
        `--base-url "${shown}" is not a URL`,
      );
    }
  });
});

describe("a P21_BASE_URL that is not a URL", () => {
  it("is named as the setting it came from, the environment or .env", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "p21kit-connection-"));
    writeFileSync(join(cwd, ".env"), "P21_BASE_URL=ftp://p21.example.com\n");
    const fromFile = bufferedIo({ cwd });
    const fromEnv = bufferedIo({ env: { P21_BASE_URL: "p21.example.com" } });
    const flags = { username: "api_user", password: "pw" };

    await expect(resolveConnection(flags, fromFile.io, new CliOutput(fromFile.io))).rejects.toThrow(
      "P21_BASE_URL in .env must use http or https, got ftp:",
    );
    await expect(resolveConnection(flags, fromEnv.io, new CliOutput(fromEnv.io))).rejects.toThrow(
      'P21_BASE_URL "p21.example.com" is not a URL',
    );
    rmSync(cwd, { recursive: true, force: true });
  });
});
