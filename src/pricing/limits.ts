/**
 * Field lengths p21kit checks before anything is sent. The fact sheet gives no lengths for
 * SalesPricePage; these follow the P21 database columns as commonly configured and are checked
 * again by the server (an over-long value is refused at the change).
 */
export const FIELD_LENGTHS = {
  company_id: 8,
  product_group_id: 8,
  discount_group_id: 8,
  description: 40,
  uom: 8,
} as const;

/** Tiers of the VALUES tab: `calculation_value1..15`, `break1..14`, `uom1..14`. */
export const MAX_TIERS = 15;
