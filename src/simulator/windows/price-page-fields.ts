import type { DatawindowDefinition, TabPage } from "./datawindow.js";
import { char, datetime, decimal, long, type Dropdown, type FieldDefinition } from "./fields.js";

function dropdown(...options: [number, ...string[]][]): Dropdown {
  return { options: options.map(([code, ...labels]) => ({ code, labels })) };
}

/**
 * `price_page_type_cd`: the code table of doc 08 plus the labels of the Transaction
 * definition. Codes the documents do not give (Item, Supplier / Manufacturing Class, Supplier,
 * Discount Group, Product Group, Customer Part Number, Price Family, Supplier/Price Family)
 * are inferred.
 */
export const PRICE_PAGE_TYPES = dropdown(
  [210, "Customer"],
  [211, "Customer / Item"],
  [212, "Item"],
  [213, "Supplier / Discount Group"],
  [214, "Supplier / Product Group"],
  [216, "Supplier / Manufacturing Class"],
  [217, "Supplier"],
  [218, "Discount Group"],
  [219, "Product Group"],
  [222, "Customer Part Number"],
  [223, "Price Family"],
  [224, "Supplier/Price Family", "Supplier / Price Family"],
);

export const PRICING_METHODS = dropdown(
  [220, "Source"],
  [221, "Price"],
  [234, "Pricing Libraries"],
  [300, "None"],
);

/** Both spellings: "Replacement Cost" (code table) and "Primary Supplier Cost" (definition). */
export const SOURCE_PRICES = dropdown(
  [200, "Supplier List Price"],
  [201, "Primary Supplier Cost", "Replacement Cost"],
  [202, "Average Cost"],
  [203, "Standard Cost"],
  [204, "Last Received PO Cost"],
  [205, "Next Due in PO Cost"],
  [206, "Other Cost"],
  [207, "Strategic List Price"],
  [208, "Strategic Cost"],
  ...Array.from({ length: 10 }, (_, index): [number, string] => [
    240 + index,
    `Price ${index + 1}`,
  ]),
);

/** VALUES codes; "Mark Up" and "Mark up" both match (labels compare case-insensitively). */
export const VALUES_CALCULATION_METHODS = dropdown(
  [211, "Multiplier"],
  [228, "Difference"],
  [229, "Mark Up"],
  [230, "Percentage"],
  [1292, "Fixed Price"],
);

/** COSTS codes differ from the VALUES ones. */
export const COMMISSION_COST_METHODS = dropdown(
  [211, "Multiplier"],
  [212, "Difference"],
  [213, "Mark Up"],
  [214, "Percentage"],
);

export const TOTALING_METHODS = dropdown(
  [217, "Discount Group"],
  [216, "Item"],
  [218, "Product Group"],
);

function numbered(count: number, make: (index: number) => FieldDefinition): FieldDefinition[] {
  return Array.from({ length: count }, (_, index) => make(index + 1));
}

export const FORM_FIELDS = {
  price_page_uid: long("price_page_uid", "Price Page UID"),
  price_page_type_cd: long("price_page_type_cd", "Price Page Type", PRICE_PAGE_TYPES),
  company_id: char("company_id", "Company ID", 8, true),
  product_group_id: char("product_group_id", "Product Group ID", 8, true),
  discount_group_id: char("discount_group_id", "Discount Group ID", 8, true),
  supplier_id: long("supplier_id", "Supplier ID"),
  description: char("description", "Description", 40),
  pricing_method_cd: long("pricing_method_cd", "Pricing Method", PRICING_METHODS),
  source_price_cd: long("source_price_cd", "Source Price", SOURCE_PRICES),
  effective_date: datetime("effective_date", "Effective Date"),
  expiration_date: datetime("expiration_date", "Expiration Date"),
} satisfies Record<string, FieldDefinition>;

export type FormFieldName = keyof typeof FORM_FIELDS;

