import { refuse } from "../http/answer.js";

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
  timer: NodeJS.Timeout;
  signal: AbortSignal;
  onAbort: () => void;
}

/**
 * The server's API instances: every open session holds one. A create waits (first come,
 * first served) up to `waitMs` for a free instance, then fails.
 */
export class InstancePool {
  private readonly size: number;
  private readonly waitMs: number;
  private inUse = 0;
  private readonly waiters: Waiter[] = [];

  constructor(size: number, waitMs: number) {
    this.size = size;
    this.waitMs = waitMs;
  }

  get busy(): number {
    return this.inUse;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  /**
   * Takes an instance. Inferred answer when none frees up in time: 503
   * `P21.UI.Service.PoolTimeoutException` (docs/protocol-choices.md).
   */
  acquire(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    if (this.inUse < this.size && this.waiters.length === 0) {
      this.inUse += 1;
      return Promise.resolve();
    }

    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        timer: setTimeout(() => {
          this.remove(waiter);
          const seconds = Math.round(this.waitMs / 1000);
          reject(
            refuse(
              503,
              `No API instance became available within ${seconds} seconds.`,
              "P21.UI.Service.PoolTimeoutException",
            ),
          );
        }, this.waitMs),
        onAbort: () => {
          this.remove(waiter);
          reject(signal.reason as Error);
        },
      };
      waiter.timer.unref();
      signal.addEventListener("abort", waiter.onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  release(): void {
    const next = this.waiters.shift();
    if (next !== undefined) {
      clearTimeout(next.timer);
      next.signal.removeEventListener("abort", next.onAbort);
      next.resolve();
      return;
    }

    this.inUse = Math.max(0, this.inUse - 1);
  }

  private remove(waiter: Waiter): void {
    clearTimeout(waiter.timer);
    waiter.signal.removeEventListener("abort", waiter.onAbort);
    const index = this.waiters.indexOf(waiter);
    if (index >= 0) this.waiters.splice(index, 1);
  }
}
