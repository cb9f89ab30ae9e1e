/**
 * p21kit: bulk operations on Epicor Prophet 21 through the Interactive API.
 *
 * - `client`: the typed Interactive API v2 client ({@link P21Client}).
 * - `journal`: the durable SQLite record of runs and items ({@link Journal}).
 * - `batch`: the engine that runs operations in sessions, recovers and resumes ({@link BatchEngine}).
 * - `pricing`: price-page inputs, operations and workflows.
 * - `simulator`: a P21 server stand-in for tests, demos and rehearsals ({@link startSimulator}).
 */
export * from "./client/index.js";
export * from "./journal/index.js";
export * from "./batch/index.js";
export * from "./pricing/index.js";
export * from "./simulator/index.js";
