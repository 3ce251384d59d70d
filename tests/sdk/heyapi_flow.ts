// The mobile app's first day, written against the client hey-api generates from openapi.json
// (tests/sdk/openapi-ts.config.mjs): every call, body and answer is typed by the contract, with
// no cast, no escape from the type checker and no header the docs do not show. Run against a
// live server (BASE_URL), it prints what it saw in one JSON line for tests/live/test_sdk_heyapi.py.
import { createClient, createConfig } from "./heyapi/client/index.js";
import {
  changeConsent,
  createRecommendation,
  createRoutine,
  createSession,
  exportMe,
  getExercise,
  getMe,
  getReportCsv,
  getReportPdf,
  getSummary,
  listPolicies,
  listScreeningQuestions,
  listSessions,
  login,
  registerUser,
  verifyEmail,
} from "./heyapi/index.js";
import type {
  AccountExport,
  ConsentGrant,
  ExercisePublic,
  RecommendationCreate,
} from "./heyapi/index.js";

declare const process: { env: Record<string, string | undefined> };

const baseUrl = process.env.BASE_URL ?? "http://127.0.0.1:8000";
let accessToken = "";
// The token goes wherever an operation's security asks for a bearer token; no other call gets it.
const client = createClient(createConfig({ baseUrl, auth: () => accessToken }));

// Sign-up: the current terms and privacy notice, accepted on the sign-up screen.
const policies = await listPolicies({ client, throwOnError: true });
const version = (kind: string) =>
  policies.data.data.find((policy) => policy.kind === kind)?.version ?? "";
const accepted: ConsentGrant[] = [
  { purpose: "terms", version: version("terms") },
  { purpose: "privacy_notice", version: version("privacy_notice") },
];
const email = `heyapi-${Date.now()}@example.com`;
const password = "correct horse battery";
const created = await registerUser({
  client,
  body: { email, password, consents: accepted },
  throwOnError: true,
});

// The verification link's token, read from the development mailbox (outside the contract, the
// way a person opens the email); it goes out just after the answer that queued it.
async function verificationToken(address: string): Promise<string> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const mailbox = await fetch(`${baseUrl}/dev/mailbox?to=${encodeURIComponent(address)}`);
    const token = /"token":\s*"([^"]+)"/.exec(await mailbox.text())?.[1];
    if (token !== undefined) return token;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no verification email to ${address}`);
}
const verified = await verifyEmail({
  client,
  body: { token: await verificationToken(email) },
  throwOnError: true,
});

// Sign-in is the OAuth2 password form, which the generated call encodes itself.
const tokens = await login({ client, body: { username: email, password }, throwOnError: true });
accessToken = tokens.data.access_token;
const me = await getMe({ client, throwOnError: true });

// Health-data consent, given on its own screen before anything is logged.
const consent = await changeConsent({
  client,
  body: { purpose: "health_data", version: version("privacy_notice") },
  throwOnError: true,
});

// The safety screen: a question's id is typed for the field its `answer_in` names, so the
// answers become the request body unchanged. This person says yes to the first caution.
const screen = await listScreeningQuestions({ client, throwOnError: true });
const answers: Pick<RecommendationCreate, "red_flags" | "cautions"> = {
  red_flags: [],
  cautions: [],
};
const yes = new Set([screen.data.data.find((question) => question.answer_in === "cautions")?.text]);
for (const question of screen.data.data) {
  if (!yes.has(question.text)) continue;
  if (question.answer_in === "red_flags") answers.red_flags.push(question.id);
  else answers.cautions.push(question.id);
}
const advice = await createRecommendation({
  client,
  body: { area: "lower", pain_level: 4, ...answers },
  throwOnError: true,
});
const moves = advice.data.moves.map((move) => move.exercise.slug);

// A routine of the recommended moves, done once and logged.
const routine = await createRoutine({
  client,
  body: {
    name: "First day",
    areas: ["lower"],
    steps: moves.map((slug) => ({ exercise_slug: slug, reps: 8 })),
  },
  throwOnError: true,
});
const finished = new Date(Date.now() - 60_000);
const started = new Date(finished.getTime() - 12 * 60_000);
const logged = await createSession({
  client,
  body: {
    routine_id: routine.data.id,
    area: "lower",
    started_at: started.toISOString(),
    completed_at: finished.toISOString(),
    pain_before: 6,
    pain_after: 3,
    exercises: moves.map((slug) => ({ exercise_slug: slug, reps: 8 })),
  },
  throwOnError: true,
});
const sessions = await listSessions({ client, query: { limit: 20 }, throwOnError: true });
const summary = await getSummary({ client, query: { days: 30 }, throwOnError: true });

// Conditional GET (docs/api.md): send back the ETag of the copy held; a 304 has no body, so
// read the status before `data` and keep the copy.
async function revalidate(slug: string, held: ExercisePublic, etag: string) {
  const { data, error, response } = await getExercise({
    client,
    path: { slug },
    headers: { "If-None-Match": etag },
  });
  if (response.status === 304) return { copy: held, status: 304 };
  if (error) throw new Error(`${error.status} ${error.title}: ${error.detail}`);
  return { copy: data, status: response.status };
}
const slug = moves[0] ?? "knee-rolls";
const first = await getExercise({ client, path: { slug }, throwOnError: true });
const etag = first.response.headers.get("ETag") ?? "";
const again = await revalidate(slug, first.data, etag);

// The clinician report: the PDF arrives in a Blob, the CSV in a string, each from its own
// operation.
const pdf = await getReportPdf({ client, throwOnError: true });
const pdfStart = new TextDecoder().decode((await pdf.data.arrayBuffer()).slice(0, 5));
const csv = await getReportCsv({ client, throwOnError: true });

// The export: every section the server sends is a typed field of AccountExport. The record
// below must name exactly the typed fields (the compiler checks both ways).
const exported = await exportMe({ client, throwOnError: true });
const typedSections: Record<keyof AccountExport, true> = {
  exported_at: true,
  user: true,
  sign_ins: true,
  consents: true,
  emails: true,
  routines: true,
  sessions: true,
  plans: true,
  devices: true,
  reminders: true,
  checkins: true,
  peg_responses: true,
  attention: true,
  safety: true,
  shares: true,
};

console.log(
  JSON.stringify({
    registered: [created.response.status, created.data.email],
    verified: [verified.response.status, me.data.email_verified],
    consented: [consent.response.status, consent.data.health_data],
    cautions: answers.cautions,
    redFlags: answers.red_flags,
    triage: advice.data.triage.level,
    moves,
    routineSteps: routine.data.steps.map((step) => step.exercise_slug),
    logged: logged.data.id,
    listed: sessions.data.data.map((session) => session.id),
    averagePainChange: summary.data.average_pain_change,
    etag,
    revalidated: [again.status, again.copy.slug],
    pdf: [pdf.data.size, pdfStart, pdf.response.headers.get("Content-Type")],
    csv: csv.data.split("\n")[0] ?? "",
    exportSessions: exported.data.sessions.map((session) => session.id),
    exportConsents: exported.data.consents.map((record) => record.purpose),
    sectionsSent: Object.keys(exported.data).sort(),
    sectionsTyped: Object.keys(typedSections).sort(),
  }),
);
