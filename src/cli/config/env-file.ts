import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";

/**
 * Reads `.env` in `directory` (KEY=value lines, `#` comments, optional quotes, LF or CRLF; a
 * UTF-8 byte order mark, as Windows Notepad writes one, is skipped: it would make the first
 * key another name). A missing file is an empty map; any other read error is the caller's.
 */
export function readEnvFile(directory: string): Record<string, string> {
  let content: string;
  try {
    content = readFileSync(join(directory, ".env"), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw error;
  }

  const parsed = parseEnv(content.replace(/^\uFEFF/, ""));
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (value !== undefined) values[key] = value;
  }

  return values;
}

/**
 * Looks a `P21_*` setting up in the process environment first, then in the `.env` file.
 * Empty strings count as unset.
 */
export function makeSettingLookup(
  env: Readonly<Record<string, string | undefined>>,
  envFile: Readonly<Record<string, string>>,
): (name: string) => string | undefined {
  return (name) => {
    const fromEnv = env[name];
    if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
    const fromFile = envFile[name];
    return fromFile !== undefined && fromFile !== "" ? fromFile : undefined;
  };
}
