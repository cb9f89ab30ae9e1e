import type { P21Client, RequestEvent } from "../client/index.js";

/**
 * What an engine knows about the server's tokens, kept from one phase to the next: whether a
 * new token of the user invalidates the older ones (some servers do; the simulator's
 * `latest-only` policy). On such a server only the newest token's session lives, and the
 * session of a token it replaced cannot be ended by anyone (only its own token may end it): it
 * holds an API instance until the server reaps it. Parallel sessions then cost more than they
 * give, so the engine keeps to one session and one token for the rest of its work.
 */
export class TokenKnowledge {
  #exclusive = false;
  #probed = false;
  #told = false;

  /** A new token invalidates the user's older ones: one session, one token. */
  get exclusive(): boolean {
    return this.#exclusive;
  }

  /** Whether checking before the first sessions is still worth doing. */
  get worthProbing(): boolean {
    return !this.#probed && !this.#exclusive;
  }

  probed(): void {
    this.#probed = true;
  }

  /** Records that tokens invalidate each other; true only the first time (to say it once). */
  learnExclusive(): boolean {
    this.#exclusive = true;
    if (this.#told) return false;

    this.#told = true;

    return true;
  }
}

function isToken(event: RequestEvent): boolean {
  return event.operation === "token";
}

/**
 * Whether a second token invalidates the first: `first` and `second` each sign in, then
 * `first` makes an authorized call (the router, or the session list when the router is known).
 * A 401 on that call (the client then signs in again by itself) means the second sign-in ended
 * the first token. No session is open yet, so finding out costs no API instance. Resolves
 * undefined when the check could not be made (the failure comes back to the workers that meet
 * it the usual way).
 */
export async function probeTokenContention(
  first: P21Client,
  second: P21Client,
  signal: AbortSignal,
): Promise<boolean | undefined> {
  let refused = false;
  let called = false;
  const listener = (event: RequestEvent) => {
    if (isToken(event)) return;

    called = true;
    if (event.status === 401) refused = true;
  };

  first.on("request", listener);
  try {
    await first.authenticate(signal);
    await second.authenticate(signal);
    await first.uiServerUrl(signal);
    if (!called) await first.listSessions(signal);

    return refused;
  } catch {
    return refused ? true : undefined;
  } finally {
    first.off("request", listener);
  }
}
