// The journal's own event types, kept apart from the writes that log them so that the public
// declarations do not pull in the SQLite driver's types (a development dependency).

/** The event type an item's return to pending logs, with `{ reason }` as data. */
export const returnedToPendingEventType = "item.returned_to_pending";

/** The event type a reset of the failed items logs, with `{ count }` as data. */
export const failedResetEventType = "items.reset_failed";
