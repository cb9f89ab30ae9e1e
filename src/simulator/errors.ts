/** Codes of the simulator's own errors (configuration, state file). */
export type SimulatorErrorCode =
  "P21_SIMULATOR_OPTIONS" | "P21_SIMULATOR_STATE_FILE" | "P21_SIMULATOR_CLOSED";

/** The simulator's error family; wire refusals are answers, not errors of this family. */
export class SimulatorError extends Error {
  readonly code: SimulatorErrorCode;

  constructor(code: SimulatorErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SimulatorError";
    this.code = code;
  }
}
