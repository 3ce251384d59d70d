// Runs the client in usage.ts against a live server (BASE_URL) and prints what it saw in one
// JSON line, for tests/live/test_sdk_typescript.py to check.
import {
  connect,
  curatedRoutines,
  headStatus,
  logAndDelete,
  picturesOf,
  planAndLog,
  revalidate,
  seen,
  SessionMirror,
  signUpAndSignIn,
  stepsOf,
  today,
} from "./usage.js";

declare const process: { env: Record<string, string | undefined> };

const baseUrl = process.env.BASE_URL ?? "http://127.0.0.1:8000";
const anonymous = connect(baseUrl);
const curated = await curatedRoutines(anonymous);

const [headCode, etag] = await headStatus(baseUrl, "/v1/exercises/knee-rolls");
const steps = await stepsOf(anonymous, "knee-rolls");
const unchanged = await revalidate(anonymous, "knee-rolls", etag ?? "");
const pictures = await picturesOf(anonymous, "knee-rolls", 3);
const png = await fetch(`${baseUrl}${pictures?.thumbnailPng ?? ""}`);
const routineThumbnail = curated[0]?.steps[0]?.media?.thumbnail.url ?? null;

const email = `ts-${Date.now()}@example.com`;
const tokens = await signUpAndSignIn(anonymous, email, "correct horse battery");
const phone = connect(baseUrl, tokens.access_token);
const laptop = connect(baseUrl, tokens.access_token);
const onPhone = new SessionMirror();
const onLaptop = new SessionMirror();
await planAndLog(phone, "knee-rolls");
await onPhone.sync(phone);
await onLaptop.sync(laptop);
await planAndLog(laptop, "knee-rolls");
await planAndLog(laptop, "cat-camel");
const deleted = await logAndDelete(phone, "knee-rolls");
const [first] = onLaptop.sessions.keys();
await laptop.DELETE("/v1/progress/sessions/{session_id}", {
  params: { path: { session_id: first ?? "" } },
});
await onPhone.sync(phone);
await onLaptop.sync(laptop);

// A warning sign in a signed-in recommendation puts exercise on hold until the person says
// they were seen.
await phone.POST("/v1/recommendations", {
  body: { area: "lower", pain_level: 4, red_flags: ["fever_or_unwell"], cautions: [] },
});
const held = await today(phone);
const localToday = new Date().toISOString().slice(0, 10);
const after = await seen(phone, localToday);

console.log(
  JSON.stringify({
    curated: curated.map((routine) => routine.slug),
    head: headCode,
    etag,
    steps: steps.length,
    revalidated: unchanged,
    stills: pictures?.stills.map((still) => [still.step, still.alt.length > 0]) ?? [],
    png: [png.status, png.headers.get("Content-Type"), png.headers.get("Cache-Control")],
    routineThumbnail,
    phone: [...onPhone.sessions.keys()].sort(),
    laptop: [...onLaptop.sessions.keys()].sort(),
    deleted: [deleted, first],
    held: held.guidance,
    after: [after.status, after.exercise],
  }),
);
