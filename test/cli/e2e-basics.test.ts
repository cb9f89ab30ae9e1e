import { writeFile } from "node:fs/promises";
import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:net";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type SimulatorHandle } from "../../src/simulator/index.js";
import { connectionTo, runChild, runInProcess, temporaryDirectory } from "./helpers.js";

const pagesCsv =
  "supplier_id,product_group_id,company_id,description,effective_date,expiration_date,calculation_value1\r\n" +
  "10010,ABRAS,ACME,Acme ABRAS basics,2050-01-01,2050-12-31,0.61\r\n";

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === "object" && address !== null ? address.port : 1;
}

describe("the command line itself", () => {
  let directory: { path: string; remove: () => Promise<void> };
  let simulator: SimulatorHandle;

  beforeAll(async () => {
    directory = await temporaryDirectory();
    await writeFile(join(directory.path, "pages.csv"), pagesCsv);
    simulator = await startSimulator({ data: "demo" });
  });

  afterAll(async () => {
    await simulator.close();
    await directory.remove();
  });

  it("prints help for every command and exits 0", async () => {
    const top = await runChild(["--help"], { cwd: directory.path });
    expect(top.exitCode).toBe(0);
    for (const command of [
      "price-pages",
      "runs",
      "resume",
      "retry-failed",
      "doctor",
      "demo",
      "simulator",
    ]) {
      expect(top.stdout).toContain(command);
    }

    const leaf = await runInProcess(["price-pages", "replace", "--help"], { cwd: directory.path });
    expect(leaf.exitCode).toBe(0);
    for (const flag of ["--books", "--expire-date", "--old", "--sessions", "--dry-run", "--json"]) {
      expect(leaf.stdout).toContain(flag);
    }
  });

  it("suggests the closest flag for a misspelt one and exits 2", async () => {
    const outcome = await runInProcess(["price-pages", "create", "pages.csv", "--sesions", "2"], {
      cwd: directory.path,
    });
    expect(outcome.exitCode).toBe(2);
    expect(outcome.stderr).toContain("unknown option '--sesions'");
    expect(outcome.stderr).toContain("--sessions");
  });

  it("with --json, a flag the parser refuses is also an error object on stdout", async () => {
    const outcome = await runInProcess(
      ["price-pages", "create", "pages.csv", "--sesions", "2", "--json"],
      { cwd: directory.path },
    );
    expect(outcome.exitCode).toBe(2);
    expect(JSON.parse(outcome.stdout)).toEqual({
      type: "error",
      code: "P21_USAGE",
      message: "unknown option '--sesions'\n(Did you mean --sessions?)",
      exitCode: 2,
    });
  });

  it("does not print the value of an unknown option, which may be a password", async () => {
    for (const args of [
      ["runs", "--password=Pw-4c1d-NotForPrint"],
      ["doctor", "--pasword=Pw-4c1d-NotForPrint"],
      ["runs", "list", "-pPw-4c1d-NotForPrint"],
      ["runs", "list", "--password=Pw-4c1d-'NotForPrint\nline two"],
    ]) {
      const outcome = await runInProcess([...args, "--json"], { cwd: directory.path });
      expect(outcome.exitCode).toBe(2);
      expect(outcome.stderr).toMatch(/unknown option '(--pa\w*=|-p)…'/);
      expect(JSON.parse(outcome.stdout)).toMatchObject({ type: "error", code: "P21_USAGE" });
      expect(outcome.stdout + outcome.stderr).not.toContain("NotForPrint");
    }
  });

  it("suggests the closest command for a misspelt one and exits 2", async () => {
    const outcome = await runInProcess(["doctr"], { cwd: directory.path });
    expect(outcome.exitCode).toBe(2);
    expect(outcome.stderr).toContain("doctor");
  });

  it("refuses an invalid flag value with exit 2", async () => {
    const outcome = await runInProcess(
      ["price-pages", "create", "pages.csv", "--sessions", "zero"],
      {
        cwd: directory.path,
      },
    );
    expect(outcome.exitCode).toBe(2);
    expect(outcome.stderr).toContain("must be a whole number");
  });

  it.each([
    [["create", "pages.csv", "--books", ",;"], '--books ",;" names no book'],
    [
      ["create", "pages.csv", "--books", "RETAIL,retail"],
      '--books: book id "RETAIL" is listed twice',
    ],
    [
      ["create", "pages.csv", "--books", "RETAIL,TOOLONGBOOK1"],
      '--books: book id "TOOLONGBOOK1" is 12 characters long; at most 8 are allowed',
    ],
    [
      ["create", "pages.csv", "--company", "TOOLONGCOMPANY"],
      '--company "TOOLONGCOMPANY": a company id has 1 to 8',
    ],
    [["create", "pages.csv", "--books", "=cmd"], '--books: book id "=CMD" would run as a'],
    [["replace", "pages.csv", "--expire-date", "2026-02-30"], '--expire-date "2026-02-30": '],
    // A flag of another price-pages command is not one of this command's.
    [["create", "pages.csv", "--old", "old.csv"], "unknown option '--old'"],
    [["create", "pages.csv", "--expire-date", "2026-12-31"], "unknown option '--expire-date'"],
    [["link", "pages.csv", "--expire-date", "2026-12-31"], "unknown option '--expire-date'"],
  ])(
    "refuses a flag that says nothing or is not the command's: %j (exit 2)",
    async (args, reason) => {
      simulator.resetStats();
      const outcome = await runInProcess(["price-pages", ...args, ...connectionTo(simulator.url)], {
        cwd: directory.path,
      });
      expect(outcome.exitCode).toBe(2);
      expect(outcome.stderr).toContain(reason);
      expect(simulator.stats().totalRequests).toBe(0);
    },
  );

  it("asks for a server when none is configured (exit 2)", async () => {
    const outcome = await runInProcess(["price-pages", "create", "pages.csv"], {
      cwd: directory.path,
    });
    expect(outcome.exitCode).toBe(2);
    expect(outcome.stderr).toContain("no server given");
    expect(outcome.stderr).toContain("P21_BASE_URL");
  });

  it("refuses to run without a password when nobody is at a terminal (exit 2)", async () => {
    const outcome = await runInProcess(
      ["price-pages", "create", "pages.csv", "--base-url", simulator.url, "-u", "api_user"],
      { cwd: directory.path },
    );
    expect(outcome.exitCode).toBe(2);
    expect(outcome.stderr).toContain("no password given for api_user");
  });

  it("reads the connection from a .env file, and exits 3 on a wrong password", async () => {
    await writeFile(
      join(directory.path, ".env"),
      `P21_BASE_URL=${simulator.url}\nP21_USERNAME=api_user\nP21_PASSWORD=not-the-password\n`,
    );
    try {
      const outcome = await runChild(["price-pages", "create", "pages.csv"], {
        cwd: directory.path,
      });
      expect(outcome.exitCode).toBe(3);
      expect(outcome.stderr).toContain("P21_PASSWORD");
      expect(outcome.stderr).not.toContain("not-the-password");
    } finally {
      await writeFile(join(directory.path, ".env"), "");
    }
  });

  it("exits 3 when the server cannot be reached", async () => {
    const port = await closedPort();
    const outcome = await runChild(
      ["doctor", "--base-url", `http://127.0.0.1:${port}`, "-u", "api_user", "-p", "x"],
      { cwd: directory.path },
    );
    expect(outcome.exitCode).toBe(3);
    expect(outcome.stdout).toMatch(/fail\s+token/);
  });

  it("says what to check when the server is down or is not a P21 server (exit 3)", async () => {
    const connection = (port: number) => ["--base-url", `http://127.0.0.1:${port}`, "-p", "x"];
    const createAt = (port: number) =>
      runChild(["price-pages", "create", "pages.csv", "-u", "api_user", ...connection(port)], {
        cwd: directory.path,
      });
    const down = await createAt(await closedPort());
    expect(down.exitCode).toBe(3);
    expect(down.stderr).toContain("ECONNREFUSED");
    expect(down.stderr).toContain("`p21kit doctor` checks each step");

    // A web server that is not P21: its answers are not the token endpoint's. Its error page
    // is named by its title, not printed.
    const errorPage = [
      "<!DOCTYPE HTML>",
      "<html><head><title>Error response</title></head><body>",
      ...Array.from({ length: 12 }, (_, line) => `<p>Error code explanation ${line}</p>`),
      "</body></html>",
    ].join("\n");
    for (const [status, page, said] of [
      [404, "<html><body>Not Found</body></html>", "HTTP 404: an HTML page\n"],
      [501, errorPage, "HTTP 501: an HTML page: Error response\n"],
    ] as const) {
      const other = createHttpServer((_request, response) => {
        response.writeHead(status, { "content-type": "text/html" });
        response.end(page);
      });
      await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
      try {
        const address = other.address();
        const otherPort = typeof address === "object" && address !== null ? address.port : 1;
        const wrong = await createAt(otherPort);
        expect(wrong.exitCode).toBe(3);
        expect(wrong.stderr).toContain(said);
        expect(wrong.stderr).not.toContain("<");
        expect(wrong.stderr).toContain("check --base-url");
      } finally {
        await new Promise((resolve) => other.close(resolve));
      }
    }
  });

  it("lists no runs before anything ran", async () => {
    const outcome = await runInProcess(["runs"], { cwd: directory.path });
    expect(outcome.exitCode).toBe(0);
    expect(outcome.stdout).toContain("No runs yet");
  });

  it("says there is nothing to resume (exit 2)", async () => {
    const outcome = await runInProcess(["resume", "-p", "x"], { cwd: directory.path });
    expect(outcome.exitCode).toBe(2);
    expect(outcome.stderr).toContain("no runs yet");
  });

  it("asks for the password on a terminal without echoing it", async () => {
    const stdin = new PassThrough();
    const outcome = runInProcess(["doctor", "--base-url", simulator.url, "-u", "api_user"], {
      cwd: directory.path,
      isTTY: true,
      stdin,
    });
    setTimeout(() => stdin.write("api_password\r"), 50);
    const finished = await outcome;
    expect(finished.exitCode).toBe(0);
    expect(finished.stderr).toContain(`Password for api_user at ${simulator.url}: `);
    expect(finished.stdout + finished.stderr).not.toContain("api_password");
  });

  it("colours a terminal's output unless NO_COLOR is set", async () => {
    const args = ["doctor", "--base-url", simulator.url, "-u", "api_user", "-p", "api_password"];
    const coloured = await runInProcess(args, {
      cwd: directory.path,
      isTTY: true,
      env: { NO_COLOR: "" },
    });
    expect(coloured.stdout).toContain("\u001b[32m");
    const plain = await runInProcess(args, { cwd: directory.path, isTTY: true });
    expect(plain.exitCode).toBe(0);
    expect(plain.stdout).not.toContain("\u001b[");
  });

  it("--quiet prints one line when records failed, naming errors.csv, and no plan on a dry run", async () => {
    await writeFile(
      join(directory.path, "quiet.csv"),
      pagesCsv
        .replace("Acme ABRAS basics,2050", "Acme ABRAS quiet,2060")
        .replace("2050-12-31", "2060-12-31"),
    );
    const dry = await runChild(
      [
        "price-pages",
        "create",
        "quiet.csv",
        "--quiet",
        "--dry-run",
        ...connectionTo(simulator.url),
      ],
      { cwd: directory.path },
    );
    expect(dry).toMatchObject({ exitCode: 0, stdout: "", stderr: "" });

    simulator.injectFault({ kind: "refuse", route: "PUT /api/ui/interactive/v2/change" });
    const outcome = await runChild(
      [
        "price-pages",
        "create",
        "quiet.csv",
        "--quiet",
        "--out",
        "quiet-out",
        ...connectionTo(simulator.url),
      ],
      { cwd: directory.path },
    );
    expect(outcome.exitCode).toBe(1);
    expect(outcome.stdout).toBe("");
    expect(outcome.stderr).toBe(`1 failed: ${join(directory.path, "quiet-out", "errors.csv")}\n`);
  });

  it("a result directory that cannot be made is an error naming it, before the run, not a crash", async () => {
    await writeFile(
      join(directory.path, "no-out.csv"),
      pagesCsv
        .replace("Acme ABRAS basics,2050", "Acme ABRAS no out,2070")
        .replace("2050-12-31", "2070-12-31"),
    );
    const out = join(directory.path, "no-out.csv", "results");
    const outcome = await runChild(
      ["price-pages", "create", "no-out.csv", "--out", out, ...connectionTo(simulator.url)],
      { cwd: directory.path },
    );
    expect(outcome.exitCode).toBe(2);
    expect(outcome.stderr).toContain(
      `error: the result files cannot be written to ${out} (ENOTDIR)`,
    );
    expect(outcome.stderr).toContain("nothing was sent to the server");
    expect(outcome.stderr).not.toContain("    at ");
  });

  it("--quiet prints nothing on success; the exit code and files tell", async () => {
    const outcome = await runChild(
      ["price-pages", "create", "pages.csv", "--quiet", ...connectionTo(simulator.url)],
      { cwd: directory.path },
    );
    expect(outcome.exitCode).toBe(0);
    expect(outcome.stdout).toBe("");
    expect(outcome.stderr).toBe("");
  });
});

