import { CliError } from "../errors.js";
import { ExitCode } from "../io.js";

/**
 * Asks for a password on a terminal without echoing it. Reads raw keystrokes from `input`
 * (Enter ends, Backspace deletes, Ctrl-C aborts) and writes only the question to `output`.
 */
export async function promptHidden(
  question: string,
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
): Promise<string> {
  const terminal = input as NodeJS.ReadableStream & {
    isTTY?: boolean;
    setRawMode?: (on: boolean) => void;
  };
  output.write(question);
  terminal.setRawMode?.(true);
  input.resume();

  return new Promise<string>((resolve, reject) => {
    let answer = "";
    const finish = (error?: Error): void => {
      input.off("data", onData);
      input.off("end", onEnd);
      terminal.setRawMode?.(false);
      input.pause();
      output.write("\n");
      if (error) reject(error);
      else resolve(answer);
    };

    const onData = (chunk: Buffer | string): void => {
      for (const character of chunk.toString("utf8")) {
        if (character === "\r" || character === "\n" || character === "\u0004") return finish();
        if (character === "\u0003") {
          return finish(
            new CliError("password prompt cancelled", {
              code: "P21_PROMPT_CANCELLED",
              exitCode: ExitCode.interrupted,
            }),
          );
        }
        if (character === "\u007f" || character === "\b") answer = answer.slice(0, -1);
        else answer += character;
      }
    };

    const onEnd = (): void => finish();
    input.on("data", onData);
    input.on("end", onEnd);
  });
}
