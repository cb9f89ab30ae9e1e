import { randomUUID } from "node:crypto";
import type { TokenRecord } from "../auth/tokens.js";
import type { LatencyAccount } from "../latency.js";
import type { InteractiveWindow } from "../windows/window.js";

export type SessionType = "User" | "Auto" | "AutoInteractive";

export interface SessionParameters {
  sessionType: SessionType;
  timeoutSeconds: number;
  responseWindowHandling: boolean;
  clientPlatformApp: string | null;
  workstationId: string | null;
}

/**
 * One Interactive session: owned by the token that created it, holding one pool instance and
 * its windows. Its requests are served one at a time, in arrival order.
 */
export class InteractiveSession {
  readonly id: string = randomUUID();
  readonly ownerToken: string;
  readonly username: string;
  readonly parameters: SessionParameters;
  readonly createdAtMs: number;
  lastActivityMs: number;
  state: "open" | "ended" = "open";
  /** Created by a request whose answer was an empty 500 (26.1.5910 without Accept). */
  ghost = false;
  readonly windows = new Map<string, InteractiveWindow>();
  /** The lateness of this session's waits, made up for by its own next ones. */
  readonly latency: LatencyAccount = { lateMs: 0 };
  private tail: Promise<unknown> = Promise.resolve();
  private pendingRequests = 0;

  constructor(owner: TokenRecord, parameters: SessionParameters, nowMs: number) {
    this.ownerToken = owner.accessToken;
    this.username = owner.username;
    this.parameters = parameters;
    this.createdAtMs = nowMs;
    this.lastActivityMs = nowMs;
  }

  get busy(): boolean {
    return this.pendingRequests > 0;
  }

  /** Runs `work` after every earlier request of this session has been answered. */
  serve<T>(work: () => Promise<T> | T, clock: () => number): Promise<T> {
    this.pendingRequests += 1;
    const run = async () => {
      try {
        return await work();
      } finally {
        this.pendingRequests -= 1;
        this.lastActivityMs = clock();
      }
    };

    const served = this.tail.then(run, run);
    this.tail = served.catch(() => undefined);
    return served;
  }
}
