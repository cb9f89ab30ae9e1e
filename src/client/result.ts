import type { Dialog } from "./dialog.js";

/** Numeric result status: None=0, Success=1, Failure=2, Blocked=3. */
export type ResultStatus = 0 | 1 | 2 | 3;
/** Name of a {@link ResultStatus}. */
export type ResultStatusName = "None" | "Success" | "Failure" | "Blocked";

const statusNames: readonly ResultStatusName[] = ["None", "Success", "Failure", "Blocked"];

/** Message type: 0 information, 1 warning, 2 error (the mapping is inferred, not documented). */
export type MessageType = 0 | 1 | 2;

/** One entry of a result's `Messages`. Its string form is its text. */
export class Message {
  constructor(
    /** The message text. */
    readonly text: string,
    /** 0 information, 1 warning, 2 error. */
    readonly type: MessageType,
  ) {}

  /** `true` for an error message (type 2). */
  get isError(): boolean {
    return this.type === 2;
  }

  toString(): string {
    return this.text;
  }
}

/** One key/value pair of an event's data. */
export interface EventDatum {
  readonly key: string;
  readonly value: string;
}

/** One entry of a result's `Events`, with its data as a key/value list. */
export class ResultEvent {
  constructor(
    /** The event name, for example `keygenerated`, `windowopened`, `savesucceeded`. */
    readonly name: string,
    /** The event's data, in the server's order. */
    readonly data: readonly EventDatum[],
  ) {}

  /** The first value under `key`, compared case-insensitively. */
  get(key: string): string | undefined {
    const wanted = key.toLowerCase();

    return this.data.find((datum) => datum.key.toLowerCase() === wanted)?.value;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads a property by any of its spellings, case-insensitively. @internal */
export function property(source: unknown, ...names: string[]): unknown {
  if (!isRecord(source)) return undefined;

  for (const name of names) {
    if (name in source) return source[name];
  }

  const lowered = names.map((name) => name.toLowerCase());
  for (const [key, value] of Object.entries(source)) {
    if (lowered.includes(key.toLowerCase())) return value;
  }

  return undefined;
}

function text(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);

  return JSON.stringify(value);
}

/** Reads `Status` as an int or a name; `undefined` when absent or unreadable. @internal */
export function parseStatus(value: unknown): ResultStatus | undefined {
  if (typeof value === "number" && [0, 1, 2, 3].includes(value)) return value as ResultStatus;
  if (typeof value !== "string") return undefined;

  const trimmed = value.trim();
  if (/^[0-3]$/.test(trimmed)) return Number(trimmed) as ResultStatus;

  const index = statusNames.findIndex((name) => name.toLowerCase() === trimmed.toLowerCase());

  return index < 0 ? undefined : (index as ResultStatus);
}

function parseMessageType(value: unknown, fallback: MessageType): MessageType {
  if (typeof value === "number" && (value === 0 || value === 1 || value === 2)) return value;
  if (typeof value === "string") {
    const lowered = value.trim().toLowerCase();
    if (lowered === "0" || lowered.startsWith("info")) return 0;
    if (lowered === "1" || lowered.startsWith("warn")) return 1;
    if (lowered === "2" || lowered.startsWith("err")) return 2;
  }

  return fallback;
}

function parseMessages(raw: unknown, failed: boolean): Message[] {
  if (!Array.isArray(raw)) return [];

  return raw.map((entry) => {
    if (typeof entry === "string") return new Message(entry, failed ? 2 : 0);

    const messageText = text(property(entry, "Text", "Message", "Description"));

    return new Message(messageText, parseMessageType(property(entry, "Type"), failed ? 2 : 0));
  });
}

function parseEventData(raw: unknown): EventDatum[] {
  if (Array.isArray(raw)) {
    return raw.flatMap((entry) => {
      if (!isRecord(entry)) return [];

      return [{ key: text(property(entry, "Key", "Name")), value: text(property(entry, "Value")) }];
    });
  }

  if (isRecord(raw)) {
    return Object.entries(raw).map(([key, value]) => ({ key, value: text(value) }));
  }

  return [];
}

function parseEvents(raw: unknown): ResultEvent[] {
  if (!Array.isArray(raw)) return [];

  return raw.flatMap((entry) => {
    if (!isRecord(entry)) return [];

    return [
      new ResultEvent(
        text(property(entry, "Name", "EventName")),
        parseEventData(property(entry, "Data", "EventData")),
      ),
    ];
  });
}

/** Whether a decoded body is a result envelope (it has a `Status`, `Messages` or `Events`). @internal */
export function isResultEnvelope(body: unknown): boolean {
  return (
    isRecord(body) &&
    (property(body, "Status") !== undefined ||
      Array.isArray(property(body, "Messages")) ||
      Array.isArray(property(body, "Events")))
  );
}

/**
 * The parsed answer of a window action (change, tab, row, save, clear, tools, close).
 * Construct it with {@link Result.parse}.
 */
export class Result {
  /** None=0, Success=1, Failure=2, Blocked=3 (read from an int or a name). */
  readonly status: ResultStatus;
  /** The messages, with their types. Failure detail lives here. */
  readonly messages: readonly Message[];
  /** The events, each with a key/value list. */
  readonly events: readonly ResultEvent[];
  /** The decoded body as the server sent it. */
  readonly raw: unknown;
  /** The dialog a Blocked result opened, bound to its window; `undefined` otherwise. */
  readonly dialog: Dialog | undefined;

