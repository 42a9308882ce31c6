// Fail closed, by construction: 150 seeded random launcher inputs mixing
// garbage entries, tokens with one thing wrong and broken run environments.
// A run is allowed exactly when an unaltered valid token sits in an unaltered
// run, on every engine, and verifyRunToken gives the same messages.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { renderInitializationPolicy } from "../components/policy/initializationPolicy";
import { verifyRunToken, type LauncherInput } from "../components/runToken/runToken";
import { evaluateDenyBatch, opaEngines } from "./support/opa";
import {
  COMMIT,
  HS_SECRET,
  OTHER_COMMIT,
  OTHER_HS_SECRET,
  POLICY_OPTIONS,
  PROPOSED_KEY,
  STAGING_KEY,
  claims,
  handMadeToken,
  hmac,
  launcherInput,
  nowSeconds,
  token,
} from "./support/runTokenCases";

/** mulberry32: a small seeded PRNG, so every run tests the same inputs. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("fail closed on random inputs", async () => {
  const now = nowSeconds();
  const valid = await token();
  const header = { alg: "HS256", kid: "hs-1", typ: "JWT" };
  const sign = (payload: Record<string, unknown>, h: Record<string, unknown> = header, secret = HS_SECRET) =>
    handMadeToken(h, payload, hmac("sha256", secret));
  // Each one wrong in exactly one way.
  const badTokens = [
    await token({ stack: "web-dev" }),
    await token({ commitSha: OTHER_COMMIT }),
    await token({ key: PROPOSED_KEY }),
    await token({ key: STAGING_KEY }),
    await token({ runType: "PROPOSED" }),
    await token({ issuer: "someone-else" }),
    await token({ lifetimeSeconds: 3601 }),
    await token({ now: now - 4000 }),
    await token({ key: { kid: "hs-1", algorithm: "HS256", secret: OTHER_HS_SECRET } }),
    await token({ key: { kid: "nope", algorithm: "HS256", secret: HS_SECRET } }),
    sign(claims({ exp: undefined }, now)),
    sign(claims({ nbf: undefined }, now)),
    sign(claims({ nbf: now + 300, exp: now + 900 }, now)),
    sign(claims({}, now), { ...header, alg: "HS384" }),
    sign(claims({}, now), { alg: "HS256" }),
    sign(claims({ sub: COMMIT.toUpperCase() }, now)),
    `${valid.slice(0, -2)}AA`,
    `${valid.split(".")[0]}.${Buffer.from(JSON.stringify(claims({ run_type: "TASK" }, now))).toString("base64url")}.${valid.split(".")[2]}`,
  ];
  const garbage: unknown[] = [
    "",
    "confirmed",
    "a.b.c",
    "x.y.",
    "..",
    0,
    -1,
    3.5,
    true,
    false,
    null,
    {},
    [],
    { token: valid },
    [valid],
    `${valid} `,
    ` ${valid}`,
    `${valid}.x`,
  ];
  const breakEnv: Array<(input: LauncherInput) => void> = [
    (input) => delete input.static_run_environment!.stack_slug,
    (input) => delete input.static_run_environment!.run_type,
    (input) => (input.static_run_environment!.run_type = "PROPOSED"),
    (input) => {
      delete input.static_run_environment!.commit_sha;
      delete input.run!.commit;
    },
    (input) => {
      // An empty commit counts as no commit.
      input.static_run_environment!.commit_sha = "";
      delete input.run!.commit;
    },
    (input) => (input.static_run_environment!.stack_slug = "web-dev"),
    (input) => (input.static_run_environment!.stack_slug = "web-staging"),
    (input) => (input.run!.commit = { hash: OTHER_COMMIT }),
    (input) => delete input.static_run_environment,
  ];

  const random = prng(20261125);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const cases: Array<{ input: unknown; allowed: boolean; label: string }> = [];
  for (let n = 0; n < 150; n++) {
    const entries: unknown[] = [];
    const count = Math.floor(random() * 5);
    for (let k = 0; k < count; k++) entries.push(random() < 0.5 ? pick(garbage) : pick(badTokens));
    const withValid = random() < 0.4;
    if (withValid) entries.splice(Math.floor(random() * (entries.length + 1)), 0, valid);
    const input = launcherInput(entries, { commitHash: random() < 0.5 ? COMMIT : undefined });
    const broken = random() < 0.3;
    if (broken) pick(breakEnv)(input);
    const metadataShape = random();
    if (metadataShape < 0.05) delete input.run!.user_provided_metadata;
    else if (metadataShape < 0.1) input.run!.user_provided_metadata = pick(garbage);
    const allowed = withValid && !broken && metadataShape >= 0.1;
    cases.push({
      input,
      allowed,
      label: `case ${n}: ${entries.length} entries, ${withValid ? "with" : "without"} the valid token${broken ? ", broken run" : ""}${metadataShape < 0.1 ? ", broken metadata" : ""}`,
    });
  }

  test("the inputs cover both answers", () => {
    assert.ok(cases.filter((c) => c.allowed).length >= 20);
    assert.ok(cases.filter((c) => !c.allowed).length >= 80);
  });

  const policy = renderInitializationPolicy(POLICY_OPTIONS);
  for (const engine of opaEngines()) {
    test(`${engine.name}: allowed exactly when the valid token is there, and verifyRunToken agrees`, async () => {
      const results = evaluateDenyBatch(
        engine,
        policy,
        cases.map((c) => c.input),
      );
      for (const [index, { input, allowed, label }] of cases.entries()) {
        const deny = results[index];
        assert.equal(deny.length === 0, allowed, `${label}: ${JSON.stringify(deny)} ${JSON.stringify(input)}`);
        assert.deepEqual(
          (await verifyRunToken(input as LauncherInput, POLICY_OPTIONS, nowSeconds())).deny,
          deny,
          `${label}: verifyRunToken disagrees`,
        );
      }
    });
  }
});
