// Must NOT type-check: proves the check catches a client that drifts from the contract.
import createClient from "openapi-fetch";
import type { paths } from "./schema";

const api = createClient<paths>({ baseUrl: "http://127.0.0.1:8000" });

export async function wrongArea() {
  return api.GET("/v1/exercises", { params: { query: { area: "elbow" } } });
}

export async function wrongPath() {
  return api.GET("/v1/no-such-path", {});
}
