import { readCalendarDate } from "../dates.js";
import { WorkflowSpecError } from "../errors.js";
import { pricePageRowSchema } from "../page-row.js";
import type { PricePageRow } from "../page-row.js";
import { passesPageRowSchema } from "../page-row-check.js";
import { expirationRowSchema, linkRowSchema } from "../secondary-records.js";
import type { WorkflowSpec } from "./types.js";

function checkPages(pages: readonly PricePageRow[]): void {
  pages.forEach((page, index) => {
    // Every page is checked, from a reader or not; zod only speaks for one that looks wrong.
    if (passesPageRowSchema(page)) {
      return;
    }

    const parsed = pricePageRowSchema.safeParse(page);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = issue?.path.join(".") ?? "";
      throw new WorkflowSpecError(
        `pages[${index}]${path === "" ? "" : `.${path}`}: ${issue?.message ?? "invalid page"}`,
      );
    }
  });
}

/**
 * Checks that a spec asks for something a workflow can do, and that records given directly
 * (not through an input reader) are valid. Throws {@link WorkflowSpecError}.
 */
export function checkWorkflowSpec(spec: WorkflowSpec): void {
  const pages = spec.pages ?? [];
  const expirations = spec.expirations ?? [];
  const links = spec.links ?? [];
  if (spec.expireDate !== undefined && !readCalendarDate(spec.expireDate).ok) {
    throw new WorkflowSpecError(`expireDate ${spec.expireDate} is not a YYYY-MM-DD calendar date`);
  }

  if (spec.overlaps !== undefined && spec.overlaps !== "refuse" && spec.overlaps !== "allow") {
    throw new WorkflowSpecError(
      `overlaps must be "refuse" or "allow", not ${String(spec.overlaps)}`,
    );
  }

  switch (spec.kind) {
    case "create":
    case "replace":
      if (
        pages.length === 0 &&
        links.length === 0 &&
        (spec.kind === "create" ||
          spec.old === "auto" ||
          spec.old === undefined ||
          spec.old.length === 0)
      ) {
        throw new WorkflowSpecError(`a ${spec.kind} needs pages`);
      }

      break;
    case "expire":
      if (expirations.length === 0) throw new WorkflowSpecError("an expire needs expirations");
      break;
    case "link":
      if (links.length === 0) throw new WorkflowSpecError("a link needs links");
      break;
    default:
      throw new WorkflowSpecError(`unknown workflow kind ${String(spec.kind)}`);
  }

  checkPages(pages);
  expirations.forEach((expiration, index) => {
    if (
      !expirationRowSchema.safeParse(expiration).success ||
      !readCalendarDate(expiration.expirationDate).ok
    ) {
      throw new WorkflowSpecError(`expirations[${index}] is not { pricePageUid, expirationDate }`);
    }
  });
  links.forEach((link, index) => {
    if (!linkRowSchema.safeParse(link).success) {
      throw new WorkflowSpecError(`links[${index}] is not { bookId, pricePageUid }`);
    }
  });
  for (const book of spec.books ?? []) {
    if (typeof book !== "string" || book.trim() === "") {
      throw new WorkflowSpecError(`books holds an empty book id`);
    }
  }
}
