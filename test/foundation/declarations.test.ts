import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const distDirectory = fileURLToPath(new URL("../../dist/", import.meta.url));
const entry = `${distDirectory}index.d.ts`;

/** What a consumer's `tsc` sees: NodeNext, strict, and library files checked too. */
const consumerOptions: ts.CompilerOptions = {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2023,
  strict: true,
  skipLibCheck: false,
  noEmit: true,
  types: ["node"],
};

/** The package each bare import of p21kit's own declarations takes its types from. */
function typeProviders(program: ts.Program): Map<string, string> {
  const providers = new Map<string, string>();
  for (const file of program.getSourceFiles()) {
    if (!file.fileName.startsWith(distDirectory)) continue;

    for (const { fileName: specifier } of ts.preProcessFile(file.text).importedFiles) {
      if (specifier.startsWith(".") || specifier.startsWith("node:")) continue;

      const resolved = ts.resolveModuleName(specifier, file.fileName, consumerOptions, ts.sys);
      const provider = resolved.resolvedModule?.packageId?.name ?? specifier;
      providers.set(`${file.fileName.slice(distDirectory.length)} → ${specifier}`, provider);
    }
  }

  return providers;
}

describe("the published declarations", () => {
  it("take their types only from the package's dependencies, so a consumer needs no dev package", async () => {
    const manifest = JSON.parse(await readFile("package.json", "utf8")) as {
      dependencies: Record<string, string>;
    };
    const program = ts.createProgram({ rootNames: [entry], options: consumerOptions });

    const foreign = [...typeProviders(program)].filter(
      ([, provider]) => !(provider in manifest.dependencies),
    );

    expect(foreign).toEqual([]);
    expect(ts.getPreEmitDiagnostics(program).map((diagnostic) => diagnostic.messageText)).toEqual(
      [],
    );
  });
});
