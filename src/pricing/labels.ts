import { quoted } from "./problems.js";
import { closest } from "./closest.js";

/** The dropdown fields of a price page that take a display label. */
export type LabelField =
  | "price_page_type_cd"
  | "pricing_method_cd"
  | "source_price_cd"
  | "calculation_method_cd"
  | "commission_cost_calc_method_cd";

interface LabelList {
  /** What the field is called in messages. */
  readonly title: string;
  /** The labels the server accepts, spelled as the server's definition spells them. */
  readonly labels: readonly string[];
  /** Other spellings seen in P21 documents, mapped to the server's label. */
  readonly aliases: Readonly<Record<string, string>>;
  /** Numeric codes of this field (they differ between the VALUES and COSTS tabs). */
  readonly codes: Readonly<Record<string, string>>;
}

const sourcePrices = [
  ...Array.from({ length: 10 }, (_, index) => `Price ${index + 1}`),
  "Supplier List Price",
  "Primary Supplier Cost",
  "Standard Cost",
  "Average Cost",
  "Last Received PO Cost",
  "Next Due in PO Cost",
  "Other Cost",
  "Strategic List Price",
  "Strategic Cost",
];

/**
 * The valid labels of each dropdown, from the SalesPricePage Transaction definition
 * (`ValidValues`), with the code-table spellings as aliases and the codes for the hint.
 */
export const LABEL_LISTS: Readonly<Record<LabelField, LabelList>> = {
  price_page_type_cd: {
    title: "page type",
    labels: [
      "Item",
      "Supplier / Discount Group",
      "Supplier / Product Group",
      "Supplier / Manufacturing Class",
      "Supplier",
      "Discount Group",
      "Product Group",
      "Customer Part Number",
      "Price Family",
      "Supplier/Price Family",
    ],
    aliases: {},
    codes: {
      "210": "Customer",
      "211": "Customer / Item",
      "213": "Supplier / Discount Group",
      "214": "Supplier / Product Group",
      "215": "Supplier / Discount Group",
    },
  },
  pricing_method_cd: {
    title: "pricing method",
    labels: ["Source", "Price", "None"],
    aliases: {},
    codes: { "220": "Source", "221": "Price", "234": "Pricing Libraries", "300": "None" },
  },
  source_price_cd: {
    title: "source price",
    labels: sourcePrices,
    aliases: { "Replacement Cost": "Primary Supplier Cost" },
    codes: { "200": "Supplier List Price", "201": "Primary Supplier Cost", "202": "Average Cost" },
  },
  calculation_method_cd: {
    title: "calculation method",
    labels: ["Difference", "Multiplier", "Mark up", "Percentage", "Fixed Price"],
    aliases: {},
    codes: {
      "211": "Multiplier",
      "228": "Difference",
      "229": "Mark up",
      "230": "Percentage",
      "1292": "Fixed Price",
    },
  },
  commission_cost_calc_method_cd: {
    title: "commission cost method",
    labels: ["Multiplier", "Difference", "Mark Up", "Percentage"],
    aliases: {},
    codes: { "211": "Multiplier", "212": "Difference", "213": "Mark Up", "214": "Percentage" },
  },
};

/** The page types p21kit creates: both need a supplier and a group. */
export const SUPPORTED_PAGE_TYPES = ["Supplier / Product Group", "Supplier / Discount Group"];

/** The outcome of checking one label: the server's spelling, or what is wrong. */
export type LabelResolution = { ok: true; label: string } | { ok: false; message: string };

function labelKey(value: string): string {
  return value
    .trim()
    .toLowerCase()
    .replace(/\s+/g, " ")
    .replace(/ ?\/ ?/g, "/");
}

const lookups = new Map<LabelField, Map<string, string>>();

function lookupFor(field: LabelField): Map<string, string> {
  let lookup = lookups.get(field);
  if (lookup === undefined) {
    const list = LABEL_LISTS[field];
    lookup = new Map();
    for (const label of list.labels) {
      lookup.set(labelKey(label), label);
    }

    for (const [alias, label] of Object.entries(list.aliases)) {
      lookup.set(labelKey(alias), label);
    }

    lookups.set(field, lookup);
  }

  return lookup;
}

/**
 * Checks a dropdown value against the field's valid labels, case-insensitively and ignoring
 * the spaces around a slash, and returns the server's spelling of the label. A numeric code
 * or an unknown label gives a message suggesting the label to write instead.
 */
export function resolveLabel(field: LabelField, value: string): LabelResolution {
  const list = LABEL_LISTS[field];
  const label = lookupFor(field).get(labelKey(value));
  if (label !== undefined) {
    return { ok: true, label };
  }

  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) {
    const named = list.codes[trimmed];
    const hint =
      named !== undefined && lookupFor(field).has(labelKey(named))
        ? `; write its label "${lookupFor(field).get(labelKey(named))}"`
        : `; write one of the labels: ${list.labels.join(", ")}`;
    return {
      ok: false,
      message: `${quoted(trimmed)} is a code, not a label: the server takes the ${list.title} as its label${hint}`,
    };
  }

  const suggestion = closest(trimmed, [...list.labels, ...Object.keys(list.aliases)]);
  const hint =
    suggestion !== undefined
      ? `; did you mean "${lookupFor(field).get(labelKey(suggestion)) ?? suggestion}"?`
      : `; valid labels: ${list.labels.join(", ")}`;
  return { ok: false, message: `unknown ${list.title} ${quoted(trimmed)}${hint}` };
}
