/**
 * The P21 Interactive API simulator: a stand-in of the server for tests, demos and rehearsals.
 * It shares no code with the client.
 */
export { startSimulator } from "./simulator.js";
export { DEMO } from "./data/demo-data.js";
export { SEED_LATENCY } from "./latency.js";
export { SimulatorError, type SimulatorErrorCode } from "./errors.js";
export type {
  BuildProfile,
  CommitInfo,
  FaultKind,
  FaultRates,
  LatencyTable,
  RequestInfo,
  ScheduledFault,
  SimulatorHandle,
  SimulatorOptions,
  SimulatorStats,
  SimulatorUser,
  TableName,
} from "./types.js";