export const VALUES_FIELDS: FieldDefinition[] = [
  long("calculation_method_cd", "Calculation Method", VALUES_CALCULATION_METHODS),
  ...numbered(15, (tier) => decimal(`calculation_value${tier}`, `Calculation Value ${tier}`)),
  ...numbered(14, (tier) => decimal(`break${tier}`, `Break ${tier}`)),
  ...numbered(14, (tier) => char(`uom${tier}`, `UOM ${tier}`, 8, true)),
  ...numbered(15, (tier) => decimal(`other_cost${tier}`, `Other Cost ${tier}`)),
  char("values_currency_id", "Currency", 3, true),
  long("totaling_method_cd", "Totaling Method", TOTALING_METHODS),
  long("totaling_basis_cd", "Totaling Basis", SOURCE_PRICES),
];

export const COSTS_FIELDS: FieldDefinition[] = [
  long("commission_cost_calc_method_cd", "Commission Cost Method", COMMISSION_COST_METHODS),
  decimal("commission_cost_value1", "Commission Cost Value"),
];

export const PO_COST_FIELDS: FieldDefinition[] = [
  long("location_id", "Location ID"),
  decimal("po_cost_multiplier", "PO Cost Multiplier"),
];

export const USED_BY_FIELDS: FieldDefinition[] = [
  char("price_book_id", "Price Book ID", 8, true),
  char("description", "Description", 40),
];

export const LOCATION_FIELDS: FieldDefinition[] = [long("location_id", "Location ID")];

export const TIMESTAMP_FIELDS: FieldDefinition[] = [
  datetime("date_created", "Date Created"),
  datetime("date_last_modified", "Date Last Modified"),
  char("last_maintained_by", "Last Maintained By", 30),
];

/** Group field and whether a supplier is set, per page type code. */
export const PAGE_TYPE_FIELDS: ReadonlyMap<number, { group?: FormFieldName; supplier: boolean }> =
  new Map([
    [213, { group: "discount_group_id", supplier: true }],
    [214, { group: "product_group_id", supplier: true }],
    [217, { supplier: true }],
    [218, { group: "discount_group_id", supplier: false }],
    [219, { group: "product_group_id", supplier: false }],
  ]);

/** Tab pages of SalesPricePage (name, display text). */
export const PRICE_PAGE_TABS: TabPage[] = [
  { name: "TABPAGE_1", text: "FORM" },
  { name: "TABPAGE_2", text: "VALUES" },
  { name: "TABPAGE_3", text: "COSTS" },
  { name: "TABPAGE_4", text: "PO COST MULTIPLIERS" },
  { name: "TABPAGE_5", text: "USED BY" },
  { name: "TABPAGE_6", text: "TP_PRICE_PAGE_X_LOCATION" },
  { name: "TABPAGE_7", text: "TIMESTAMPPRICE_PAGE" },
];

export const PRICE_PAGE_DATAWINDOWS: DatawindowDefinition[] = [
  { name: "form", tabName: "TABPAGE_1", style: "Form", fields: Object.values(FORM_FIELDS) },
  { name: "values", tabName: "TABPAGE_2", style: "Form", fields: VALUES_FIELDS },
  { name: "costs", tabName: "TABPAGE_3", style: "Form", fields: COSTS_FIELDS },
  { name: "price_page_po_cost_calc", tabName: "TABPAGE_4", style: "List", fields: PO_COST_FIELDS },
  { name: "price_book_x_page", tabName: "TABPAGE_5", style: "List", fields: USED_BY_FIELDS },
  { name: "price_page_x_location", tabName: "TABPAGE_6", style: "List", fields: LOCATION_FIELDS },
  { name: "timestamp_price_page", tabName: "TABPAGE_7", style: "Form", fields: TIMESTAMP_FIELDS },
];

/** Fields fixed once a page exists. */
export const KEY_FIELDS = new Set<string>([
  "price_page_uid",
  "price_page_type_cd",
  "company_id",
  "product_group_id",
  "discount_group_id",
  "supplier_id",
]);

/** Tiers that need `calculation_method_cd` first. */
export const TIER_FIELD = /^(calculation_value|break|uom|other_cost)\d+$/;
