/** An absolute URL cut into what undici's dispatch takes. @internal */
export interface UrlParts {
  origin: string;
  /** The path alone: what request events and logs name. */
  path: string;
  /** The path and the query. */
  pathWithQuery: string;
}

/**
 * A URL the client built itself: http(s), a host, then only characters that need no encoding
 * (percent escapes included). Such a URL is cut by hand; `new URL()` costs a few microseconds
 * per request and gives the same parts for it. Anything else is parsed by `new URL()`.
 */
const plainUrl =
  /^(https?:\/\/[a-z0-9.-]+(?::\d{1,5})?)(\/[\w~!$&'()*+,;=:@/%.-]*)?(\?[\w~!$&()*+,;=:@/?%.-]*)?$/;
/** A `.` or `..` segment (`%2e` is a dot too), which `new URL()` resolves. */
const dotSegment = /\/(?:\.|%2e){1,2}(?:\/|$)/i;
/** Origins already checked, with their verdict: each client asks about its own on every request. */
const checkedOrigins = new Map<string, boolean>();
/** A process talks to a handful of servers; past this many origins, the oldest is forgotten. */
const checkedOriginsMax = 64;

/** {@link isKeptAsIs}, remembered per origin. */
function keptAsIs(origin: string): boolean {
  let kept = checkedOrigins.get(origin);
  if (kept === undefined) {
    kept = isKeptAsIs(origin);
    if (checkedOrigins.size >= checkedOriginsMax) {
      checkedOrigins.delete(checkedOrigins.keys().next().value ?? "");
    }
    checkedOrigins.set(origin, kept);
  }

  return kept;
}

/**
 * A host `new URL()` keeps as it is: a name whose last label has a letter (and no punycode),
 * or a dotted quad written the usual way; with no port, or one it keeps (not 80 or 443, no
 * leading zero, at most 65535).
 */
function isKeptAsIs(origin: string): boolean {
  const [, host = "", port] = /^https?:\/\/([^:]+)(?::(\d+))?$/.exec(origin) ?? [];
  if (
    port !== undefined &&
    (/^0/.test(port) || port === "80" || port === "443" || Number(port) > 65_535)
  ) {
    return false;
  }
  if (host.includes("xn--")) return false;

  const labels = host.split(".");
  if (/[a-z]/.test(labels.at(-1) ?? "")) return labels.every((label) => label !== "");

  return (
    labels.length === 4 &&
    labels.every((label) => /^(?:0|[1-9]\d{0,2})$/.test(label) && Number(label) <= 255)
  );
}

/** The origin, path and query of an absolute URL, as `new URL()` would give them. @internal */
export function urlParts(url: string): UrlParts {
  const plain = plainUrl.exec(url);
  const origin = plain?.[1];
  const path = plain?.[2] ?? "/";
  if (origin !== undefined && keptAsIs(origin) && !dotSegment.test(path)) {
    const query = plain?.[3] === "?" ? "" : (plain?.[3] ?? "");

    return { origin, path, pathWithQuery: `${path}${query}` };
  }

  const parsed = new URL(url);

  return {
    origin: parsed.origin,
    path: parsed.pathname,
    pathWithQuery: `${parsed.pathname}${parsed.search}`,
  };
}

/** `key=value&…`, each part percent-encoded. @internal */
export function queryString(query: Readonly<Record<string, string>>): string {
  let encoded = "";
  for (const key in query) {
    const value = query[key] as string;
    encoded += `${encoded === "" ? "" : "&"}${encodeURIComponent(key)}=${encodeURIComponent(value)}`;
  }

  return encoded;
}
