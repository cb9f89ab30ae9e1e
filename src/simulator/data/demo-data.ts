import { RowStatus, blankRow, type Row } from "./schema.js";
import { FIRST_PRICE_PAGE_UID, type StoreContents } from "./store.js";

const SUPPLIER_NAMES = [
  "Acme Fasteners",
  "Baldwin Hydraulics",
  "Cardinal Electric",
  "Delta Bearings",
  "Eastgate Abrasives",
  "Fulton Valves",
  "Granite Safety",
  "Harbor Hose",
  "Ironwood Tools",
  "Juniper Filters",
  "Keystone Pumps",
  "Lakeside Seals",
  "Meridian Motors",
  "Northstar Chain",
  "Oakridge Paint",
  "Pioneer Pneumatics",
  "Quarry Welding",
  "Redline Lubricants",
  "Summit Gaskets",
  "Titan Power Tools",
  "Union Wire",
  "Vanguard Janitorial",
  "Westfield Tapes",
  "Yardley Sprockets",
  "Zenith Cutting",
];

const PRODUCT_GROUPS: [string, string][] = [
  ["ABRAS", "Abrasives"],
  ["ADHES", "Adhesives and sealants"],
  ["BEARNG", "Bearings"],
  ["BELTS", "Belts and sheaves"],
  ["CHAIN", "Chain"],
  ["CUTTL", "Cutting tools"],
  ["ELECT", "Electrical"],
  ["FASTN", "Fasteners"],
  ["FILTR", "Filters"],
  ["FITNG", "Fittings"],
  ["GASKT", "Gaskets"],
  ["GLOVE", "Gloves"],
  ["HOSE", "Hose"],
  ["HYDRL", "Hydraulics"],
  ["JANIT", "Janitorial"],
  ["LUBRC", "Lubricants"],
  ["MOTOR", "Motors"],
  ["PAINT", "Paint"],
  ["PNEUM", "Pneumatics"],
  ["POWTL", "Power tools"],
  ["PUMPS", "Pumps"],
  ["SAFTY", "Safety"],
  ["SEALS", "Seals"],
  ["SPRKT", "Sprockets"],
  ["TAPES", "Tapes"],
  ["VALVE", "Valves"],
  ["WELDG", "Welding"],
  ["WIRE", "Wire and cable"],
];

/** A group of company ACME with no price page at all: a page for it overlaps nothing. */
const FREE_PRODUCT_GROUP: [string, string] = ["PLUMB", "Plumbing"];

/**
 * Discount groups, of every company as in P21. No demo page has one: a "Supplier / Discount
 * Group" page for any of them overlaps nothing.
 */
const DISCOUNT_GROUPS: [string, string][] = [
  ["STOCK", "Stocked items"],
  ["NONSTOCK", "Non-stock items"],
  ["CLEARNC", "Clearance"],
];

const BOOKS: [string, string][] = [
  ["RETAIL", "Retail price book"],
  ["DEALER", "Dealer price book"],
  ["CONTRACT", "Contract price book"],
];

const COMPANY_ID = "ACME";
const CREATED = "2025-12-15T00:00:00";
/** Pages of the first suppliers that also have an older, expired (705) page. */
const INACTIVE_PAGE_COUNT = 20;

/** What `--data demo` holds. */
export const DEMO: {
  companyId: string;
  supplierIds: number[];
  /** The groups that have pages: one active page for each of them and each supplier. */
  productGroupIds: string[];
  /** Discount groups with no price page. */
  discountGroupIds: string[];
  bookIds: string[];
  /**
   * A supplier and product group with no price page: a new page for them raises no overlap
   * warning (the product group is not in `productGroupIds`).
   */
  example: { supplierId: number; productGroupId: string };
} = {
  companyId: COMPANY_ID,
  supplierIds: SUPPLIER_NAMES.map((_, index) => 10_010 + index * 10),
  productGroupIds: PRODUCT_GROUPS.map(([id]) => id),
  discountGroupIds: DISCOUNT_GROUPS.map(([id]) => id),
  bookIds: BOOKS.map(([id]) => id),
  example: { supplierId: 10_010, productGroupId: FREE_PRODUCT_GROUP[0] },
};

/**
 * The demo data set, built deterministically: 25 suppliers, 28 product groups of company
 * ACME, one active page (704) per supplier/group pair (700), 20 older expired pages (705),
 * and 3 price books: RETAIL links every active page, DEALER the pages of every other
 * supplier, CONTRACT the pages of the first five suppliers. A 29th product group, PLUMB, and
 * the 3 discount groups have no page at all.
 */
