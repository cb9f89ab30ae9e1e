import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  fileSystemOfType,
  isUncPath,
  journalFileSystem,
  journalFileSystemWarning,
} from "../../src/cli/journal-filesystem.js";
import { temporaryDirectory } from "./helpers.js";

/** A Linux host whose `statfs` answers from `types` (path → f_type) and fails with ENOENT else. */
function linuxHost(types: Record<string, number | bigint>, failure?: string) {
  const asked: string[] = [];
  const host = {
    platform: "linux" as const,
    statfs: (path: string) => {
      asked.push(path);
      const type = types[path];
      if (type !== undefined) return { type };
      throw Object.assign(new Error(`statfs ${path}`), { code: failure ?? "ENOENT" });
    },
  };

  return { host, asked };
}

const refusingHost = (platform: NodeJS.Platform) => ({
  platform,
  statfs: (): never => {
    throw new Error("statfs is not asked on this platform");
  },
});

describe("the file system a journal lies on", () => {
  // The kernel's own numbers (include/uapi/linux/magic.h, statfs(2)), not the module's names.
  it.each([
    [0x6969, "nfs"],
    [0x517b, "smb"],
    [0xff534d42, "cifs"],
    [0xfe534d42, "smb2"],
    [0x01021997, "9p"],
    [0x5346414f, "afs"],
    [0x6b414653, "kafs"],
    [0x73757245, "coda"],
    [0x00c36400, "ceph"],
    [0x0bd00bd0, "lustre"],
    [0x01161970, "gfs2"],
    [0x7461636f, "ocfs2"],
    [0x65735546, "fuse"],
  ])("tells statfs type %i as %s, a file system a journal is not safe on", (type, name) => {
    expect(fileSystemOfType(type)).toMatchObject({ kind: "unreliable", name });
    expect(fileSystemOfType(BigInt(type))).toMatchObject({ kind: "unreliable", name });
  });

  it("tells CIFS as such where f_type is a signed 32-bit word", () => {
    expect(fileSystemOfType(0xff534d42 - 2 ** 32)).toMatchObject({ name: "cifs" });
    expect(fileSystemOfType(BigInt.asUintN(64, -11317950n))).toMatchObject({ name: "cifs" });
  });

  it.each([
    [0xef53, "ext4"],
    [0x58465342, "xfs"],
    [0x9123683e, "btrfs"],
    [0x01021994, "tmpfs"],
    [0x794c7630, "overlayfs"],
  ])("tells statfs type %i (%s) as local", (type) => {
    expect(fileSystemOfType(type)).toEqual({ kind: "local" });
  });

  it("names what a FUSE file system may be, and a 9p one", () => {
    expect(fileSystemOfType(0x65735546)).toMatchObject({
      description: "a FUSE file system, which may be a network one",
    });
    expect(fileSystemOfType(0x01021997)).toMatchObject({
      description: "a network file system (9p, as WSL2 mounts Windows drives under /mnt)",
    });
  });

  it("asks statfs of the journal, else of the nearest directory that is there", () => {
    const { host, asked } = linuxHost({ "/mnt/share": 0x6969 });
    const fileSystem = journalFileSystem("/mnt/share/p21/.p21kit/journal.db", host);

    expect(fileSystem).toMatchObject({ kind: "unreliable", name: "nfs" });
    expect(asked).toEqual([
      "/mnt/share/p21/.p21kit/journal.db",
      "/mnt/share/p21/.p21kit",
      "/mnt/share/p21",
      "/mnt/share",
    ]);
  });

  it.each(["EACCES", "EIO", "ENOSYS"])("cannot tell when statfs fails with %s", (code) => {
    const { host, asked } = linuxHost({}, code);

    expect(journalFileSystem("/srv/p21/journal.db", host)).toEqual({
      kind: "unknown",
      reason: `statfs /srv/p21/journal.db: ${code}`,
    });
    expect(asked).toHaveLength(1);
  });

  it("cannot tell when not even the root is there", () => {
    const { host } = linuxHost({});

    expect(journalFileSystem("/a/journal.db", host)).toMatchObject({ kind: "unknown" });
  });

  it.each([
    "\\\\fileserver\\p21\\journal.db",
    "//fileserver/p21/journal.db",
    "\\\\fileserver\\p21",
    "\\\\?\\UNC\\fileserver\\p21\\journal.db",
  ])("takes the UNC path %s for a network share", (path) => {
    expect(isUncPath(path)).toBe(true);
    expect(journalFileSystem(path, refusingHost("win32"))).toMatchObject({ kind: "unreliable" });
  });

  it.each([
    "C:\\p21\\journal.db",
    "\\\\?\\C:\\p21\\journal.db",
    "\\\\.\\pipe\\journal",
    "\\\\fileserver",
    "\\p21\\journal.db",
    "/home/p21/journal.db",
  ])("does not take %s for a UNC path", (path) => {
    expect(isUncPath(path)).toBe(false);
  });

  it("cannot tell a mapped drive on Windows, nor anything on macOS", () => {
    expect(journalFileSystem("Z:\\p21\\journal.db", refusingHost("win32"))).toEqual({
      kind: "unknown",
      reason: "a mapped network drive cannot be told from a local disk",
    });
    expect(journalFileSystem("/Volumes/share/journal.db", refusingHost("darwin"))).toEqual({
      kind: "unknown",
      reason: "file systems are not checked on darwin",
    });
  });

  it("words a run's warning for a journal on a share, and none for a local one", () => {
    const { host } = linuxHost({ "/mnt/share/journal.db": 0x6969, "/home/p21/journal.db": 0xef53 });

    expect(journalFileSystemWarning("/mnt/share/journal.db", host)).toBe(
      "the journal /mnt/share/journal.db is on a network file system (nfs): SQLite's WAL and the run lock are not reliable there, and two machines could send a run's records twice; keep --journal on a local disk",
    );
    expect(journalFileSystemWarning("/home/p21/journal.db", host)).toBeUndefined();
    expect(journalFileSystemWarning("/nowhere/journal.db", linuxHost({}, "EIO").host)).toBe(
      undefined,
    );
  });

  it.runIf(process.platform === "linux")(
    "tells this machine's temporary directory as local, through the real statfs",
    async () => {
      const directory = await temporaryDirectory();
      try {
        expect(journalFileSystem(join(directory.path, "journal.db"))).toEqual({ kind: "local" });
        expect(journalFileSystem(join(directory.path, "not", "made", "journal.db"))).toEqual({
          kind: "local",
        });
      } finally {
        await directory.remove();
      }
    },
  );
});
