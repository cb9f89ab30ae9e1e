import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { resolveConnection } from "../../src/cli/config/connection.js";
import { CliOutput } from "../../src/cli/output/cli-output.js";
import { bufferedIo } from "./buffered-io.js";

describe("the password prompt", () => {
  it("reads keystrokes without echoing them, Backspace included", async () => {
    const { promptHidden } = await import("../../src/cli/config/prompt.js");
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = "";
    output.setEncoding("utf8").on("data", (chunk: string) => (shown += chunk));
    const answer = promptHidden("Password: ", input, output);
    input.write("secrex");
    input.write("\u007ft\r");
    expect(await answer).toBe("secret");
    expect(shown).toBe("Password: \n");
  });

  it("names the server without the user:password@ its base URL carries", async () => {
    const { io, text } = bufferedIo({ isTTY: true });
    const flags = { baseUrl: "https://api_user:s3cret@p21.example.com", username: "api_user" };
    const connection = resolveConnection(flags, io, new CliOutput(io));
    (io.stdin as PassThrough).write("typed\r");

    expect((await connection).password).toBe("typed");
    expect(text.stderr).toBe("Password for api_user at https://p21.example.com: \n");
  });

  it("names the server of P21_BASE_URL without its user:password@, whatever the password holds", async () => {
    for (const baseUrl of [
      "https://api_user:s3@cret@p21.example.com",
      "https://api_user:s3 cret@p21.example.com",
    ]) {
      const { io, text } = bufferedIo({ isTTY: true, env: { P21_BASE_URL: baseUrl } });
      const connection = resolveConnection({ username: "api_user" }, io, new CliOutput(io));
      (io.stdin as PassThrough).write("typed\r");

      expect((await connection).password).toBe("typed");
      expect(text.stderr).toBe("Password for api_user at https://p21.example.com: \n");
    }
  });

  it("is not asked for a P21_BASE_URL that is not a URL, which is named without its password", async () => {
    const env = { P21_BASE_URL: "https://api_user:s3/cret@p21.example.com" };
    const { io, text } = bufferedIo({ isTTY: true, env });
    (io.stdin as PassThrough).write("typed\r");

    await expect(
      resolveConnection({ username: "api_user" }, io, new CliOutput(io)),
    ).rejects.toThrow(
      'P21_BASE_URL "https://(user and password left out)@p21.example.com" is not a URL',
    );
    expect(text.stderr).toBe("");
  });
});
