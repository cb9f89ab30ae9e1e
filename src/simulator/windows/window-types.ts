import type { SimulatorStore } from "../data/store.js";
import type { BuildProfile, CommitInfo } from "../types.js";
import type { ResultEvent, ResultMessage } from "./result.js";
import type { InteractiveWindow } from "./window.js";

/** What a window needs from its session. */
export interface WindowContext {
  readonly store: SimulatorStore;
  readonly username: string;
  readonly profile: BuildProfile;
  readonly responseWindowHandling: boolean;
  register(window: InteractiveWindow): void;
  unregister(window: InteractiveWindow): void;
  emitCommitted(info: CommitInfo): void;
}

/** How a save goes (faults a test schedules). */
export interface SaveOptions {
  /**
   * The documented hazard: the save answers success while the grid rows it added never reach
   * the database; the window goes on showing them.
   */
  dropRows?: boolean;
}

/** One entry of a `PUT /v2/change` `List`, already checked for types. */
export interface ChangeItem {
  TabName: string | null;
  DatawindowName: string | null;
  FieldName: string;
  Value: string | null;
  ValueType: "Display" | "Data";
}

/** What setting one field did. */
export type FieldOutcome =
  | { kind: "applied"; messages?: ResultMessage[]; events?: ResultEvent[] }
  | { kind: "ignored" }
  /** Refused with a message (`Status: 2`, or 0 for a failed load on 25.2). */
  | { kind: "rejected"; message: string; status?: 0 | 2 };

export interface ToolDescription {
  ToolName: string;
  Text: string;
  DatawindowName: string | null;
  FieldName: string | null;
}
