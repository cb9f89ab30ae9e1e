/** One record of a CSV file: the line it starts on (1-based) and its cells, decoded. */
export interface CsvRecord {
  readonly row: number;
  readonly cells: string[];
}

/** Something wrong at one place of a CSV file; `cell` is the 0-based cell index if known. */
export interface CsvSyntaxProblem {
  readonly row: number;
  readonly cell?: number | undefined;
  readonly message: string;
}

export interface CsvParserHandlers {
  record(record: CsvRecord): void;
  problem(problem: CsvSyntaxProblem): void;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const CR = 0x0d;
const LF = 0x0a;

type State = "cell-start" | "unquoted" | "quoted" | "quote-in-quoted" | "after-closing-quote";

/** Bytes looked at before the first is parsed: enough for any byte-order mark. */
const HEAD_BYTES = 4;

/**
 * UTF-16 or UTF-32, by the byte-order mark, or for UTF-16 without one by the zero byte beside
 * the first character (text of a CSV file starts with a letter or a quote, never with NUL).
 */
function wideEncodingOf(head: readonly number[]): string | undefined {
  const [first, second, third, fourth] = head;
  if (first === 0xff && second === 0xfe) return third === 0 && fourth === 0 ? "UTF-32" : "UTF-16";
  if (first === 0 && second === 0 && third === 0xfe && fourth === 0xff) return "UTF-32";
  if (first === 0xfe && second === 0xff) return "UTF-16";
  if (first !== undefined && second !== undefined && (first === 0) !== (second === 0)) {
    return "UTF-16 (without a byte-order mark)";
  }

  return undefined;
}

// Files people give for a CSV file that are no text at all, by their first bytes.
const SAVE_AS_CSV = 'in Excel, save it as "CSV UTF-8 (Comma delimited)"';
const binaryFormats: readonly { magic: readonly number[]; what: string }[] = [
  { magic: [0x50, 0x4b, 0x03, 0x04], what: `an Excel workbook (.xlsx) or another zip file` },
  { magic: [0xd0, 0xcf, 0x11, 0xe0], what: `an Excel 97-2003 workbook (.xls)` },
  { magic: [0x25, 0x50, 0x44, 0x46], what: `a PDF document` },
];

/** Why a file beginning with `head` cannot be read as CSV text: a workbook, UTF-16, ... */
function notCsvText(head: readonly number[]): string | undefined {
  const binary = binaryFormats.find(({ magic }) => magic.every((byte, at) => head[at] === byte));
  if (binary !== undefined) return `the file is ${binary.what}, not CSV text; ${SAVE_AS_CSV}`;

  const encoding = wideEncodingOf(head);

  return encoding === undefined
    ? undefined
    : `the file is ${encoding}; save it as CSV UTF-8 (comma delimited)`;
}

/**
 * A streaming RFC 4180 reader working on bytes: comma separator, double-quoted cells with
 * doubled quotes inside, CRLF, LF or a lone CR ending a record, and line breaks inside quoted
 * cells. A UTF-8 byte order mark at the start is skipped. Each cell is decoded as strict UTF-8;
 * a cell that is not valid UTF-8 is reported with its row and cell. The separators are ASCII,
 * so splitting before decoding is safe. Memory stays bounded by the longest record.
 */
export class CsvParser {
  private state: State = "cell-start";
  private line = 1;
  private recordRow = 1;
  private cells: string[] = [];
  /** The bytes of the cell being read; a Buffer, so that an ASCII cell decodes without a view. */
  private cellBytes = Buffer.allocUnsafe(256);
  private cellLength = 0;
  private cellHasHighBytes = false;
  private cellStrayQuoteReported = false;
  private carriageReturnEndedRecord = false;
  private carriageReturnInCell = false;
  private head: number[] | undefined = [];
  private unreadable = false;
  /** Bytes of the file after any byte order mark. */
  contentBytes = 0;
  private readonly decoder = new TextDecoder("utf-8", { fatal: true });
  private readonly lenientDecoder = new TextDecoder("utf-8");

  constructor(private readonly handlers: CsvParserHandlers) {}

  /**
   * Feeds the next chunk of the file. A file that is no UTF-8 text (UTF-16, a workbook) is
   * reported once and not read further.
   */
  push(chunk: Uint8Array): void {
    let start = 0;
    if (this.head !== undefined) {
      while (this.head.length < HEAD_BYTES && start < chunk.length) {
        this.head.push(chunk[start] as number);
        start += 1;
      }

      if (this.head.length < HEAD_BYTES) {
        return;
      }

      this.flushHead();
    }

    if (this.unreadable) {
      return;
    }

    this.contentBytes += chunk.length - start;
    for (let index = start; index < chunk.length; index += 1) {
      this.step(chunk[index] as number);
    }
  }

  /** True when the file cannot be read as UTF-8 text at all (UTF-16, a workbook). */
  get unreadableFile(): boolean {
    return this.unreadable;
  }

