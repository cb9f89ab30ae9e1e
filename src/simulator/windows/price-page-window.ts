import { TABLE_SCHEMAS, type Row } from "../data/schema.js";
import { refuse } from "../http/answer.js";
import type { Datawindow, TabPage } from "./datawindow.js";
import { messageBox, notepadDialog, raiseDialog, YES_NO } from "./dialogs.js";
import type { FieldDefinition } from "./fields.js";
import {
  FORM_FIELDS,
  KEY_FIELDS,
  PAGE_TYPE_FIELDS,
  PRICE_PAGE_DATAWINDOWS,
  PRICE_PAGE_TABS,
  TIER_FIELD,
  type FormFieldName,
} from "./price-page-fields.js";
import { formValueRefusal } from "./price-page-values.js";
import { event, failure, success, type ResultEnvelope, type ResultEvent } from "./result.js";
import type { ChangeItem, FieldOutcome, ToolDescription, WindowContext } from "./window-types.js";
import { InteractiveWindow } from "./window.js";

const SOURCE_PRICING_METHOD = 220;
/** Optional on a new page (left out, the page is open-ended), but only after the effective date. */
const OPTIONAL_FORM_STEP: FormFieldName = "expiration_date";
const PRICE_PAGE_COLUMNS = TABLE_SCHEMAS.price_page;

/**
 * The SalesPricePage window: a new page needs its FORM fields in the documented order (type,
 * company, group, supplier, description, pricing method, source price, effective date), then
 * VALUES (calculation method before the values). The expiration date is optional: it can be
 * set any time after the effective date, and a page saved without one is open-ended. Keying
 * `price_page_uid` loads a page; a save inserts (with a new key from the counter) or updates
 * it.
 */
export class PricePageWindow extends InteractiveWindow {
  readonly serviceName = "SalesPricePage";
  readonly className = "w_price_page";
  readonly title = "Sales Price Page Maintenance";
  private loadedUid: number | null = null;
  private original: Row | undefined;
  private readonly form: Datawindow;
  private readonly values: Datawindow;
  private readonly costs: Datawindow;
  private readonly usedBy: Datawindow;
  private readonly timestamp: Datawindow;

  constructor(context: WindowContext) {
    super(context, PRICE_PAGE_TABS, PRICE_PAGE_DATAWINDOWS);
    this.form = this.datawindow("form");
    this.values = this.datawindow("values");
    this.costs = this.datawindow("costs");
    this.usedBy = this.datawindow("price_book_x_page");
    this.timestamp = this.datawindow("timestamp_price_page");
  }

  private get formRecord(): Row {
    return this.form.rows[0] ?? {};
  }

  private get isLoaded(): boolean {
    return this.loadedUid !== null;
  }

  /** Nothing keyed yet: a fresh window (or one cleared). */
  private get isPristine(): boolean {
    return !this.isLoaded && !this.hasEdits();
  }

  private hasEdits(): boolean {
    return [this.form, this.values, this.costs].some((datawindow) =>
      Object.values(datawindow.rows[0] ?? {}).some((value) => value !== null),
    );
  }

  get dirty(): boolean {
    if (!this.isLoaded) return this.hasEdits();
    const current = this.currentRow();
    return Object.entries(current).some(([column, value]) => this.original?.[column] !== value);
  }

  /** The page as the window holds it, in `price_page` columns. */
  private currentRow(): Row {
    const row: Row = {};
    for (const datawindow of [this.form, this.values, this.costs]) {
      for (const [column, value] of Object.entries(datawindow.rows[0] ?? {})) {
        if (PRICE_PAGE_COLUMNS.has(column)) row[column] = value;
      }
    }

    row.price_page_uid = this.loadedUid;
    return row;
  }

  /**
   * FORM fields a new page needs, in order, for its page type and pricing method. The optional
   * {@link OPTIONAL_FORM_STEP} comes after them.
   */
  private creationSteps(): FormFieldName[] {
    const record = this.formRecord;
    const layout =
      typeof record.price_page_type_cd === "number"
        ? PAGE_TYPE_FIELDS.get(record.price_page_type_cd)
        : undefined;
    const steps: FormFieldName[] = ["price_page_type_cd", "company_id"];
    if (layout?.group !== undefined) steps.push(layout.group);
    if (layout?.supplier === true) steps.push("supplier_id");
    steps.push("description", "pricing_method_cd");
    const pricingMethod = record.pricing_method_cd;
    if (pricingMethod === null || pricingMethod === SOURCE_PRICING_METHOD)
      steps.push("source_price_cd");
    steps.push("effective_date");
    return steps;
  }

