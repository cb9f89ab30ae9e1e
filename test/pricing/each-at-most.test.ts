import { describe, expect, it } from "vitest";
import { eachAtMost } from "../../src/pricing/workflow/each-at-most.js";

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("eachAtMost", () => {
  it("does every item, never more than the limit at once, and uses the limit", async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await eachAtMost(4, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], async (item) => {
      running += 1;
      most = Math.max(most, running);
      await tick();
      done.push(item);
      running -= 1;
    });

    expect(done.sort((left, right) => left - right)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(most).toBe(4);
  });

  it("rejects with the first failure and starts no item after it", async () => {
    const started: number[] = [];
    const run = eachAtMost(2, [1, 2, 3, 4, 5, 6], async (item) => {
      started.push(item);
      await tick();
      if (item === 2) throw new Error("lookup of 2 failed");
    });

    await expect(run).rejects.toThrow("lookup of 2 failed");
    await tick();
    expect(started).toEqual([1, 2, 3]);
  });

  it("does nothing for no items", async () => {
    await expect(eachAtMost(4, [], () => Promise.reject(new Error("never")))).resolves.toBe(
      undefined,
    );
  });
});
