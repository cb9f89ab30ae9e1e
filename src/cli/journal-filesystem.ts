import { statfsSync } from "node:fs";
import { dirname } from "node:path";

/**
 * What can be told of the file system a journal lies on. `unreliable`: a network (or cluster,
 * or FUSE) file system, where SQLite's WAL does not work and a file lock may not be honoured,
 * or not dropped when the machine that took it dies.
 */
export type JournalFileSystem =
  | { readonly kind: "local" }
  | { readonly kind: "unreliable"; readonly name: string; readonly description: string }
  | { readonly kind: "unknown"; readonly reason: string };

const network = (name: string, note = "") => ({
  name,
  description: `a network file system (${name}${note})`,
});
const cluster = (name: string) => ({ name, description: `a cluster file system (${name})` });

/**
 * `statfs(2)`'s `f_type` of the Linux file systems a journal is not safe on: the kernel's magic
 * numbers, as include/uapi/linux/magic.h and the statfs(2) manual give them (GFS2's is
 * GFS2_MAGIC of include/uapi/linux/gfs2_ondisk.h, Lustre's LL_SUPER_MAGIC of its lustre_user.h).
 */
const unreliableTypes = new Map<number, { name: string; description: string }>([
  [0x6969, network("nfs")],
  [0x517b, network("smb")],
  [0xff534d42, network("cifs")],
  [0xfe534d42, network("smb2")],
  [0x01021997, network("9p", ", as WSL2 mounts Windows drives under /mnt")],
  [0x5346414f, network("afs")],
  [0x6b414653, network("kafs")],
  [0x73757245, network("coda")],
  [0x00c36400, network("ceph")],
  [0x0bd00bd0, network("lustre")],
  [0x01161970, cluster("gfs2")],
  [0x7461636f, cluster("ocfs2")],
  // sshfs, rclone, s3fs and others: which one cannot be told from here.
  [0x65735546, { name: "fuse", description: "a FUSE file system, which may be a network one" }],
]);

/** The file system of a Linux `statfs` type: `unreliable` when it is one of the above. */
export function fileSystemOfType(type: number | bigint): JournalFileSystem {
  // 32 bits: where `f_type` is a signed 32-bit word, CIFS's 0xFF534D42 comes back negative.
  const magic = Number(BigInt.asUintN(32, BigInt(type)));
  const known = unreliableTypes.get(magic);

  return known === undefined ? { kind: "local" } : { kind: "unreliable", ...known };
}

/**
 * Whether a Windows path names a network share: `\\server\share\…`, `//server/share/…` or
 * `\\?\UNC\server\share\…` (not `\\?\C:\…` nor a device such as `\\.\pipe\…`).
 */
export function isUncPath(path: string): boolean {
  if (/^[\\/]{2}[?.][\\/]/.test(path)) return /^[\\/]{2}\?[\\/]UNC[\\/]/i.test(path);
  return /^[\\/]{2}[^\\/]+[\\/]+[^\\/]+/.test(path);
}

interface FileSystemHost {
  readonly platform: NodeJS.Platform;
  readonly statfs: (path: string) => { type: number | bigint };
}

const realHost: FileSystemHost = {
  platform: process.platform,
  statfs: (path) => statfsSync(path, { bigint: true }),
};

/**
 * The file system `journalFile` lies on: that of the file when it is there (through a symbolic
 * link, where SQLite puts its WAL), else of the nearest directory above it that is (where it
 * will be made). Never throws: what cannot be told is `unknown`.
 */
export function journalFileSystem(
  journalFile: string,
  host: FileSystemHost = realHost,
): JournalFileSystem {
  if (host.platform === "win32") {
    if (isUncPath(journalFile)) {
      return { kind: "unreliable", name: "unc", description: "a network share (a UNC path)" };
    }

    // Known limit: a mapped drive letter (`net use Z: \\server\share`) looks like a local disk
    // to Node; telling them apart takes GetDriveType, native code p21kit does not carry.
    return { kind: "unknown", reason: "a mapped network drive cannot be told from a local disk" };
  }

  // Known limit: macOS and the BSDs number their file systems otherwise; not checked there.
  if (host.platform !== "linux") {
    return { kind: "unknown", reason: `file systems are not checked on ${host.platform}` };
  }

  let path = journalFile;
  for (;;) {
    try {
      return fileSystemOfType(host.statfs(path).type);
    } catch (error) {
      const parent = dirname(path);
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" || parent === path) {
        return { kind: "unknown", reason: `statfs ${path}: ${code ?? String(error)}` };
      }

      path = parent;
    }
  }
}

/** Why a journal on an unreliable file system is a risk, for the run's warning and doctor's. */
export const unreliableJournalRisk =
  "SQLite's WAL and the run lock are not reliable there, and two machines could send a run's records twice";

/**
 * The warning a run prints before it sends anything when its journal is on a network share, or
 * `undefined`. A warning, not a refusal: some shares do lock correctly, and the user decides.
 */
export function journalFileSystemWarning(
  journalFile: string,
  host: FileSystemHost = realHost,
): string | undefined {
  const fileSystem = journalFileSystem(journalFile, host);
  if (fileSystem.kind !== "unreliable") return undefined;

  return `the journal ${journalFile} is on ${fileSystem.description}: ${unreliableJournalRisk}; keep --journal on a local disk`;
}
