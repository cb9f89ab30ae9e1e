import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { unparsedUrlShown } from "../../client/redact.js";
import { stripUrlCredentials } from "../../journal/redact.js";
import { UsageError } from "../errors.js";
import type { CliIo } from "../io.js";
import type { CliOutput } from "../output/cli-output.js";
import { makeSettingLookup, readEnvFile } from "./env-file.js";
import type { CommonFlags } from "./options.js";
import { promptHidden } from "./prompt.js";

/** Everything needed to reach and log in to a P21 server, resolved once. */
export interface ConnectionSettings {
  readonly baseUrl: string;
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly consumerKey: string | undefined;
  readonly tls: { readonly rejectUnauthorized: boolean; readonly ca?: string };
}

/** What an earlier run recorded, for `resume`: the same server and user, only the password again. */
export interface RecordedConnection {
  readonly baseUrl: string;
  readonly username: string | undefined;
}

type ConnectionFlags = Pick<
  CommonFlags,
  "baseUrl" | "username" | "password" | "consumerKey" | "insecure" | "ca"
>;

/** `source` names where the value came from: `--base-url`, `P21_BASE_URL` or its `.env` line. */
function normaliseBaseUrl(value: string, source: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(
      `${source} "${unparsedUrlShown(value)}" is not a URL`,
      "Give the server's address with its scheme, e.g. https://p21.example.com",
    );
  }

  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`${source} must use http or https, got ${url.protocol}`);
  }

  return url.toString().replace(/\/+$/, "");
}

/**
 * Resolves the connection from flags, then `P21_*` environment variables, then `.env` in the
 * working directory; asks for the password on a terminal when none is given. With `recorded`
 * (resume, retry-failed) the run's own base URL and user are used; a different `--base-url`
 * or `--username` is refused, so that a run never continues against another server or as
 * another user than the one it was made by (the user's case aside).
 */
export async function resolveConnection(
  flags: ConnectionFlags,
  io: CliIo,
  output: CliOutput,
  recorded?: RecordedConnection,
): Promise<ConnectionSettings> {
  const setting = makeSettingLookup(io.env, readEnvFile(io.cwd));

  const flagBaseUrl =
    flags.baseUrl === undefined ? undefined : normaliseBaseUrl(flags.baseUrl, "--base-url");
  // The run keeps its base URL without user:password@ (the journal stores no credentials).
  const flagServer = flagBaseUrl === undefined ? undefined : stripUrlCredentials(flagBaseUrl);
  if (recorded && flagServer !== undefined && flagServer !== recorded.baseUrl) {
    throw new UsageError(
      `this run was made against ${recorded.baseUrl}, not ${flagServer}`,
      "Leave --base-url out: resume and retry-failed use the run's own server.",
    );
  }

  // The user too: a --username for another would sign in as the run's user all the same.
  const runUser = recorded?.username;
  const otherUser = flags.username?.toLowerCase() !== runUser?.toLowerCase();
  if (runUser !== undefined && flags.username !== undefined && otherUser) {
    throw new UsageError(
      `this run was made by ${runUser}, not ${flags.username}`,
      "Leave --username out: resume and retry-failed sign in as the run's own user (give its password).",
    );
  }

  const configuredBaseUrl = flagBaseUrl ?? setting("P21_BASE_URL");
  const configuredIn =
    io.env.P21_BASE_URL === undefined || io.env.P21_BASE_URL === ""
      ? "P21_BASE_URL in .env"
      : "P21_BASE_URL";
  // Normalised before anything names it (the password prompt): P21_BASE_URL comes as it was
  // typed, and a user:password@ whose password holds an @ or a space is stripped whole only
  // from the parsed form, where they are percent-encoded (one holding / or # does not parse).
  const baseUrl =
    recorded?.baseUrl ??
    (configuredBaseUrl === undefined
      ? undefined
      : normaliseBaseUrl(
          configuredBaseUrl,
          flagBaseUrl === undefined ? configuredIn : "--base-url",
        ));
  if (baseUrl === undefined) {
    throw new UsageError(
      "no server given",
      "Pass --base-url https://your-p21-server, or set P21_BASE_URL (also read from .env).",
    );
  }

  const username = recorded?.username ?? flags.username ?? setting("P21_USERNAME");
  const consumerKey = flags.consumerKey ?? setting("P21_CONSUMER_KEY");
  let password = flags.password ?? setting("P21_PASSWORD");
  output.addSecret(password);
  output.addSecret(consumerKey);

  // P21 opens a session for a user: a consumer key's token without one is refused there.
  if (username === undefined) {
    throw new UsageError(
      "no user given",
      consumerKey === undefined
        ? "Pass --username, or set P21_USERNAME (also read from .env)."
        : "A consumer key needs a user too: pass --username, or set P21_USERNAME (also read from .env).",
    );
  }

  if (password === undefined && consumerKey === undefined) {
    if (!io.isTTY) {
      throw new UsageError(
        `no password given for ${username}`,
        "Pass --password, or set P21_PASSWORD (also read from .env), or use --consumer-key.",
      );
    }

    // Written straight to the terminal, not through the output: redacted here (user:password@).
    const question = output.redact(`Password for ${username} at ${baseUrl}: `);
    password = await promptHidden(question, io.stdin, io.stderr);
    output.addSecret(password);
  }

  let ca: string | undefined;
  if (flags.ca !== undefined) {
    try {
      ca = readFileSync(resolve(io.cwd, flags.ca), "utf8");
    } catch (error) {
      throw new UsageError(`cannot read --ca ${flags.ca}: ${(error as Error).message}`);
    }

    // A DER file or a key given by mistake would only fail at the first request, as an
    // untrusted certificate.
    if (!ca.includes("-----BEGIN CERTIFICATE-----")) {
      throw new UsageError(
        `--ca ${flags.ca} holds no PEM certificate ("-----BEGIN CERTIFICATE-----")`,
        "Give the CA certificate in PEM form (openssl x509 -inform der -in CA.cer -out CA.pem).",
      );
    }
  }

  return {
    baseUrl,
    username,
    password,
    consumerKey,
    tls: { rejectUnauthorized: flags.insecure !== true, ...(ca === undefined ? {} : { ca }) },
  };
}
