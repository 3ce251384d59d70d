// A mobile client written against the generated types. `tsc --strict` checks that every path,
// parameter, body and response used here exists in openapi.json with these types.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema";

type ExerciseBrief = components["schemas"]["ExerciseBrief"];
type Problem = components["schemas"]["Problem"];
type Area = components["schemas"]["Area"];

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(`${problem.status} ${problem.title}: ${problem.detail}`);
  }
}

export function connect(baseUrl: string, accessToken?: string) {
  return createClient<paths>({
    baseUrl,
    headers: accessToken ? { Authorization: `Bearer ${accessToken}` } : {},
  });
}

type Api = ReturnType<typeof connect>;

export async function stretchesFor(api: Api, area: Area): Promise<ExerciseBrief[]> {
  const { data, error } = await api.GET("/v1/exercises", {
    params: { query: { area, kind: "stretch", limit: 20 } },
  });
  if (error) throw new ApiError(error);
  return data.data;
}

export async function stepsOf(api: Api, slug: string): Promise<string[]> {
  const { data, error, response } = await api.GET("/v1/exercises/{slug}", {
    params: { path: { slug } },
  });
  if (error) {
    // A 404 names the missing move; validation errors name each field.
    const fields = (error.errors ?? []).map((e) => e.field).join(", ");
    throw new ApiError({ ...error, detail: fields ? `${error.detail} (${fields})` : error.detail });
  }
  console.log("API-Version", response.headers.get("API-Version"));
  return data.steps;
}

type Illustration = components["schemas"]["Illustration"];

// The pictures of a move: a still per step (the motion-free way to follow it), a thumbnail
// and an animation; PNG at the phone's pixel ratio for clients that do not draw SVG.
export async function picturesOf(
  api: Api,
  slug: string,
  pixelRatio: 1 | 2 | 3,
): Promise<{ stills: Illustration[]; thumbnailPng: string; animation: string } | null> {
  const { data, error } = await api.GET("/v1/exercises/{slug}", { params: { path: { slug } } });
  if (error) throw new ApiError(error);
  if (data.media === null) return null;
  const png = data.media.thumbnail.png.find((file) => file.scale === pixelRatio);
  return {
    stills: data.media.steps,
    thumbnailPng: png?.url ?? data.media.thumbnail.url,
    animation: data.media.animation.url,
  };
}

export async function recommend(api: Api, painLevel: number): Promise<string[]> {
  const { data, error } = await api.POST("/v1/recommendations", {
    body: {
      area: "lower",
      pain_level: painLevel,
      red_flags: [],
      cautions: [],
      limitations: ["cannot_kneel"],
    },
  });
  if (error) throw new ApiError(error);
  if (data.triage.level !== "self_care") return [];
  return data.moves.map((move) => move.exercise.slug);
}

export async function signUpAndSignIn(api: Api, email: string, password: string) {
  // The sign-up screen shows the current terms and privacy notice; the person accepts both
  // and, separately, consents to their health data being stored.
  const policies = await api.GET("/v1/policies");
  if (policies.error) throw new ApiError(policies.error);
  const version = (kind: string) => policies.data.data.find((p) => p.kind === kind)?.version ?? "";
  const consents: components["schemas"]["ConsentGrant"][] = [
    { purpose: "terms", version: version("terms") },
    { purpose: "privacy_notice", version: version("privacy_notice") },
    { purpose: "health_data", version: version("privacy_notice") },
  ];
  const created = await api.POST("/v1/auth/register", { body: { email, password, consents } });
  if (created.error) throw new ApiError(created.error);
  const signedIn = await api.POST("/v1/auth/token", {
    body: { username: email, password, grant_type: "password" },
    // openapi-fetch sends JSON unless this header names a form, which it then encodes.
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
  });
  if (signedIn.error) throw new ApiError(signedIn.error);
  const tokens: { access_token: string; expires_in: number } = signedIn.data;
  return tokens;
}

export async function planAndLog(api: Api, slug: string): Promise<number | null> {
  const routine = await api.POST("/v1/routines", {
    body: { name: "After work", areas: ["lower"], steps: [{ exercise_slug: slug, reps: 8 }] },
  });
  if (routine.error) throw new ApiError(routine.error);

  const finished = new Date();
  const started = new Date(finished.getTime() - 12 * 60 * 1000);
  const logged = await api.POST("/v1/progress/sessions", {
    body: {
      id: crypto.randomUUID(),
      routine_id: routine.data.id,
      area: "lower",
      started_at: started.toISOString(),
      completed_at: finished.toISOString(),
      pain_before: 6,
      pain_after: 3,
      exercises: [{ exercise_slug: slug, reps: 8 }],
    },
  });
  if (logged.error) throw new ApiError(logged.error);

  const summary = await api.GET("/v1/progress/summary", { params: { query: { days: 30 } } });
  if (summary.error) throw new ApiError(summary.error);
  return summary.data.average_pain_change;
}

type SafetyState = components["schemas"]["SafetyState"];

// What the home screen shows: while a concern holds exercise, its guidance instead of the
// routines due today.
export async function today(api: Api): Promise<{ guidance: string | null; due: string[] }> {
  const { data, error } = await api.GET("/v1/plans/today");
  if (error) throw new ApiError(error);
  const safety: SafetyState = data.safety;
  if (safety.exercise === "on_hold") return { guidance: safety.message, due: [] };
  return { guidance: null, due: data.data.map((plan) => plan.routine_name) };
}

