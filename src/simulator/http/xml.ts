const DATA_CONTRACT_NAMESPACE = "http://schemas.datacontract.org/2004/07/";
const INSTANCE_NAMESPACE = "http://www.w3.org/2001/XMLSchema-instance";
const XML_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Element names of array items, by the name of the array. */
const ITEM_NAMES: Record<string, string> = {
  Messages: "Message",
  Events: "Event",
  Data: "KeyValue",
  Properties: "Property",
  TabPageList: "TabPage",
  Columns: "string",
};

/**
 * Serialises a JSON-shaped value as DataContract XML, the way a .NET `DataContractSerializer`
 * would: one element per property, `i:nil="true"` for null, arrays as repeated item elements.
 * Keys that are not XML names become `<KeyValue><Key/><Value/></KeyValue>` pairs.
 *
 * Known limit: item element names are guessed per array name, not taken from real contracts.
 */
export function toDataContractXml(root: string, value: unknown, contractNamespace: string): string {
  const namespace = `${DATA_CONTRACT_NAMESPACE}${contractNamespace}`;
  return `<${root} xmlns="${namespace}" xmlns:i="${INSTANCE_NAMESPACE}">${inner(value, "Item")}</${root}>`;
}

function element(name: string, value: unknown): string {
  if (value === null || value === undefined) return `<${name} i:nil="true"/>`;
  return `<${name}>${inner(value, ITEM_NAMES[name] ?? "Item")}</${name}>`;
}

function inner(value: unknown, itemName: string): string {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.map((item) => element(itemName, item)).join("");
  if (typeof value === "object") {
    return Object.entries(value as Record<string, unknown>)
      .map(([key, child]) =>
        XML_NAME.test(key)
          ? element(key, child)
          : `<KeyValue><Key>${escapeText(key)}</Key>${element("Value", child)}</KeyValue>`,
      )
      .join("");
  }

  return escapeText(typeof value === "string" ? value : JSON.stringify(value));
}

function escapeText(text: string): string {
  return text.replace(/[&<>"]/g, (character) => {
    switch (character) {
      case "&":
        return "&amp;";
      case "<":
        return "&lt;";
      case ">":
        return "&gt;";
      default:
        return "&quot;";
    }
  });
}

/** Contract namespaces used by the simulator's XML answers. */
export const XmlContracts = {
  request: "P21.UI.Service.Request",
  interactive: "P21.UI.Service.Model.Interactive.V2",
  security: "P21.Soa.Security",
  common: "P21.UI.Service.Model.Common",
} as const;

/** True when an `Accept` header contains `application/json` (a bare `*\/*` does not count). */
export function acceptsJson(accept: string | string[] | undefined): boolean {
  const value = Array.isArray(accept) ? accept.join(",") : (accept ?? "");
  return value.toLowerCase().includes("application/json");
}

/** True when an `Accept` header asks for XML and not for JSON. */
export function prefersXml(accept: string | string[] | undefined): boolean {
  const value = (Array.isArray(accept) ? accept.join(",") : (accept ?? "")).toLowerCase();
  return !value.includes("application/json") && (value.includes("/xml") || value.includes("+xml"));
}