  private firstMissingStep(before?: FormFieldName): FormFieldName | undefined {
    const steps = this.creationSteps();
    const limit = before === undefined ? steps.length : steps.indexOf(before);
    return steps.slice(0, limit).find((step) => this.formRecord[step] === null);
  }

  /** The first required step still unset before `name`; every one of them for the optional step. */
  private missingStepBefore(name: FormFieldName): FormFieldName | undefined {
    if (name === OPTIONAL_FORM_STEP) return this.firstMissingStep();

    return this.creationSteps().includes(name) ? this.firstMissingStep(name) : undefined;
  }

  protected override isTabEnabled(tab: TabPage): boolean {
    if (tab.name === "TABPAGE_1") return true;
    if (tab.name === "TABPAGE_5" || tab.name === "TABPAGE_7") return this.isLoaded;
    return this.isLoaded || this.firstMissingStep() === undefined;
  }

  override isFieldEnabled(datawindow: Datawindow, field: FieldDefinition): boolean {
    if (datawindow === this.values || datawindow === this.costs) {
      return this.isLoaded || this.firstMissingStep() === undefined;
    }

    if (datawindow !== this.form) return false;

    const name = field.name as FormFieldName;
    if (name === "price_page_uid") return this.isPristine;
    if (this.isLoaded) return !KEY_FIELDS.has(name);

    const record = this.formRecord;
    if (record.price_page_type_cd === null) return true;

    if (name === OPTIONAL_FORM_STEP) return true;

    const steps = this.creationSteps();
    if (!steps.includes(name)) return false;
    if (name === "price_page_type_cd") return record.company_id === null;
    if (name === "company_id") {
      return (
        record.product_group_id === null &&
        record.discount_group_id === null &&
        record.supplier_id === null
      );
    }

    return true;
  }

  protected applyField(
    datawindow: Datawindow,
    field: FieldDefinition,
    item: ChangeItem,
  ): FieldOutcome {
    if (datawindow === this.form) {
      if (field.name === "price_page_uid") return this.load(item);
      return this.setFormField(field, item);
    }

    if (datawindow === this.values || datawindow === this.costs) {
      return this.setDetailField(datawindow, field, item);
    }

    throw refuse(400, `Column is disabled: ${field.name}`);
  }

  private setFormField(field: FieldDefinition, item: ChangeItem): FieldOutcome {
    const name = field.name as FormFieldName;
    const record = this.formRecord;
    if (!this.isLoaded && name !== "price_page_type_cd" && record.price_page_type_cd === null) {
      return this.outOfOrder(field, "price_page_type_cd");
    }

    if (!this.isLoaded) {
      const missing = this.missingStepBefore(name);
      if (missing !== undefined) return this.outOfOrder(field, missing);
    }

    if (!this.isFieldEnabled(this.form, field))
      throw refuse(400, `Column is disabled: ${field.name}`);

    const parsed = this.parse(field, item);
    if (!parsed.ok) return { kind: "rejected", message: parsed.message };

    const refusal = formValueRefusal(this.context.store, record, name, parsed.value);
    if (refusal !== undefined) return { kind: "rejected", message: refusal };

    record[name] = parsed.value;
    if (name === "pricing_method_cd" && parsed.value !== SOURCE_PRICING_METHOD) {
      record.source_price_cd = null;
    }

    return { kind: "applied" };
  }

  private setDetailField(
    datawindow: Datawindow,
    field: FieldDefinition,
    item: ChangeItem,
  ): FieldOutcome {
    if (!this.isLoaded) {
      const missing = this.firstMissingStep();
      if (missing !== undefined) return this.outOfOrder(field, missing);
    }

    const record = datawindow.rows[0] ?? {};
    if (
      datawindow === this.values &&
      TIER_FIELD.test(field.name) &&
      record.calculation_method_cd === null
    ) {
      return {
        kind: "rejected",
        message: `${field.label} cannot be set before Calculation Method.`,
      };
    }

    const parsed = this.parse(field, item);
    if (!parsed.ok) return { kind: "rejected", message: parsed.message };

    record[field.name] = parsed.value;
    return { kind: "applied" };
  }

  private outOfOrder(field: FieldDefinition, missing: FormFieldName): FieldOutcome {
    return {
      kind: "rejected",
      message: `${field.label} cannot be set before ${FORM_FIELDS[missing].label}.`,
    };
  }

