// hey-api's generator (@hey-api/openapi-ts) with its bundled fetch client, as
// tests/live/test_sdk_heyapi.py runs it: `npx openapi-ts` here writes the client to heyapi/.
// Imports end in `.js`, so that Node runs the compiled client without a bundler.
import { fileURLToPath } from "node:url";

export default {
  input: fileURLToPath(new URL("../../openapi.json", import.meta.url)),
  output: { path: "heyapi", importFileExtension: ".js" },
  plugins: ["@hey-api/client-fetch"],
};
