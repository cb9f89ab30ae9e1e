// Kept apart from the migrations so that the public declarations do not pull in the SQLite
// driver's types (a development dependency). The schema tests check that the migrations end here.

/** The version a journal has once every migration ran. */
export const currentSchemaVersion = 1;