  /** Ends the file: finishes the last record and reports an unclosed quoted cell. */
  end(): void {
    if (this.head !== undefined) {
      this.flushHead();
    }

    if (this.unreadable) {
      return;
    }

    if (this.state === "quoted") {
      this.handlers.problem({
        row: this.recordRow,
        cell: this.cells.length,
        message: "a quoted cell is never closed: a double quote is missing",
      });
    }

    if (this.state !== "cell-start" || this.cells.length > 0) {
      this.finishCell();
      this.finishRecord();
    }
  }

  private flushHead(): void {
    const head = this.head ?? [];
    this.head = undefined;
    let start = 0;
    if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) {
      start = 3;
    } else {
      const refusal = notCsvText(head);
      if (refusal !== undefined) {
        this.handlers.problem({ row: 1, message: refusal });
        this.unreadable = true;
        return;
      }
    }

    this.contentBytes += head.length - start;
    for (let index = start; index < head.length; index += 1) {
      this.step(head[index] as number);
    }
  }

  private step(byte: number): void {
    if (this.carriageReturnEndedRecord) {
      this.carriageReturnEndedRecord = false;
      if (byte === LF) {
        return;
      }
    }

    switch (this.state) {
      case "cell-start":
        if (byte === QUOTE) {
          this.state = "quoted";
        } else if (byte === COMMA) {
          this.finishCell();
        } else if (byte === CR || byte === LF) {
          this.endOfLine(byte);
        } else {
          this.append(byte);
          this.state = "unquoted";
        }

        return;
      case "unquoted":
        if (byte === COMMA) {
          this.finishCell();
          this.state = "cell-start";
        } else if (byte === CR || byte === LF) {
          this.endOfLine(byte);
        } else {
          if (byte === QUOTE) {
            this.reportStrayQuote();
          }

          this.append(byte);
        }

        return;
      case "quoted":
        if (byte === QUOTE) {
          this.state = "quote-in-quoted";
          this.carriageReturnInCell = false;
          return;
        }

        this.countLineInsideCell(byte);
        this.append(byte);
        return;
      case "quote-in-quoted":
        if (byte === QUOTE) {
          this.append(QUOTE);
          this.state = "quoted";
        } else if (byte === COMMA) {
          this.finishCell();
          this.state = "cell-start";
        } else if (byte === CR || byte === LF) {
          this.endOfLine(byte);
        } else {
          this.handlers.problem({
            row: this.recordRow,
            cell: this.cells.length,
            message:
              "text follows the closing quote of a quoted cell; double a quote that belongs inside the cell",
          });
          this.append(byte);
          this.state = "after-closing-quote";
        }

        return;
      case "after-closing-quote":
        if (byte === COMMA) {
          this.finishCell();
          this.state = "cell-start";
        } else if (byte === CR || byte === LF) {
          this.endOfLine(byte);
        } else {
          this.append(byte);
        }

        return;
    }
  }

  /** Keeps the line count right across line breaks inside a quoted cell (CRLF counts once). */
  private countLineInsideCell(byte: number): void {
    if (byte === CR) {
      this.line += 1;
      this.carriageReturnInCell = true;
      return;
    }

    if (byte === LF && !this.carriageReturnInCell) {
      this.line += 1;
    }

    this.carriageReturnInCell = false;
  }

  private reportStrayQuote(): void {
    if (this.cellStrayQuoteReported) {
      return;
    }

    this.cellStrayQuoteReported = true;
    this.handlers.problem({
      row: this.recordRow,
      cell: this.cells.length,
      message:
        "a double quote inside a cell that does not start with one; quote the whole cell and double the inner quote",
    });
  }

  private endOfLine(byte: number): void {
    this.finishCell();
    this.finishRecord();
    this.line += 1;
    this.recordRow = this.line;
    this.state = "cell-start";
    this.carriageReturnEndedRecord = byte === CR;
  }

  private append(byte: number): void {
    if (this.cellLength === this.cellBytes.length) {
      const larger = Buffer.allocUnsafe(this.cellBytes.length * 2);
      larger.set(this.cellBytes);
      this.cellBytes = larger;
    }

    this.cellBytes[this.cellLength] = byte;
    this.cellLength += 1;
    if (byte >= 0x80) {
      this.cellHasHighBytes = true;
    }
  }

  private finishCell(): void {
    this.cells.push(this.decodeCell());
    this.cellLength = 0;
    this.cellHasHighBytes = false;
    this.cellStrayQuoteReported = false;
  }

  private decodeCell(): string {
    if (!this.cellHasHighBytes) {
      return this.cellBytes.toString("latin1", 0, this.cellLength);
    }

    const bytes = this.cellBytes.subarray(0, this.cellLength);
    try {
      return this.decoder.decode(bytes);
    } catch {
      this.handlers.problem({
        row: this.recordRow,
        cell: this.cells.length,
        message: "the cell is not valid UTF-8; save the file as CSV UTF-8",
      });
      return this.lenientDecoder.decode(bytes);
    }
  }

  private finishRecord(): void {
    const cells = this.cells;
    this.cells = [];
    this.handlers.record({ row: this.recordRow, cells });
  }
}