// "I have been seen and can exercise": closes each open concern, with the day.
export async function seen(api: Api, seenOn: string): Promise<SafetyState> {
  const state = await api.GET("/v1/me/safety");
  if (state.error) throw new ApiError(state.error);
  for (const concern of state.data.concerns) {
    const closed = await api.POST("/v1/me/safety/concerns/{concern_id}/close", {
      params: { path: { concern_id: concern.id } },
      body: { seen_on: seenOn },
    });
    if (closed.error) throw new ApiError(closed.error);
  }
  const after = await api.GET("/v1/me/safety");
  if (after.error) throw new ApiError(after.error);
  return after.data;
}

type RoutinePublic = components["schemas"]["RoutinePublic"];

// Optional auth: curated routines need no account, so an anonymous client lists them.
export async function curatedRoutines(anonymous: Api): Promise<RoutinePublic[]> {
  const { data, error } = await anonymous.GET("/v1/routines", { params: { query: { limit: 10 } } });
  if (error) throw new ApiError(error);
  return data.data.filter((routine) => routine.curated);
}

// Conditional GET: send back the ETag of the copy held; a 304 means it is still current.
export async function revalidate(
  api: Api,
  slug: string,
  etag: string,
): Promise<"unchanged" | string[]> {
  const { data, error, response } = await api.GET("/v1/exercises/{slug}", {
    params: { path: { slug }, header: { "If-None-Match": etag } },
  });
  if (response.status === 304) return "unchanged";
  if (error) throw new ApiError(error);
  return data.steps;
}

// HEAD: what GET would answer, without the body. It mirrors GET rather than being an
// operation of its own in the contract, so plain fetch sends it.
export async function headStatus(baseUrl: string, path: string): Promise<[number, string | null]> {
  const response = await fetch(`${baseUrl}${path}`, { method: "HEAD" });
  return [response.status, response.headers.get("ETag")];
}

type SessionPublic = components["schemas"]["SessionPublic"];

// The README's sync loop: walk pages with `cursor`; upsert `data`, drop `deleted`; keep the
// last page's `sync_token` and send it in `changed_since` next time.
export class SessionMirror {
  readonly sessions = new Map<string, SessionPublic>();
  token: string | undefined = undefined;

  async sync(api: Api): Promise<void> {
    let cursor: string | undefined = undefined;
    let token: string | undefined = undefined;
    for (;;) {
      const query: { limit: number; cursor?: string; changed_since?: string } = { limit: 2 };
      if (cursor !== undefined) query.cursor = cursor;
      if (this.token !== undefined) query.changed_since = this.token;
      const { data, error } = await api.GET("/v1/progress/sessions", { params: { query } });
      if (error) throw new ApiError(error);
      for (const session of data.data) this.sessions.set(session.id, session);
      for (const gone of data.deleted) this.sessions.delete(gone.id);
      token = data.sync_token;
      if (data.next_cursor === null) break;
      cursor = data.next_cursor;
    }
    this.token = token;
  }
}

export async function logAndDelete(api: Api, slug: string): Promise<string> {
  const finished = new Date(Date.now() - 60_000);
  const started = new Date(finished.getTime() - 10 * 60 * 1000);
  const logged = await api.POST("/v1/progress/sessions", {
    body: {
      area: "lower",
      started_at: started.toISOString(),
      completed_at: finished.toISOString(),
      pain_before: 5,
      pain_after: 4,
      exercises: [{ exercise_slug: slug, reps: 6 }],
    },
  });
  if (logged.error) throw new ApiError(logged.error);
  const removed = await api.DELETE("/v1/progress/sessions/{session_id}", {
    params: { path: { session_id: logged.data.id } },
  });
  if (removed.error) throw new ApiError(removed.error);
  return logged.data.id;
}

type RecommendationCreate = components["schemas"]["RecommendationCreate"];

// The safety screen: each question says which field a "yes" goes in, and its id is typed for
// that field, so the answers make a request body without a cast.
export async function screenedRequest(
  api: Api,
  yes: (question: string) => boolean,
): Promise<Pick<RecommendationCreate, "red_flags" | "cautions">> {
  const { data, error } = await api.GET("/v1/screening/questions");
  if (error) throw new ApiError(error);
  const body: Pick<RecommendationCreate, "red_flags" | "cautions"> = {
    red_flags: [],
    cautions: [],
  };
  for (const question of data.data) {
    if (!yes(question.text)) continue;
    if (question.answer_in === "red_flags") body.red_flags.push(question.id);
    else body.cautions.push(question.id);
  }
  return body;
}

// The clinician report: one operation per media type, so each is read the way it comes.
export async function reportPdf(api: Api): Promise<Blob> {
  const { data, error } = await api.GET("/v1/me/report/pdf", { parseAs: "blob" });
  if (error) throw new ApiError(error);
  return data;
}

export async function reportCsv(api: Api): Promise<string> {
  const { data, error } = await api.GET("/v1/me/report/csv", { parseAs: "text" });
  if (error) throw new ApiError(error);
  return data;
}
