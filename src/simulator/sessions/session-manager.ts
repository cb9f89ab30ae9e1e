import type { TokenRecord } from "../auth/tokens.js";
import { refuse } from "../http/answer.js";
import type { StatsRecorder } from "../stats.js";
import type { InstancePool } from "./pool.js";
import { InteractiveSession, type SessionParameters } from "./session.js";

/**
 * Open sessions, found by token. A token owns at most one session; a session whose token was
 * invalidated stays (an orphan, still holding its instance and listed for its user) until its
 * idle timeout reaps it.
 */
export class SessionManager {
  private readonly byId = new Map<string, InteractiveSession>();
  private readonly byToken = new Map<string, InteractiveSession>();
  private readonly creating = new Set<string>();
  private readonly idleTimers = new Map<InteractiveSession, NodeJS.Timeout>();
  private readonly pool: InstancePool;
  private readonly stats: StatsRecorder;
  private readonly clock: () => number;

  constructor(pool: InstancePool, stats: StatsRecorder, clock: () => number) {
    this.pool = pool;
    this.stats = stats;
    this.clock = clock;
  }

  get openCount(): number {
    return this.byId.size;
  }

  /** Refuses a second session on the same token: 409 "Session already exists.". */
  assertNoSession(token: TokenRecord): void {
    if (this.creating.has(token.accessToken) || this.forToken(token) !== undefined) {
      throw refuse(409, "Session already exists.");
    }
  }

  /** Waits for a pool instance, then opens the session. */
  async create(
    token: TokenRecord,
    parameters: SessionParameters,
    signal: AbortSignal,
  ): Promise<InteractiveSession> {
    this.assertNoSession(token);
    this.creating.add(token.accessToken);
    try {
      await this.pool.acquire(signal);
    } finally {
      this.creating.delete(token.accessToken);
    }

    const session = new InteractiveSession(token, parameters, this.clock());
    this.byId.set(session.id, session);
    this.byToken.set(token.accessToken, session);
    this.armIdleTimer(session, parameters.timeoutSeconds * 1000);
    this.stats.sessionsChanged(this.byId.size);
    return session;
  }

  /** The token's live session; one idle past its timeout is ended here. */
  forToken(token: TokenRecord): InteractiveSession | undefined {
    const session = this.byToken.get(token.accessToken);
    if (session === undefined) return undefined;
    if (this.isIdlePastTimeout(session)) {
      this.end(session);
      return undefined;
    }

    return session;
  }

  /** Sessions of a user (orphans included), for `GET /sessions`. */
  listForUser(username: string): InteractiveSession[] {
    const wanted = username.toLowerCase();
    return [...this.byId.values()].filter(
      (session) => session.username.toLowerCase() === wanted && !this.isIdlePastTimeout(session),
    );
  }

  /** The token was invalidated: its session lingers as an orphan. */
  orphan(accessToken: string): void {
    this.byToken.delete(accessToken);
  }

  /** Ends a session: its windows are gone and its instance returns to the pool. */
  end(session: InteractiveSession): void {
    if (session.state === "ended") return;

    session.state = "ended";
    session.windows.clear();
    this.byId.delete(session.id);
    if (this.byToken.get(session.ownerToken) === session) this.byToken.delete(session.ownerToken);
    const timer = this.idleTimers.get(session);
    if (timer !== undefined) clearTimeout(timer);
    this.idleTimers.delete(session);
    this.pool.release();
    this.stats.sessionsChanged(this.byId.size);
  }

  closeAll(): void {
    for (const session of [...this.byId.values()]) this.end(session);
  }

  private isIdlePastTimeout(session: InteractiveSession): boolean {
    const timeoutMs = session.parameters.timeoutSeconds * 1000;
    return !session.busy && this.clock() - session.lastActivityMs >= timeoutMs;
  }

  private armIdleTimer(session: InteractiveSession, delayMs: number): void {
    const timer = setTimeout(() => {
      if (session.state === "ended") return;
      const timeoutMs = session.parameters.timeoutSeconds * 1000;
      if (this.isIdlePastTimeout(session)) {
        this.end(session);
        return;
      }

      const remainingMs = session.busy
        ? timeoutMs
        : Math.max(1, timeoutMs - (this.clock() - session.lastActivityMs));
      this.armIdleTimer(session, remainingMs);
    }, delayMs);
    timer.unref();
    this.idleTimers.set(session, timer);
  }
}
