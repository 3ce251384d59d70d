// Must NOT type-check: proves the check of heyapi_flow.ts sees the contract's types.
import { createRecommendation, listExercises, listScreeningQuestions } from "./heyapi/index.js";

export async function wrongArea() {
  return listExercises({ query: { area: "elbow" } });
}

// A question's id goes in the field its `answer_in` names: without looking, it is not a caution.
export async function everyAnswerAsACaution() {
  const { data } = await listScreeningQuestions({ throwOnError: true });
  return createRecommendation({
    body: { area: "lower", pain_level: 3, red_flags: [], cautions: data.data.map((q) => q.id) },
  });
}
