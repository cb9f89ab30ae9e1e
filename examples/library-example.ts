// Creates one sales price page and reads it back through OData.
// Run it against the simulator with its demo data:
//   p21kit simulator --data demo --port 8021
//   npx tsx examples/library-example.ts
// P21_BASE_URL points it at another server.
import { P21Client } from "p21kit";

// From the simulator's demo data: its company, the one product group that has no price page
// yet, and its first supplier. The page is open-ended: it has no expiration date.
const COMPANY = "ACME";
const PRODUCT_GROUP = "PLUMB";
const SUPPLIER = "10010";

const client = new P21Client({
  baseUrl: process.env.P21_BASE_URL ?? "http://127.0.0.1:8021",
  username: "api_user",
  password: "api_password",
});
await using session = await client.startSession();
const window = await session.openWindow("SalesPricePage");
for (const [field, value] of [
  ["price_page_type_cd", "Supplier / Product Group"],
  ["company_id", COMPANY],
  ["product_group_id", PRODUCT_GROUP],
  ["supplier_id", SUPPLIER],
  ["description", "Example page"],
  ["pricing_method_cd", "Source"],
  ["source_price_cd", "Supplier List Price"],
  ["effective_date", "2027-01-01"],
] as const) {
  const result = await window.change("FORM", "form", field, value);
  if (!result.ok) throw new Error(result.messages.join("; "));
}
await window.selectTab("VALUES");
await window.change("VALUES", "values", "calculation_method_cd", "Multiplier");
await window.change("VALUES", "values", "calculation_value1", "0.55");
const saved = await window.save();
if (!saved.ok) throw new Error(`save failed: ${saved.describe()}`);
console.log(saved.generatedKey);
await window.close();
const rows = await client.odata.query("price_page", {
  filter: { price_page_uid: saved.generatedKey },
});
console.log(JSON.stringify(rows));
await client.close();
