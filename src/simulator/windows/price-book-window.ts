import type { Row } from "../data/schema.js";
import { refuse } from "../http/answer.js";
import type { Datawindow, DatawindowDefinition, TabPage } from "./datawindow.js";
import { char, decimal, long, type FieldDefinition } from "./fields.js";
import { event, failure, success, type ResultEnvelope } from "./result.js";
import type { ChangeItem, FieldOutcome, SaveOptions, WindowContext } from "./window-types.js";
import { InteractiveWindow } from "./window.js";

const TABS: TabPage[] = [
  { name: "TABPAGE_1", text: "FORM" },
  { name: "TABPAGE_2", text: "LIST" },
];

const BOOK_FIELDS = {
  price_book_id: char("price_book_id", "Price Book ID", 8, true),
  description: char("description", "Description", 40),
};

const LIST_FIELDS = {
  price_page_uid: long("price_page_uid", "Price Page UID"),
  description: char("description", "Description", 40),
  calculation_value1: decimal("calculation_value1", "Calculation Value 1"),
  calculation_value2: decimal("calculation_value2", "Calculation Value 2"),
  break1: decimal("break1", "Break 1"),
  other_cost_value: decimal("other_cost_value", "Other Cost Value"),
};

const DATAWINDOWS: DatawindowDefinition[] = [
  { name: "form", tabName: "TABPAGE_1", style: "Form", fields: Object.values(BOOK_FIELDS) },
  {
    name: "list_detail",
    tabName: "TABPAGE_2",
    style: "List",
    fields: Object.values(LIST_FIELDS),
    keyField: "price_page_uid",
  },
];

/**
 * The SalesPriceBook window: key `price_book_id` to retrieve a book, then on tab LIST add rows
 * to `list_detail` and key each `price_page_uid` (it must exist and not be linked yet); one
 * save links every new row.
 */
export class PriceBookWindow extends InteractiveWindow {
  readonly serviceName = "SalesPriceBook";
  readonly className = "w_price_book";
  readonly title = "Sales Price Book Maintenance";
  private loadedBookId: string | null = null;
  private originalDescription: string | null = null;
  /** Rows that already existed when the book was retrieved (read-only). */
  private readonly storedRows = new Set<Row>();
  private readonly form: Datawindow;
  private readonly list: Datawindow;

  constructor(context: WindowContext) {
    super(context, TABS, DATAWINDOWS);
    this.form = this.datawindow("form");
    this.list = this.datawindow("list_detail");
  }

  private get formRecord(): Row {
    return this.form.rows[0] ?? {};
  }

  private newRows(): Row[] {
    return this.list.rows.filter((row) => !this.storedRows.has(row));
  }

  get dirty(): boolean {
    if (this.loadedBookId === null) return this.formRecord.description !== null;
    return this.newRows().length > 0 || this.formRecord.description !== this.originalDescription;
  }

  protected override isTabEnabled(tab: TabPage): boolean {
    return tab.name === "TABPAGE_1" || this.loadedBookId !== null;
  }

  override isFieldEnabled(datawindow: Datawindow, field: FieldDefinition): boolean {
    if (datawindow === this.form) {
      return field.name === "price_book_id"
        ? this.loadedBookId === null
        : this.loadedBookId !== null;
    }

    return field.name === "price_page_uid";
  }

  protected applyField(
    datawindow: Datawindow,
    field: FieldDefinition,
    item: ChangeItem,
  ): FieldOutcome {
    if (!this.isFieldEnabled(datawindow, field))
      throw refuse(400, `Column is disabled: ${field.name}`);
    if (datawindow === this.form) {
      return field.name === "price_book_id" ? this.load(item) : this.setDescription(field, item);
    }

    const row = this.list.activeRecord;
    if (row === undefined || this.storedRows.has(row)) {
      throw refuse(400, `Column is disabled: ${field.name}`);
    }

    return this.setPage(row, item);
  }

  private load(item: ChangeItem): FieldOutcome {
    if (item.Value === null || item.Value.trim() === "") return { kind: "applied" };

    const book = this.context.store.priceBook(item.Value.trim());
    if (book === undefined) {
      this.clear();
      return {
        kind: "rejected",
        message: "Enter a valid ID or leave ID blank.",
        status: this.context.profile === "25.2" ? 0 : 2,
      };
    }

    this.show(book);
    return { kind: "applied", events: [event("dwcontentchanged", { dwname: "form" })] };
  }

