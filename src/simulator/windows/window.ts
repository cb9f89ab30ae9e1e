import { randomUUID } from "node:crypto";
import type { WireError } from "../http/answer.js";
import { emptyError, refuse, refusals } from "../http/answer.js";
import { Datawindow, type DatawindowDefinition, type TabPage } from "./datawindow.js";
import { parseFieldValue, type FieldDefinition, type ParsedValue } from "./fields.js";
import {
  failure,
  result,
  success,
  ResultStatus,
  type ResultEnvelope,
  type ResultEvent,
  type ResultMessage,
} from "./result.js";
import type {
  ChangeItem,
  FieldOutcome,
  SaveOptions,
  ToolDescription,
  WindowContext,
} from "./window-types.js";

/** Ribbon tools every main window lists (and popups list too, as on the real server). */
export const RIBBON_TOOLS: readonly ToolDescription[] = [
  { ToolName: "Quick.Save", Text: "Save", DatawindowName: null, FieldName: null },
  { ToolName: "Quick.Clear", Text: "Clear", DatawindowName: null, FieldName: null },
  { ToolName: "inquiry.open", Text: "Inquiry", DatawindowName: null, FieldName: null },
  { ToolName: "help.contents", Text: "Help", DatawindowName: null, FieldName: null },
];

/**
 * A window of the Interactive API: tab pages, datawindows, and the generic rules of change,
 * tab and row requests. Services (SalesPricePage, SalesPriceBook) and popups extend it.
 */
export abstract class InteractiveWindow {
  readonly id: string = randomUUID();
  abstract readonly serviceName: string;
  /** PowerBuilder class name, e.g. `w_price_page`. */
  abstract readonly className: string;
  abstract readonly title: string;
  readonly context: WindowContext;
  readonly tabs: readonly TabPage[];
  protected activeTab: TabPage | undefined;
  protected readonly datawindows: ReadonlyMap<string, Datawindow>;
  /** Set by the `corrupt` fault: every request but close fails until the window is closed. */
  corrupted = false;
  /** The unanswered popup that blocks this window. */
  blockingPopup: InteractiveWindow | undefined;
  /** The window a popup belongs to. */
  parent: InteractiveWindow | undefined;
  private burnPending = false;
  private readonly freshRowZero = new Set<Datawindow>();

  protected constructor(
    context: WindowContext,
    tabs: readonly TabPage[],
    definitions: readonly DatawindowDefinition[],
  ) {
    this.context = context;
    this.tabs = tabs;
    this.activeTab = tabs[0];
    this.datawindows = new Map(
      definitions.map((definition) => [definition.name.toLowerCase(), new Datawindow(definition)]),
    );
  }

  /** True when closing would lose edits. */
  abstract get dirty(): boolean;

  /** Saves the record (may raise a dialog). */
  abstract save(options?: SaveOptions): ResultEnvelope;

  /** Forgets the record: the window is ready for the next one. */
  abstract clear(): void;

  /** Applies one checked field change under the service's rules. */
  protected abstract applyField(
    datawindow: Datawindow,
    field: FieldDefinition,
    item: ChangeItem,
  ): FieldOutcome;

  /** Whether a tab page can be selected now. */
  protected isTabEnabled(_tab: TabPage): boolean {
    return true;
  }

  /** Whether a field can be edited now (the window metadata reports it as `Enabled`). */
  isFieldEnabled(_datawindow: Datawindow, _field: FieldDefinition): boolean {
    return true;
  }

  /** Refusal of a row added to a list, before it is added (e.g. no record loaded). */
  protected refuseAddRow(_datawindow: Datawindow): string | undefined {
    return undefined;
  }

  /** Fields of a list row that must be filled before another row is added. */
  protected requiredRowFields(_datawindow: Datawindow): readonly FieldDefinition[] {
    return [];
  }

  /** Service tools besides the ribbon. */
  protected serviceTools(): readonly ToolDescription[] {
    return [];
  }

  /** Runs a service tool; `undefined` when the name is not one of its tools. */
  protected runServiceTool(_toolName: string): ResultEnvelope | undefined {
    return undefined;
  }