  /** Keying `price_page_uid` retrieves the page; an unknown uid empties the window. */
  private load(item: ChangeItem): FieldOutcome {
    if (!this.isPristine) throw refuse(400, "Column is disabled: price_page_uid");
    if (item.Value === null || item.Value.trim() === "") return { kind: "applied" };

    const parsed = this.parse(FORM_FIELDS.price_page_uid, item);
    const page =
      parsed.ok && typeof parsed.value === "number"
        ? this.context.store.pricePage(parsed.value)
        : undefined;
    if (page === undefined) {
      this.clear();
      return {
        kind: "rejected",
        message: "Enter a valid ID or leave ID blank.",
        status: this.context.profile === "25.2" ? 0 : 2,
      };
    }

    this.show(page);
    const messages =
      page.row_status_flag === 705
        ? [{ Text: `Price page ${String(page.price_page_uid)} has expired.`, Type: 1 }]
        : [];
    return { kind: "applied", messages, events: [event("dwcontentchanged", { dwname: "form" })] };
  }

  /** Shows a stored page as the window's loaded record. */
  private show(page: Row): void {
    this.loadedUid = page.price_page_uid as number;
    this.form.fill(page);
    this.values.fill(page);
    this.costs.fill(page);
    this.timestamp.fill(page);
    this.usedBy.rows = this.context.store.linksOfPage(this.loadedUid).map((link) => {
      const book = this.context.store.priceBook(String(link.price_book_id));
      return { price_book_id: link.price_book_id ?? null, description: book?.description ?? null };
    });
    this.usedBy.activeRow = 0;
    this.original = this.currentRow();
  }

  clear(): void {
    for (const datawindow of this.datawindows.values()) datawindow.reset();
    this.loadedUid = null;
    this.original = undefined;
    this.resetView();
  }

  /** Saves the page (a `drop-rows` fault has nothing to drop: a page adds no grid rows). */
  save(): ResultEnvelope {
    if (this.isLoaded && !this.dirty) return success();
    if (this.isPristine)
      return failure(`Required value missing for ${FORM_FIELDS.price_page_type_cd.label}.`);

    const row = this.currentRow();
    if (!this.isLoaded) {
      const missing = this.missingRequiredField(row);
      if (missing !== undefined) return failure(`Required value missing for ${missing}.`);
    }

    const store = this.context.store;
    const overlapping =
      store.statusOf(row) === 704 ? store.overlappingActivePages({ ...row }, this.loadedUid) : [];
    if (overlapping.length === 0) return this.commit(row);

    const group =
      row.product_group_id !== null
        ? `product group ${String(row.product_group_id)}`
        : `discount group ${String(row.discount_group_id)}`;
    const text = `Another active price page exists for supplier ${String(row.supplier_id)} and ${group} over these dates. Save anyway?`;
    return raiseDialog(
      this,
      messageBox(
        "Price Page",
        text,
        YES_NO,
        (button) => (button === "cb_1" ? this.commit(row) : failure("Save cancelled.")),
        "cb_1",
      ),
    );
  }

  private missingRequiredField(row: Row): string | undefined {
    const missingStep = this.firstMissingStep();
    if (missingStep !== undefined) return FORM_FIELDS[missingStep].label;
    if (row.calculation_method_cd === null) return "Calculation Method";
    if (row.calculation_value1 === null) return "Calculation Value 1";
    return undefined;
  }

  private commit(row: Row): ResultEnvelope {
    const store = this.context.store;
    const username = this.context.username;
    const events: ResultEvent[] = [];
    const fields: Row = { ...row };
    delete fields.price_page_uid;

    let stored: Row;
    if (this.loadedUid === null) {
      stored = store.insertPricePage(fields, username);
      events.push(event("keygenerated", { price_page_uid: String(stored.price_page_uid) }));
      this.context.emitCommitted({
        table: "price_page",
        kind: "insert",
        key: { price_page_uid: stored.price_page_uid },
        username,
      });
    } else {
      stored = store.updatePricePage(this.loadedUid, fields, username);
      this.context.emitCommitted({
        table: "price_page",
        kind: "update",
        key: { price_page_uid: stored.price_page_uid },
        username,
      });
    }

    events.push(event("savesucceeded", { datawindow: "form" }));
    this.show(stored);
    return success(events);
  }

  protected override refuseAddRow(datawindow: Datawindow): string | undefined {
    return `Rows cannot be added to ${datawindow.name} in this window.`;
  }

  protected override serviceTools(): readonly ToolDescription[] {
    return [{ ToolName: "Quick.Notes", Text: "Notes", DatawindowName: null, FieldName: null }];
  }

  /** `Quick.Notes` opens a notepad popup, which is not a plain message box. */
  protected override runServiceTool(toolName: string): ResultEnvelope | undefined {
    if (toolName.toLowerCase() !== "quick.notes") return undefined;
    return raiseDialog(this, notepadDialog());
  }
}
