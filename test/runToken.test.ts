// signRunToken and verifyRunToken (jose), and their agreement with OPA across
// implementations: tokens OPA signs verify with verifyRunToken, tokens jose
// signs verify in OPA.
import assert from "node:assert/strict";
import { createPrivateKey } from "node:crypto";
import { describe, test } from "node:test";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { renderInitializationPolicy } from "../components/policy/initializationPolicy";
import { SignedRunsInputError } from "../components/schema/inputError";
import { tokenHeaderSegment } from "../components/runToken/contract";
import { signRunToken, verifyRunToken } from "../components/runToken/runToken";
import { assertAllowedEverywhere, evaluateQuery, opaEngines } from "./support/opa";
import {
  COMMIT,
  ES_KEY,
  ES_SIGNING_KEY,
  HS_KEY,
  HS_SECRET,
  POLICY_OPTIONS,
  claims,
  launcherInput,
  nowSeconds,
} from "./support/runTokenCases";

const base = { key: HS_KEY, commitSha: COMMIT, stack: "web-prod", runType: "TRACKED", branch: "main" } as const;

// A helper module, so OPA signs with its own io.jwt.encode_sign.
const OPA_SIGNER = `package signed_runs_test

import rego.v1

token := io.jwt.encode_sign(input.header, input.claims, input.jwk)

verified := io.jwt.decode_verify(input.token, input.constraints)
`;

describe("signRunToken", () => {
  test("writes the contract's header and claims", async () => {
    const token = await signRunToken({ ...base, now: 1_800_000_000, lifetimeSeconds: 900, issuer: "ci.example" });
    assert.deepEqual(decodeProtectedHeader(token), { alg: "HS256", kid: "hs-1", typ: "JWT" });
    // Byte for byte the header the policy lists in trusted_kids_by_header, so the policy need not decode it.
    assert.equal(token.split(".")[0], tokenHeaderSegment("HS256", "hs-1"));
    assert.deepEqual(decodeJwt(token), {
      sub: COMMIT,
      spacelift_stack: "web-prod",
      run_type: "TRACKED",
      branch: "main",
      iss: "ci.example",
      iat: 1_800_000_000,
      nbf: 1_800_000_000,
      exp: 1_800_000_900,
    });
  });

  test("defaults: iss github-actions, lifetime 3600 s, now", async () => {
    const before = nowSeconds();
    const claimsSet = decodeJwt(await signRunToken(base));
    assert.equal(claimsSet.iss, "github-actions");
    assert.equal(claimsSet.exp! - claimsSet.nbf!, 3600);
    assert.ok(claimsSet.nbf! >= before && claimsSet.nbf! <= nowSeconds());
  });

  test("ES256 tokens carry a raw 64-byte r||s signature", async () => {
    const token = await signRunToken({ ...base, key: ES_SIGNING_KEY });
    assert.equal(decodeProtectedHeader(token).alg, "ES256");
    assert.equal(token.split(".")[0], tokenHeaderSegment("ES256", ES_SIGNING_KEY.kid));
    assert.equal(Buffer.from(token.split(".")[2], "base64url").length, 64);
  });

  const invalid: Array<{ name: string; options: Record<string, unknown>; field: string }> = [
    { name: "short commit", options: { commitSha: COMMIT.slice(0, 7) }, field: "commitSha" },
    { name: "upper-case commit", options: { commitSha: COMMIT.toUpperCase() }, field: "commitSha" },
    { name: "stack that is not a slug", options: { stack: "Web Prod" }, field: "stack" },
    { name: "unknown run type", options: { runType: "DESTROY" }, field: "runType" },
    { name: "empty branch", options: { branch: "" }, field: "branch" },
    { name: "lifetime above 24 h", options: { lifetimeSeconds: 86401 }, field: "lifetimeSeconds" },
    { name: "bad kid", options: { key: { ...HS_KEY, kid: "no spaces" } }, field: "key.kid" },
    { name: "short secret", options: { key: { ...HS_KEY, secret: "short-secret" } }, field: "key.secret" },
    {
      name: "unparsable private key",
      options: { key: { ...ES_SIGNING_KEY, privateKeyPem: "nope" } },
      field: "key.privateKeyPem",
    },
    {
      name: "public key given as private key",
      options: { key: { ...ES_SIGNING_KEY, privateKeyPem: ES_KEY.publicKeyPem } },
      field: "key.privateKeyPem",
    },
  ];
  for (const { name, options, field } of invalid) {
    test(`rejects: ${name}`, async () => {
      await assert.rejects(
        signRunToken({ ...base, ...options } as Parameters<typeof signRunToken>[0]),
        (error: unknown) => {
          assert.ok(error instanceof SignedRunsInputError, String(error));
          assert.equal(error.field, field);
          assert.ok(!error.message.includes(HS_SECRET) && !error.message.includes("short-secret"), error.message);
          return true;
        },
      );
    });
  }
});