  /**
   * Checks that the window may serve a request: a corrupted window answers the documented
   * 500, a window whose previous request named a bad datawindow loses this request (empty
   * 500), and a window blocked by a popup refuses with a 400. Close passes the first two.
   */
  admit(operation: "close" | "other"): void {
    if (operation === "other") {
      if (this.corrupted) throw refusals.corruptedWindow();
      if (this.burnPending) {
        this.burnPending = false;
        throw emptyError(500);
      }
    }

    const popup = this.blockingPopup;
    if (popup !== undefined) {
      throw refuse(
        400,
        `Window is waiting for an answer to the response window "${popup.title}" (${popup.className}).`,
      );
    }
  }

  /** `PUT /v2/change`: applied in order, stopping at the first rejection. */
  change(items: readonly ChangeItem[]): ResultEnvelope {
    const messages: ResultMessage[] = [];
    const events: ResultEvent[] = [];
    for (const item of items) {
      const outcome = this.changeOne(item);
      if (outcome.kind === "rejected") {
        if (items.length > 1) throw refuse(400, outcome.message);
        return result(
          outcome.status ?? ResultStatus.Failure,
          [{ Text: outcome.message, Type: 2 }],
          events,
        );
      }

      if (outcome.kind === "applied") {
        messages.push(...(outcome.messages ?? []));
        events.push(...(outcome.events ?? []));
      }
    }

    return success(events, messages);
  }

  private changeOne(item: ChangeItem): FieldOutcome {
    if (item.TabName !== null && item.TabName !== "" && this.findTab(item.TabName) === undefined) {
      throw refuse(500, `Tab with name ${item.TabName} does not exist`);
    }

    const datawindow = this.resolveDatawindow(item.DatawindowName, item.FieldName);
    const field = datawindow.field(item.FieldName);
    if (field === undefined) {
      throw refuse(
        400,
        `Unable to find column named ${item.FieldName} in datawindow ${datawindow.name}`,
      );
    }

    const row = datawindow.activeRecord;
    if (row === undefined) throw refuse(400, `No row is selected in datawindow ${datawindow.name}`);
    if (datawindow.isList && datawindow.committedRows.has(row)) return { kind: "ignored" };

    const outcome = this.applyField(datawindow, field, item);
    if (
      outcome.kind === "applied" &&
      datawindow.isList &&
      datawindow.definition.keyField?.toLowerCase() === field.name.toLowerCase()
    ) {
      datawindow.committedRows.add(row);
    }

    return outcome;
  }

  /**
   * The datawindow a change names. 25.2 requires `DatawindowName`; 26.1 resolves a missing
   * one for header (form) fields. A name that does not exist is a 400 and, on 26.1, costs the
   * next request on this window.
   */
  protected resolveDatawindow(name: string | null, fieldName: string): Datawindow {
    if (name === null || name === "") {
      if (this.context.profile !== "25.2") {
        for (const datawindow of this.datawindows.values()) {
          if (!datawindow.isList && datawindow.field(fieldName) !== undefined) return datawindow;
        }
      }

      throw this.badDatawindow("");
    }

    const datawindow = this.datawindows.get(name.toLowerCase());
    if (datawindow === undefined) throw this.badDatawindow(name);
    return datawindow;
  }

  private badDatawindow(name: string): WireError {
    if (this.context.profile !== "25.2") this.burnPending = true;
    return refuse(400, `Unable to find datawindow named ${name}`);
  }

  protected findTab(name: string): TabPage | undefined {
    const wanted = name.trim().toLowerCase();
    return this.tabs.find(
      (tab) => tab.name.toLowerCase() === wanted || tab.text.toLowerCase() === wanted,
    );
  }

  /** `PUT /v2/tab`. `pageName` is `PageName` (or `TabName` where the build accepts it). */
  selectTab(pageName: string): ResultEnvelope {
    const tab = this.findTab(pageName);
    if (tab === undefined)
      throw refuse(400, `Tab with name or display text of ${pageName} does not exist.`);
    if (!this.isTabEnabled(tab)) return failure("Tab page is disabled and cannot be selected.");

    this.activeTab = tab;
    for (const datawindow of this.datawindowsOf(tab)) {
      if (!datawindow.isList) continue;
      datawindow.activeRow = 0;
      if (datawindow.rows.length > 0) this.freshRowZero.add(datawindow);
    }

    return success();
  }

