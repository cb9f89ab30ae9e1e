import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";

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
});
