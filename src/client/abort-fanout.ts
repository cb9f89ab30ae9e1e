/** What a signal ends: an exchange in flight. */
interface Follower {
  abort(): void;
}

/**
 * The followers of each signal, behind one listener per signal for the whole process. Adding
 * and removing an EventTarget listener on every request costs more than the rest of a
 * request's bookkeeping, and most requests of a run follow the same signal (the run's stop
 * signal, the client's signal). An entry goes with its signal.
 */
const followersBySignal = new WeakMap<AbortSignal, Set<Follower>>();

function followersOf(signal: AbortSignal): Set<Follower> {
  const known = followersBySignal.get(signal);
  if (known !== undefined) return known;

  const followers = new Set<Follower>();
  followersBySignal.set(signal, followers);
  signal.addEventListener(
    "abort",
    () => {
      const ended = [...followers];
      followers.clear();
      for (const follower of ended) follower.abort();
    },
    { once: true },
  );

  return followers;
}

/** Aborts `follower` when `signal` aborts, at once when it already has. @internal */
export function follow(signal: AbortSignal | undefined, follower: Follower): void {
  if (signal === undefined) return;

  if (signal.aborted) follower.abort();
  else followersOf(signal).add(follower);
}

/** Stops following: the follower has finished. @internal */
export function unfollow(signal: AbortSignal | undefined, follower: Follower): void {
  if (signal !== undefined) followersBySignal.get(signal)?.delete(follower);
}
