/**
 * A tiny, tolerant XML reader for the few answers P21 may send as XML (token, router, session,
 * and DataContract bodies). It turns elements into plain values: an element with children
 * becomes an object (repeated names become arrays), a leaf becomes its text, and an element
 * marked `nil="true"` becomes null. Attributes and namespaces are dropped.
 *
 * Known limit: mixed content (text beside child elements) keeps only the children, and a
 * DataContract array of one element reads as an object, not a one-element array.
 */

export type XmlValue = string | null | XmlObject | XmlValue[];
export interface XmlObject {
  [name: string]: XmlValue;
}

const entities: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity.startsWith("#x") || entity.startsWith("#X")) {
      return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    }

    if (entity.startsWith("#")) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));

    return entities[entity.toLowerCase()] ?? whole;
  });
}

function localName(qualifiedName: string): string {
  const colon = qualifiedName.indexOf(":");

  return colon < 0 ? qualifiedName : qualifiedName.slice(colon + 1);
}

interface Frame {
  name: string;
  nil: boolean;
  text: string;
  children: [string, XmlValue][];
}

function frameValue(frame: Frame): XmlValue {
  if (frame.nil) return null;
  if (frame.children.length === 0) return decodeEntities(frame.text.trim());

  const object: XmlObject = {};
  for (const [name, value] of frame.children) {
    const existing = object[name];
    if (existing === undefined) {
      object[name] = value;
    } else if (Array.isArray(existing)) {
      existing.push(value);
    } else {
      object[name] = [existing, value];
    }
  }

  return object;
}

/**
 * Parses an XML document into `{ [rootName]: value }`. Returns `undefined` for text that is not
 * well-formed enough to read.
 */
export function parseXml(text: string): XmlObject | undefined {
  const root: Frame = { name: "", nil: false, text: "", children: [] };
  const stack: Frame[] = [root];
  const tagPattern =
    /<!\[CDATA\[([\s\S]*?)\]\]>|<!--[\s\S]*?-->|<[?!][^>]*>|<\/([^\s>]+)\s*>|<([^\s/>]+)([^>]*?)(\/?)>/g;
  let position = 0;

  for (const match of text.matchAll(tagPattern)) {
    const current = stack[stack.length - 1];
    if (current === undefined) return undefined;

    current.text += text.slice(position, match.index);
    position = match.index + match[0].length;
    const [, cdata, closingName, openingName, attributes = "", selfClosing] = match;

    if (cdata !== undefined) {
      current.text += cdata.replace(/&/g, "&amp;");
    } else if (closingName !== undefined) {
      if (stack.length < 2 || current.name !== localName(closingName)) return undefined;

      stack.pop();
      stack[stack.length - 1]?.children.push([current.name, frameValue(current)]);
    } else if (openingName !== undefined) {
      const frame: Frame = {
        name: localName(openingName),
        nil: /(?:^|\s)(?:[\w-]+:)?nil\s*=\s*["']true["']/i.test(attributes),
        text: "",
        children: [],
      };
      if (selfClosing === "/") {
        current.children.push([frame.name, frame.nil ? null : ""]);
      } else {
        stack.push(frame);
      }
    }
  }

  if (stack.length !== 1 || root.children.length === 0) return undefined;

  const value = frameValue(root);

  return typeof value === "object" && value !== null && !Array.isArray(value) ? value : undefined;
}

/** The first element named `name` (case-insensitive) anywhere in a parsed document. */
export function findXmlValue(value: XmlValue | undefined, name: string): XmlValue | undefined {
  if (value === undefined || value === null || typeof value === "string") return undefined;

  const wanted = name.toLowerCase();
  const entries = Array.isArray(value)
    ? value.map((item) => ["", item] as const)
    : Object.entries(value);
  for (const [key, child] of entries) {
    if (key.toLowerCase() === wanted) return child;
  }

  for (const [, child] of entries) {
    const found = findXmlValue(child, name);
    if (found !== undefined) return found;
  }

  return undefined;
}