  private constructor(raw: unknown, dialogFor: ((windowId: string) => Dialog) | undefined) {
    this.raw = raw;
    this.status = parseStatus(property(raw, "Status")) ?? 0;
    this.messages = parseMessages(property(raw, "Messages"), this.status === 2);
    this.events = parseEvents(property(raw, "Events"));
    const openedWindowId = this.blocked ? this.openedWindowId : undefined;
    this.dialog =
      openedWindowId !== undefined && dialogFor !== undefined
        ? dialogFor(openedWindowId)
        : undefined;
  }

  /**
   * Reads a decoded result envelope. `dialogFor` binds the dialog of a Blocked result.
   * @internal
   */
  static parse(raw: unknown, dialogFor?: (windowId: string) => Dialog): Result {
    return new Result(raw ?? {}, dialogFor);
  }

  /** The name of {@link status}. */
  get statusName(): ResultStatusName {
    return statusNames[this.status] ?? "None";
  }

  /** `true` when the status is Success. */
  get ok(): boolean {
    return this.status === 1;
  }

  /** `true` when the status is Blocked: a dialog waits for an answer (see {@link dialog}). */
  get blocked(): boolean {
    return this.status === 3;
  }

  /** The error messages (type 2). */
  get errors(): readonly Message[] {
    return this.messages.filter((message) => message.isError);
  }

  /** The first event named `name` (case-insensitive). */
  event(name: string): ResultEvent | undefined {
    const wanted = name.toLowerCase();

    return this.events.find((event) => event.name.toLowerCase() === wanted);
  }

  /** The new record's key from the `keygenerated` event: its first integer value. */
  get generatedKey(): number | undefined {
    for (const event of this.events) {
      if (event.name.toLowerCase() !== "keygenerated") continue;

      for (const datum of event.data) {
        const trimmed = datum.value.trim();
        if (/^-?\d+$/.test(trimmed)) return Number(trimmed);
      }
    }

    return undefined;
  }

  /** The id of the window a `windowopened` event announced (a dialog, usually). */
  get openedWindowId(): string | undefined {
    const opened = this.event("windowopened");
    const fromEvent = opened?.get("windowid") ?? opened?.get("id");
    if (fromEvent !== undefined && fromEvent !== "") return fromEvent;

    const responseWindowId = property(this.raw, "ResponseWindowId");

    return typeof responseWindowId === "string" && responseWindowId !== ""
      ? responseWindowId
      : undefined;
  }

  /** The messages joined with "; ", or the status name when there is none. */
  describe(): string {
    return this.messages.length > 0 ? this.messages.join("; ") : this.statusName;
  }
}
