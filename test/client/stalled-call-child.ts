// Runs one stalled call and does NOT close the client: the process must still exit by itself.
import { P21Client, P21Error } from "../../src/client/index.js";

const baseUrl = process.argv[2] ?? "";
const client = new P21Client({
  baseUrl,
  username: "api_user",
  password: "api_password",
  uiServerUrl: `${baseUrl}/uiserver0`,
  timeouts: { defaultMs: 300 },
});

try {
  await client.serverInfo();
  process.stdout.write("no timeout\n");
} catch (error) {
  process.stdout.write(`${error instanceof P21Error ? error.code : String(error)}\n`);
}
