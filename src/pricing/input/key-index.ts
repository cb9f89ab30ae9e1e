/**
 * Which earlier row of an input holds a natural key. Open addressing over two typed arrays — a
 * 32-bit hash and the row's index per slot, at most half full — so that 100,000 keys cost 2 MB
 * outside the JS heap and no key string is kept. A hash hit is confirmed against the earlier
 * row's own key (`keyAt` rebuilds it), so equal hashes never pass for equal keys.
 */
export class NaturalKeyIndex {
  private hashes = new Int32Array(1_024);
  /** The row's index + 1 per slot; 0 marks a free slot. */
  private entries = new Int32Array(1_024);
  private size = 0;

  constructor(private readonly keyAt: (index: number) => string) {}

  /** The index of the earlier row with `key`; else records `index` for it and says undefined. */
  findOrAdd(key: string, index: number): number | undefined {
    const hash = hashOf(key);
    const mask = this.entries.length - 1;
    let slot = hash & mask;
    for (let entry = this.entries[slot] ?? 0; entry !== 0; entry = this.entries[slot] ?? 0) {
      if (this.hashes[slot] === hash && this.keyAt(entry - 1) === key) {
        return entry - 1;
      }

      slot = (slot + 1) & mask;
    }

    this.hashes[slot] = hash;
    this.entries[slot] = index + 1;
    this.size += 1;
    if (this.size * 2 > this.entries.length) {
      this.grow();
    }

    return undefined;
  }

  private grow(): void {
    const hashes = this.hashes;
    const entries = this.entries;
    this.hashes = new Int32Array(hashes.length * 2);
    this.entries = new Int32Array(entries.length * 2);
    const mask = this.entries.length - 1;
    for (let old = 0; old < entries.length; old += 1) {
      const entry = entries[old] ?? 0;
      if (entry === 0) {
        continue;
      }

      const hash = hashes[old] ?? 0;
      let slot = hash & mask;
      while (this.entries[slot] !== 0) {
        slot = (slot + 1) & mask;
      }

      this.hashes[slot] = hash;
      this.entries[slot] = entry;
    }
  }
}

/** FNV-1a over the UTF-16 code units. */
function hashOf(text: string): number {
  let value = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    value ^= text.charCodeAt(index);
    value = Math.imul(value, 0x01000193);
  }

  return value | 0;
}
