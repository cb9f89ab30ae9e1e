// A FUSE file system that holds nothing, and a command run with it mounted, for the tests of a
// journal on a share. Run in a user namespace of its own (`unshare -Urm`, no root needed where
// the kernel allows one and /dev/fuse may be opened):
//   fuse-child.ts MOUNT_POINT CWD COMMAND ARGS…
// It mounts the file system at MOUNT_POINT, runs COMMAND in CWD, and exits with its exit code;
// exit 77 when the file system cannot be mounted here. Its root is an empty directory whose
// statfs answers FUSE's type; making a file or directory in it is refused with EACCES.
import { spawn } from "node:child_process";
import { openSync, read, writeSync } from "node:fs";

const [mountPoint, cwd, command, ...args] = process.argv.slice(2);
if (mountPoint === undefined || cwd === undefined || command === undefined) {
  throw new Error("usage: MOUNT_POINT CWD COMMAND ARGS…");
}

// The kernel's FUSE protocol (include/uapi/linux/fuse.h): opcodes, and replies of 7.31.
const opcode = {
  lookup: 1,
  forget: 2,
  getattr: 3,
  mknod: 8,
  mkdir: 9,
  statfs: 17,
  init: 26,
  create: 35,
  interrupt: 36,
  batchForget: 42,
};
const errno = { ENOENT: 2, EACCES: 13, ENOSYS: 38 };
const unanswered = new Set([opcode.forget, opcode.batchForget, opcode.interrupt]);

let device: number;
try {
  device = openSync("/dev/fuse", "r+");
} catch {
  process.exit(77);
}

function reply(unique: bigint, error: number, body: Buffer = Buffer.alloc(0)): void {
  const header = Buffer.alloc(16);
  header.writeUInt32LE(header.length + body.length, 0);
  header.writeInt32LE(-error, 4);
  header.writeBigUInt64LE(unique, 8);
  writeSync(device, Buffer.concat([header, body]));
}

function initReply(): Buffer {
  const body = Buffer.alloc(64);
  body.writeUInt32LE(7, 0);
  body.writeUInt32LE(31, 4);
  body.writeUInt16LE(1, 16); // max_background
  body.writeUInt16LE(1, 18); // congestion_threshold
  body.writeUInt32LE(4096, 20); // max_write
  body.writeUInt32LE(1, 24); // time_gran

  return body;
}

/** fuse_attr_out of the root: an empty directory, mode 0755. */
function rootAttributes(): Buffer {
  const body = Buffer.alloc(104);
  body.writeBigUInt64LE(1n, 16); // ino
  body.writeUInt32LE(0o040755, 76); // mode
  body.writeUInt32LE(2, 80); // nlink
  body.writeUInt32LE(4096, 96); // blksize

  return body;
}

/** fuse_kstatfs: an empty file system (statfs's f_type is the kernel's, not this). */
function statfsReply(): Buffer {
  const body = Buffer.alloc(80);
  body.writeUInt32LE(4096, 40); // bsize
  body.writeUInt32LE(255, 44); // namelen

  return body;
}

function answer(request: Buffer): void {
  const code = request.readUInt32LE(4);
  const unique = request.readBigUInt64LE(8);
  if (unanswered.has(code)) return;

  if (code === opcode.init) reply(unique, 0, initReply());
  else if (code === opcode.getattr) reply(unique, 0, rootAttributes());
  else if (code === opcode.statfs) reply(unique, 0, statfsReply());
  else if (code === opcode.lookup) reply(unique, errno.ENOENT);
  else if ([opcode.create, opcode.mknod, opcode.mkdir].includes(code)) reply(unique, errno.EACCES);
  else reply(unique, errno.ENOSYS);
}

// One read at a time, in the thread pool, once mounted; it ends (ENODEV) as the mount goes.
const buffer = Buffer.alloc(1 << 20);
function serve(): void {
  read(device, buffer, 0, buffer.length, null, (error, length) => {
    if (error !== null) return;

    answer(buffer.subarray(0, length));
    serve();
  });
}

// The device is the mount's fd 3; the kernel keeps the connection open on this process's own.
const mountOptions = "fd=3,rootmode=40000,user_id=0,group_id=0";
const mount = spawn(
  "mount",
  ["-i", "-t", "fuse.p21kit-test", "-o", mountOptions, "p21kit-test", mountPoint],
  { stdio: ["ignore", "ignore", "ignore", device] },
);
mount.on("close", (mounted) => {
  if (mounted !== 0) process.exit(77);

  serve();
  const child = spawn(command, args, { cwd, stdio: "inherit" });
  child.on("close", (exitCode) => {
    process.exitCode = exitCode ?? 1;
    // Asynchronously: umount looks at the mount point, which this process answers for.
    spawn("umount", [mountPoint], { stdio: "ignore" });
  });
});