  /** `POST /v2/row`: the row is added even when the previous one is incomplete. */
  addRow(datawindowName: string): ResultEnvelope {
    const datawindow = this.resolveDatawindow(datawindowName, "");
    if (!datawindow.isList)
      throw refuse(400, `Rows cannot be added to datawindow ${datawindow.name}`);

    const refusal = this.refuseAddRow(datawindow);
    if (refusal !== undefined) return failure(refusal);

    const previousIndex = datawindow.rows.length - 1;
    const previous = datawindow.rows[previousIndex];
    datawindow.rows.push(datawindow.blankRecord());
    datawindow.activeRow = datawindow.rows.length - 1;
    this.freshRowZero.delete(datawindow);
    if (previous !== undefined) {
      const missing = this.requiredRowFields(datawindow).find(
        (field) => previous[field.name] === null,
      );
      if (missing !== undefined) {
        return failure(`Required value missing for ${missing.label} on row ${previousIndex + 1}`);
      }
    }

    return success();
  }

  /** `PUT /v2/row`. Row 0 is already selected after a tab switch: asking for it is a 422. */
  selectRow(datawindowName: string, row: number): ResultEnvelope {
    const datawindow = this.resolveDatawindow(datawindowName, "");
    if (!datawindow.isList) return success();
    if (row === 0 && this.freshRowZero.has(datawindow)) {
      throw refuse(422, `Row 0 is already selected in datawindow ${datawindow.name}.`);
    }

    if (row >= datawindow.rows.length) {
      throw refuse(400, `Row ${row} does not exist in datawindow ${datawindow.name}.`);
    }

    this.freshRowZero.delete(datawindow);
    datawindow.activeRow = row;
    return success();
  }

  /** Service tools first, then the ribbon. */
  tools(): ToolDescription[] {
    return [...this.serviceTools(), ...RIBBON_TOOLS];
  }

  /** `POST /v2/tools`. */
  runTool(toolName: string): ResultEnvelope {
    const serviceResult = this.runServiceTool(toolName);
    if (serviceResult !== undefined) return serviceResult;

    switch (toolName.toLowerCase()) {
      case "quick.save":
        return this.save();
      case "quick.clear":
        this.clear();
        this.resetView();
        return success();
      default:
        if (RIBBON_TOOLS.some((tool) => tool.ToolName.toLowerCase() === toolName.toLowerCase())) {
          return success();
        }

        return failure(`Tool ${toolName} is not available in this window.`);
    }
  }

  /** Back to the first tab, nothing selected afresh. */
  protected resetView(): void {
    this.activeTab = this.tabs[0];
    this.freshRowZero.clear();
  }

  protected datawindowsOf(tab: TabPage | undefined): Datawindow[] {
    if (tab === undefined) return [...this.datawindows.values()];
    return [...this.datawindows.values()].filter(
      (datawindow) => datawindow.definition.tabName === tab.name,
    );
  }

  protected datawindow(name: string): Datawindow {
    const datawindow = this.datawindows.get(name.toLowerCase());
    if (datawindow === undefined) throw new Error(`${this.className} has no datawindow ${name}`);
    return datawindow;
  }

  /** `GET /v2/data`: the datawindows of the active tab page. */
  dataElements() {
    const tabName = this.activeTab?.name ?? "";
    return this.datawindowsOf(this.activeTab).map((datawindow) =>
      datawindow.toDataElement(tabName),
    );
  }

  /** `GET /v2/window`: everything structural under `Definition`, only the active tab's datawindows. */
  state() {
    const datawindows: Record<string, unknown> = {};
    for (const datawindow of this.datawindowsOf(this.activeTab)) {
      const fields: Record<string, unknown> = {};
      for (const field of datawindow.definition.fields) {
        fields[field.name] = {
          Name: field.name,
          Label: field.label,
          Enabled: this.isFieldEnabled(datawindow, field),
          DataType: field.dataType,
        };
      }

      datawindows[datawindow.name] = {
        Name: datawindow.name,
        ParentPage: datawindow.definition.tabName,
        Style: datawindow.definition.style,
        Fields: fields,
      };
    }

    return {
      Data: this.dataElements(),
      Definition: {
        Id: this.id,
        Name: this.className,
        Title: this.title,
        TabPageList: this.tabs.map((tab) => ({
          Name: tab.name,
          DisplayText: tab.text,
          Enabled: this.isTabEnabled(tab),
        })),
        Datawindows: datawindows,
      },
    };
  }

  /** Parses a change value for a field, in the item's value type. */
  protected parse(field: FieldDefinition, item: ChangeItem): ParsedValue {
    return parseFieldValue(field, item.Value, item.ValueType);
  }
}