describe("verifyRunToken", () => {
  test("checks exp and nbf against the given clock", async () => {
    const minted = 1_800_000_000;
    const input = launcherInput([await signRunToken({ ...base, now: minted, lifetimeSeconds: 600 })]);
    assert.equal((await verifyRunToken(input, POLICY_OPTIONS, minted)).allowed, true);
    assert.equal((await verifyRunToken(input, POLICY_OPTIONS, minted + 599)).allowed, true);
    assert.deepEqual((await verifyRunToken(input, POLICY_OPTIONS, minted + 600)).deny, [
      "metadata entry 0: token is expired or not yet valid (exp/nbf)",
      "no valid signed token in run metadata (1 checked)",
    ]);
    assert.equal((await verifyRunToken(input, POLICY_OPTIONS, minted - 1)).allowed, false);
  });

  test("validates the policy options like the renderer", async () => {
    await assert.rejects(verifyRunToken(launcherInput([]), { trustedKeys: [] }), SignedRunsInputError);
  });
});

describe("across implementations", () => {
  const jwk = {
    HS256: { kty: "oct", k: Buffer.from(HS_SECRET).toString("base64url") },
    ES256: createPrivateKey(ES_KEY.privateKeyPem).export({ format: "jwk" }),
  };
  for (const engine of opaEngines()) {
    for (const alg of ["HS256", "ES256"] as const) {
      test(`${engine.name}: a ${alg} token from io.jwt.encode_sign passes verifyRunToken and the rendered policy`, async () => {
        const stack = alg === "HS256" ? "web-prod" : "payments-prod";
        const kid = alg === "HS256" ? "hs-1" : "es-1";
        const token = evaluateQuery(engine, OPA_SIGNER, "data.signed_runs_test.token", {
          header: { alg, kid, typ: "JWT" },
          claims: claims({ spacelift_stack: stack }),
          jwk: jwk[alg],
        });
        assert.equal(typeof token, "string");
        const input = launcherInput([token], { stack });
        assert.deepEqual(await verifyRunToken(input, POLICY_OPTIONS), { allowed: true, deny: [] });
        assertAllowedEverywhere(renderInitializationPolicy(POLICY_OPTIONS), input);
      });

      test(`${engine.name}: io.jwt.decode_verify accepts a ${alg} token from signRunToken with the key's pinned algorithm`, async () => {
        const token = await signRunToken({ ...base, key: alg === "HS256" ? HS_KEY : ES_SIGNING_KEY });
        const constraints = alg === "HS256" ? { alg, secret: HS_SECRET } : { alg, cert: ES_KEY.publicKeyPem };
        const [valid, header, payload] = evaluateQuery(engine, OPA_SIGNER, "data.signed_runs_test.verified", {
          token,
          constraints,
        }) as [boolean, unknown, unknown];
        assert.equal(valid, true);
        assert.deepEqual(header, decodeProtectedHeader(token));
        assert.deepEqual(payload, decodeJwt(token));
        const wrongAlg = evaluateQuery(engine, OPA_SIGNER, "data.signed_runs_test.verified", {
          token,
          constraints: { ...constraints, alg: alg === "HS256" ? "HS512" : "ES384" },
        }) as [boolean];
        assert.equal(wrongAlg[0], false);
      });
    }
  }
});