  private show(book: Row): void {
    const store = this.context.store;
    this.loadedBookId = String(book.price_book_id);
    this.originalDescription = (book.description as string | null) ?? null;
    this.form.fill(book);
    this.storedRows.clear();
    this.list.rows = store.linksOfBook(this.loadedBookId).map((link) => {
      const page = store.pricePage(link.price_page_uid as number);
      const row = this.summaryOf(link.price_page_uid as number, page);
      this.storedRows.add(row);
      return row;
    });
    this.list.activeRow = 0;
    this.list.committedRows.clear();
  }

  private summaryOf(uid: number, page: Row | undefined): Row {
    return {
      price_page_uid: uid,
      description: page?.description ?? null,
      calculation_value1: page?.calculation_value1 ?? null,
      calculation_value2: page?.calculation_value2 ?? null,
      break1: page?.break1 ?? null,
      other_cost_value: page?.other_cost1 ?? null,
    };
  }

  private setDescription(field: FieldDefinition, item: ChangeItem): FieldOutcome {
    const parsed = this.parse(field, item);
    if (!parsed.ok) return { kind: "rejected", message: parsed.message };

    this.formRecord.description = parsed.value;
    return { kind: "applied" };
  }

  private setPage(row: Row, item: ChangeItem): FieldOutcome {
    const parsed = this.parse(LIST_FIELDS.price_page_uid, item);
    if (!parsed.ok) return { kind: "rejected", message: parsed.message };
    if (parsed.value === null) return { kind: "applied" };

    const uid = parsed.value as number;
    const page = this.context.store.pricePage(uid);
    if (page === undefined)
      return { kind: "rejected", message: `Invalid price_page_uid value: ${uid}` };

    const duplicate = this.list.rows.some((other) => other !== row && other.price_page_uid === uid);
    if (duplicate) {
      return {
        kind: "rejected",
        message: `Price page ${uid} is already in price book ${this.loadedBookId ?? ""}.`,
      };
    }

    Object.assign(row, this.summaryOf(uid, page));
    return { kind: "applied" };
  }

  protected override refuseAddRow(): string | undefined {
    return this.loadedBookId === null ? "Enter a price book before adding rows." : undefined;
  }

  protected override requiredRowFields(): readonly FieldDefinition[] {
    return [LIST_FIELDS.price_page_uid];
  }

  clear(): void {
    this.form.reset();
    this.list.reset();
    this.storedRows.clear();
    this.loadedBookId = null;
    this.originalDescription = null;
    this.resetView();
  }

  save(options: SaveOptions = {}): ResultEnvelope {
    const bookId = this.loadedBookId;
    if (bookId === null)
      return failure(`Required value missing for ${BOOK_FIELDS.price_book_id.label}.`);
    if (!this.dirty) return success();

    const incomplete = this.list.rows.findIndex(
      (row) => !this.storedRows.has(row) && row.price_page_uid === null,
    );
    if (incomplete >= 0) {
      return failure(`Required value missing for Price Page UID on row ${incomplete + 1}.`);
    }

    const store = this.context.store;
    const username = this.context.username;
    const added = this.newRows();
    for (const row of options.dropRows === true ? [] : added) {
      const uid = row.price_page_uid as number;
      store.linkPageToBook(bookId, uid, username);
      this.context.emitCommitted({
        table: "price_book_x_page",
        kind: "insert",
        key: { price_book_id: bookId, price_page_uid: uid },
        username,
      });
    }

    if (this.formRecord.description !== this.originalDescription) {
      store.updatePriceBookDescription(
        bookId,
        (this.formRecord.description as string | null) ?? null,
      );
      this.context.emitCommitted({
        table: "price_book",
        kind: "update",
        key: { price_book_id: bookId },
        username,
      });
    }

    const book = store.priceBook(bookId);
    if (options.dropRows === true) {
      // The window goes on showing the rows as saved; the database never got them.
      for (const row of added) this.storedRows.add(row);
      this.originalDescription = (this.formRecord.description as string | null) ?? null;
      this.list.committedRows.clear();
    } else if (book !== undefined) {
      this.show(book);
    }

    return success([event("savesucceeded", { datawindow: "list_detail" })]);
  }
}
