// Must NOT type-check: proves the check catches a client that drifts from the contract.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema";

const api = createClient<paths>({ baseUrl: "http://127.0.0.1:8000" });

export async function wrongArea() {
  return api.GET("/v1/exercises", { params: { query: { area: "elbow" } } });
}

export async function wrongPath() {
  return api.GET("/v1/no-such-path", {});
}

// A question's id goes in the field its `answer_in` names: without looking, it is not a caution.
export async function everyAnswerAsACaution() {
  const { data } = await api.GET("/v1/screening/questions");
  const cautions: components["schemas"]["Caution"][] = [];
  for (const question of data?.data ?? []) cautions.push(question.id);
  return cautions;
}
