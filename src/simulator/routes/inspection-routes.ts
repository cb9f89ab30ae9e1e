import type { FastifyInstance } from "fastify";
import { SimulatorError } from "../errors.js";
import { refuse } from "../http/answer.js";
import { addRoute } from "../http/route.js";
import type { Runtime } from "../runtime.js";

/** `GET /__simulator/stats` and `POST /__simulator/faults` (no auth; for tests of child processes). */
export function registerInspectionRoutes(app: FastifyInstance, runtime: Runtime): void {
  addRoute(app, runtime, {
    method: "GET",
    url: "/__simulator/stats",
    interactive: false,
    authenticated: false,
    run: () => ({ statusCode: 200, body: runtime.stats.snapshot() }),
  });

  addRoute(app, runtime, {
    method: "POST",
    url: "/__simulator/faults",
    interactive: false,
    authenticated: false,
    run: (call) => {
      const body = call.body;
      if (typeof body !== "object" || body === null || Array.isArray(body)) {
        throw refuse(
          400,
          'Send {"faults": "http500=0.02,...", "seed": n} or a scheduled fault {"kind": ...}.',
        );
      }

      try {
        const fields = body as Record<string, unknown>;
        if ("kind" in fields) {
          runtime.faults.schedule(fields as never);
        } else {
          const { faults, seed } = fields;
          if (typeof faults !== "string" && (typeof faults !== "object" || faults === null)) {
            throw new SimulatorError(
              "P21_SIMULATOR_OPTIONS",
              '"faults" must be a string or an object of rates',
            );
          }

          if (seed !== undefined && !Number.isInteger(seed)) {
            throw new SimulatorError("P21_SIMULATOR_OPTIONS", '"seed" must be a whole number');
          }

          runtime.faults.setRates(faults, seed as number | undefined);
        }
      } catch (error) {
        if (error instanceof SimulatorError) throw refuse(400, error.message);
        throw error;
      }

      return { statusCode: 200, body: { ok: true, scheduled: runtime.faults.pendingScheduled } };
    },
  });
}
