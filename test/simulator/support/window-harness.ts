import { demoContents } from "../../../src/simulator/data/demo-data.js";
import { emptyContents, SimulatorStore } from "../../../src/simulator/data/store.js";
import type { StoreContents } from "../../../src/simulator/data/store.js";
import type { BuildProfile, CommitInfo } from "../../../src/simulator/types.js";
import type { ResultEnvelope } from "../../../src/simulator/windows/result.js";
import type { InteractiveWindow } from "../../../src/simulator/windows/window.js";
import type { ChangeItem, WindowContext } from "../../../src/simulator/windows/window-types.js";

/** A window context over a store of its own, and what the windows opened in it did. */
export interface Harness {
  context: WindowContext;
  windows: Map<string, InteractiveWindow>;
  commits: CommitInfo[];
  store: SimulatorStore;
}

export function harness(
  options: {
    demo?: boolean;
    /** The store's data, in place of the demo's (or the empty one's). */
    contents?: StoreContents;
    dialogs?: boolean;
    profile?: BuildProfile;
  } = {},
): Harness {
  const contents = options.contents ?? (options.demo === false ? emptyContents() : demoContents());
  const store = new SimulatorStore(contents);
  const windows = new Map<string, InteractiveWindow>();
  const commits: CommitInfo[] = [];
  const context: WindowContext = {
    store,
    username: "api_user",
    profile: options.profile ?? "26.1.5950",
    responseWindowHandling: options.dialogs ?? false,
    register: (window) => windows.set(window.id, window),
    unregister: (window) => windows.delete(window.id),
    emitCommitted: (info) => commits.push(info),
  };
  return { context, windows, commits, store };
}

/** One change of a field, as a client sends it. */
export const item = (
  DatawindowName: string | null,
  FieldName: string,
  Value: string | null,
  ValueType: "Display" | "Data" = "Display",
): ChangeItem => ({
  TabName: null,
  DatawindowName,
  FieldName,
  Value,
  ValueType,
});

export function eventValue(result: ResultEnvelope, name: string): string | undefined {
  return result.Events.find((event) => event.Name === name)?.Data[0]?.Value;
}
