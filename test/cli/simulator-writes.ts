/** How many requests of the simulator's stats could have written: changes, data, rows, tabs, tools. */
export function writeRequests(stats: { requests: Record<string, number> }): number {
  return Object.entries(stats.requests)
    .filter(([route]) => /v2\/(change|data|row|tab|tools)$/.test(route) && !route.startsWith("GET"))
    .reduce((sum, [, count]) => sum + count, 0);
}

/** How many saves the simulator's stats count. */
export function savedRequests(stats: { requests: Record<string, number> }): number {
  return stats.requests["PUT /api/ui/interactive/v2/data"] ?? 0;
}