describe("a consumer key", () => {
  const consumerKey = "5d1c2a64-7f3b-4b8e-9a51-0c6f1e2d3b4a";
  let directory: { path: string; remove: () => Promise<void> };
  let simulator: SimulatorHandle;

  beforeAll(async () => {
    directory = await temporaryDirectory();
    await writeFile(join(directory.path, "pages.csv"), pagesCsv);
    simulator = await startSimulator({
      data: "demo",
      users: [{ username: "api_user", password: "api_password", consumerKey }],
    });
  });

  afterAll(async () => {
    await simulator.close();
    await directory.remove();
  });

  const run = (extra: string[]) =>
    runInProcess(
      [
        "price-pages",
        "create",
        "pages.csv",
        "--dry-run",
        "--base-url",
        simulator.url,
        "--consumer-key",
        consumerKey,
        ...extra,
      ],
      { cwd: directory.path },
    );

  it("without a user is refused before anything is sent (exit 2): P21 opens sessions for a user", async () => {
    simulator.resetStats();
    const outcome = await run([]);
    expect(outcome.exitCode).toBe(2);
    expect(outcome.stderr).toContain("no user given");
    expect(outcome.stderr).toContain("A consumer key needs a user too: pass --username");
    expect(outcome.stderr).not.toContain(consumerKey);
    expect(simulator.stats().totalRequests).toBe(0);
  });

  it("with its user plans the run (exit 0), the key never shown", async () => {
    const outcome = await run(["--username", "api_user"]);
    expect(outcome.exitCode).toBe(0);
    expect(outcome.stdout).toMatch(/would create\s+1/);
    expect(outcome.stdout + outcome.stderr).not.toContain(consumerKey);
  });
});
