/** A documented behaviour of a P21 build that matters to a batch run, and what p21kit does. */
export interface BuildQuirk {
  /** The quirk's number in section 9 of the protocol fact sheet. */
  readonly number: number;
  readonly summary: string;
  readonly handling: string;
  /** `warn` when the user should know (it affects other tools or the user's choices). */
  readonly verdict: "ok" | "warn";
}

/** A build number split into its parts; `26.1.5910.3` and `2026.1.5910.3` read the same. */
export interface BuildNumber {
  readonly major: number;
  readonly minor: number;
  readonly build: number | undefined;
}

/** Reads "26.1.5950.0", "2026.1.5950", "25.2.5776.1"; undefined when it is not a build number. */
export function parseBuild(version: string | undefined): BuildNumber | undefined {
  const match = /(\d{2,4})\.(\d+)(?:\.(\d+))?/.exec(version ?? "");
  if (match === null) return undefined;
  const major = Number(match[1]) % 100;
  return {
    major,
    minor: Number(match[2]),
    build: match[3] === undefined ? undefined : Number(match[3]),
  };
}

const always: BuildQuirk[] = [
  {
    number: 8,
    summary: "one session per token; a leaked session answers 409 on the next create",
    handling: "p21kit ends every session in a finally and clears a leaked one on the same token",
    verdict: "ok",
  },
  {
    number: 27,
    summary: "a change carrying several fields is applied in order and stops at the first refusal",
    handling:
      "p21kit sends a tab's fields in one change and closes the window after any refusal, so a partial page is never saved; use --change-mode field to send one field per change",
    verdict: "ok",
  },
];

const release261: BuildQuirk[] = [
  {
    number: 7,
    summary: "session create answers Id (not SessionId)",
    handling: "p21kit reads Id, then SessionId",
    verdict: "ok",
  },
  {
    number: 16,
    summary: "/v2/tab binds only PageName",
    handling: "p21kit always sends PageName",
    verdict: "ok",
  },
  {
    number: 29,
    summary: "loading an unknown price_page_uid answers Status 2 with an empty window",
    handling: "p21kit treats any non-success load as a refusal of that record",
    verdict: "ok",
  },
  {
    number: 26,
    summary:
      "a bad DatawindowName answers 400 and the next request on that window is lost (empty 500)",
    handling: "p21kit re-sends the lost request (never a save) on a fresh window",
    verdict: "ok",
  },
];

const release25: BuildQuirk[] = [
  {
    number: 25,
    summary: "DatawindowName is required in every change",
    handling: "p21kit always sends it",
    verdict: "ok",
  },
  {
    number: 7,
    summary: "session create answers SessionId (not Id)",
    handling: "p21kit reads Id, then SessionId",
    verdict: "ok",
  },
  {
    number: 29,
    summary: "loading an unknown price_page_uid answers Status 0 with an empty window",
    handling: "p21kit checks that a loaded page exists before it changes it",
    verdict: "ok",
  },
  {
    number: 1,
    summary: "without Accept: application/json the server answers XML",
    handling: "p21kit sends Accept: application/json on every request",
    verdict: "ok",
  },
];

/** The quirks that apply to a build, as far as the fact sheet knows them. */
export function quirksForBuild(version: string | undefined): {
  known: boolean;
  quirks: BuildQuirk[];
} {
  const build = parseBuild(version);
  if (build === undefined) return { known: false, quirks: always };

  if (build.major < 26) return { known: true, quirks: [...release25, ...always] };

  const quirks = [...release261, ...always];
  if (build.build !== undefined && build.build < 5940) {
    quirks.unshift({
      number: 1,
      summary:
        "without Accept: application/json every interactive call answers an empty 500 and leaves a ghost session (alternating 500/409)",
      handling:
        "p21kit sends Accept: application/json on every request; other tools on this server must too",
      verdict: "warn",
    });
  } else {
    quirks.unshift({
      number: 1,
      summary: "without Accept: application/json the server answers DataContract XML",
      handling: "p21kit sends Accept: application/json on every request",
      verdict: "ok",
    });
  }

  return { known: true, quirks };
}
