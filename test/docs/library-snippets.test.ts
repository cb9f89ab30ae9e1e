import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const readmeUrl = new URL("../../README.md", import.meta.url);
const entry = fileURLToPath(new URL("../../src/index.ts", import.meta.url));
const here = fileURLToPath(import.meta.url);

/** What the README's fragments take as given: a client, a window, a controller, pino. */
const preamble = `import { readFileSync } from "node:fs";
import { pino } from "pino";
import { P21Client } from "p21kit";
import type { Window } from "p21kit";
declare const client: P21Client;
declare const window: Window;
declare const controller: AbortController;
void readFileSync, pino, client, window, controller;
`;

/** The ts blocks of "## Using the library", up to the next top-level section. */
function librarySnippets(readme: string): string[] {
  const start = readme.indexOf("\n## Using the library\n");
  const end = readme.indexOf("\n## ", start + 1);

  return [...readme.slice(start, end).matchAll(/```ts\n([\s\S]*?)```/g)].map(
    (match) => match[1] ?? "",
  );
}

describe("the README's library section", () => {
  it("shows TypeScript that compiles under strict NodeNext against p21kit", async () => {
    const snippets = librarySnippets(await readFile(readmeUrl, "utf8"));
    expect(snippets.length).toBeGreaterThanOrEqual(5);
    const directory = await mkdtemp(join(tmpdir(), "p21kit-snippets-"));

    try {
      const files = await Promise.all(
        snippets.map(async (snippet, index) => {
          const file = join(directory, `snippet-${index}.mts`);
          // A whole program (it imports the client itself) needs no preamble.
          const whole = /import \{[^}]*\bP21Client\b[^}]*\} from "p21kit"/.test(snippet);
          await writeFile(file, whole ? snippet : preamble + snippet);

          return file;
        }),
      );
      const options: ts.CompilerOptions = {
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        target: ts.ScriptTarget.ES2023,
        lib: ["lib.es2023.d.ts", "lib.esnext.disposable.d.ts"],
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: ["node"],
        typeRoots: [fileURLToPath(new URL("../../node_modules/@types", import.meta.url))],
      };
      // The fragments live outside the repository: p21kit and pino resolve as from here.
      const pino = ts.resolveModuleName("pino", here, options, ts.sys).resolvedModule;
      options.paths = { p21kit: [entry], pino: [pino?.resolvedFileName ?? "pino"] };
      const program = ts.createProgram(files, options);

      const problems = ts
        .getPreEmitDiagnostics(program)
        .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));

      expect(problems).toEqual([]);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
