import { arch, cpus, freemem, loadavg, platform, release, totalmem } from "node:os";

/** The machine a bench ran on, as `latest.json` records it. */
export interface MachineDescription {
  /** CPU model as the operating system names it. */
  cpuModel: string;
  /** Logical CPUs. */
  cpus: number;
  totalMemoryMb: number;
  /** Free memory when the bench started. */
  freeMemoryMb: number;
  /** `linux x64 6.8.0`. */
  os: string;
  node: string;
  /** 1, 5 and 15 minute load averages when the bench started (other work on the machine). */
  loadAverageAtStart: number[];
  /** ISO timestamp of the start of the run. */
  startedAt: string;
  /** `true` for a `--quick` run (smaller sizes; not comparable with a full run). */
  quick: boolean;
}

const megabyte = 1_048_576;

/** Describes this machine and Node.js. */
export function describeMachine(quick: boolean): MachineDescription {
  const processors = cpus();

  return {
    cpuModel: processors[0]?.model.trim() ?? "unknown",
    cpus: processors.length,
    totalMemoryMb: Math.round(totalmem() / megabyte),
    freeMemoryMb: Math.round(freemem() / megabyte),
    os: `${platform()} ${arch()} ${release()}`,
    node: process.version,
    loadAverageAtStart: loadavg().map((load) => Math.round(load * 100) / 100),
    startedAt: new Date().toISOString(),
    quick,
  };
}

/** One line for the table's header: `Intel Xeon, 2 CPUs, 23.5 GB, linux x64, Node v20.20.2`. */
export function machineLine(machine: MachineDescription): string {
  const memoryGb = (machine.totalMemoryMb / 1_024).toFixed(1);
  const os = machine.os.split(" ").slice(0, 2).join(" ");

  return `${machine.cpuModel}, ${machine.cpus} CPUs, ${memoryGb} GB, ${os}, Node ${machine.node}`;
}