export function demoContents(): StoreContents {
  const supplier: Row[] = SUPPLIER_NAMES.map((name, index) => ({
    supplier_id: DEMO.supplierIds[index] ?? 0,
    supplier_name: name,
    delete_flag: "N",
    date_created: CREATED,
  }));
  const productGroup: Row[] = [...PRODUCT_GROUPS, FREE_PRODUCT_GROUP].map(([id, description]) => ({
    company_id: COMPANY_ID,
    product_group_id: id,
    product_group_desc: description,
    delete_flag: "N",
    date_created: CREATED,
  }));
  const discountGroup: Row[] = DISCOUNT_GROUPS.map(([id, description]) => ({
    discount_group_id: id,
    discount_group_description: description,
    delete_flag: "N",
    date_created: CREATED,
  }));

  const pricePages: Row[] = [];
  let uid = FIRST_PRICE_PAGE_UID;
  for (let index = 0; index < INACTIVE_PAGE_COUNT; index += 1) {
    const supplierIndex = Math.floor(index / 4);
    const groupIndex = index % 4;
    pricePages.push(
      demoPage(
        uid,
        supplierIndex,
        groupIndex,
        "2024",
        "2024-01-01T00:00:00",
        "2024-12-31T00:00:00",
      ),
    );
    uid += 1;
  }

  const activeUidsBySupplier: number[][] = SUPPLIER_NAMES.map(() => []);
  for (let supplierIndex = 0; supplierIndex < SUPPLIER_NAMES.length; supplierIndex += 1) {
    for (let groupIndex = 0; groupIndex < PRODUCT_GROUPS.length; groupIndex += 1) {
      pricePages.push(
        demoPage(
          uid,
          supplierIndex,
          groupIndex,
          "2026",
          "2026-01-01T00:00:00",
          "2049-12-31T00:00:00",
        ),
      );
      activeUidsBySupplier[supplierIndex]?.push(uid);
      uid += 1;
    }
  }

  const priceBook: Row[] = BOOKS.map(([id, description]) => ({
    price_book_id: id,
    description,
    company_id: COMPANY_ID,
    row_status_flag: RowStatus.Active,
    date_created: CREATED,
    date_last_modified: CREATED,
  }));

  const links: Row[] = [];
  const link = (bookId: string, pageUid: number) => {
    links.push({
      price_book_x_page_uid: links.length + 1,
      price_book_id: bookId,
      price_page_uid: pageUid,
      row_status_flag: RowStatus.Active,
      date_created: CREATED,
      last_maintained_by: "admin",
    });
  };

  activeUidsBySupplier.forEach((uids, supplierIndex) => {
    for (const pageUid of uids) {
      link("RETAIL", pageUid);
      if (supplierIndex % 2 === 0) link("DEALER", pageUid);
      if (supplierIndex < 5) link("CONTRACT", pageUid);
    }
  });

  return {
    companies: [COMPANY_ID],
    deletedCompanies: [],
    counters: { nextPricePageUid: uid, nextPriceBookXPageUid: links.length + 1 },
    tables: {
      price_page: pricePages,
      price_book: priceBook,
      price_book_x_page: links,
      supplier,
      product_group: productGroup,
      discount_group: discountGroup,
    },
  };
}

function demoPage(
  uid: number,
  supplierIndex: number,
  groupIndex: number,
  year: string,
  effectiveDate: string,
  expirationDate: string,
): Row {
  const supplierName = SUPPLIER_NAMES[supplierIndex] ?? "";
  const [groupId = ""] = PRODUCT_GROUPS[groupIndex] ?? [];
  const multiplier = 0.5 + ((supplierIndex * 7 + groupIndex * 3) % 20) / 100;
  const page = blankRow("price_page");
  Object.assign(page, {
    price_page_uid: uid,
    price_page_type_cd: 214,
    company_id: COMPANY_ID,
    product_group_id: groupId,
    supplier_id: DEMO.supplierIds[supplierIndex] ?? 0,
    description: `${supplierName} ${groupId} ${year}`,
    pricing_method_cd: 220,
    source_price_cd: 200,
    effective_date: effectiveDate,
    expiration_date: expirationDate,
    calculation_method_cd: 211,
    calculation_value1: Math.round(multiplier * 100) / 100,
    row_status_flag: year === "2024" ? RowStatus.Inactive : RowStatus.Active,
    date_created: CREATED,
    date_last_modified: CREATED,
    last_maintained_by: "admin",
  });
  return page;
}
