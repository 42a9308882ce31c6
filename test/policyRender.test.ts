// renderInitializationPolicy: input validation (errors name the field, never a
// secret), deterministic output, and rendered text that every OPA engine
// formats, checks and loads with exactly the values given.
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { SignedRunsInputError } from "../components/schema/inputError";
import {
  INITIALIZATION_POLICY_TEMPLATE_PATH,
  renderInitializationPolicy,
  type InitializationPolicyOptions,
  type RepositoryGrant,
  type TrustedKey,
} from "../components/policy/initializationPolicy";
import { signRunToken, verifyRunToken } from "../components/runToken/runToken";
import {
  assertAllowedEverywhere,
  assertDeniedEverywhere,
  evaluateQuery,
  opaEngines,
  runOpaOk,
  spaceliftCapabilitiesFile,
  writeScratch,
} from "./support/opa";
import { COMMIT, ES_KEY, HS_SECRET, OTHER_ES_KEY, POLICY_OPTIONS, launcherInput } from "./support/runTokenCases";

const SECRET_WITH_QUOTES = `q"uo\\te's {braces} \${dollar} # not a comment ${"x".repeat(8)}`;
const SHORT_SECRET = "0123456789abcdefghijklmnopqrstu"; // 31 bytes
const PRIVATE_PEM_BODY_LINE = ES_KEY.privateKeyPem.split("\n")[1];

function hsKey(overrides: Partial<Record<string, unknown>> = {}): TrustedKey {
  return {
    kid: "hs-1",
    algorithm: "HS256",
    secret: HS_SECRET,
    stacks: ["web-prod"],
    runTypes: ["TRACKED", "TASK"],
    ...overrides,
  } as TrustedKey;
}
function grant(repository: string, stacks: string[], trustedKeys: TrustedKey[]): RepositoryGrant {
  return { repository, stacks, trustedKeys };
}
function esKey(overrides: Partial<Record<string, unknown>> = {}): TrustedKey {
  return {
    kid: "es-1",
    algorithm: "ES256",
    publicKeyPem: ES_KEY.publicKeyPem,
    stacks: ["payments-prod"],
    runTypes: ["PROPOSED"],
    ...overrides,
  } as TrustedKey;
}

const invalid: Array<{ name: string; options: unknown; field: string; secrets?: string[]; fix?: RegExp }> = [
  { name: "no options", options: undefined, field: "options" },
  { name: "no trustedKeys", options: {}, field: "trustedKeys" },
  { name: "empty trustedKeys", options: { trustedKeys: [] }, field: "trustedKeys" },
  { name: "duplicate kid", options: { trustedKeys: [hsKey(), esKey({ kid: "hs-1" })] }, field: "trustedKeys" },
  { name: "bad kid", options: { trustedKeys: [hsKey({ kid: "bad kid!" })] }, field: "trustedKeys[0].kid" },
  {
    name: "unsupported algorithm",
    options: { trustedKeys: [hsKey({ algorithm: "HS512" })] },
    field: "trustedKeys[0].algorithm",
  },
  { name: "empty stacks", options: { trustedKeys: [hsKey({ stacks: [] })] }, field: "trustedKeys[0].stacks" },
  {
    name: "stack that is not a slug",
    options: { trustedKeys: [esKey(), hsKey({ kid: "hs-2", stacks: ["web-prod", "Web Prod"] })] },
    field: "trustedKeys[1].stacks[1]",
  },
  {
    name: "duplicate stack",
    options: { trustedKeys: [hsKey({ stacks: ["a", "a"] })] },
    field: "trustedKeys[0].stacks",
  },
  {
    name: "secret of 31 bytes",
    options: { trustedKeys: [hsKey({ secret: SHORT_SECRET })] },
    field: "trustedKeys[0].secret",
    secrets: [SHORT_SECRET],
  },
  { name: "secret missing", options: { trustedKeys: [hsKey({ secret: undefined })] }, field: "trustedKeys[0].secret" },
  {
    name: "secret with a control character",
    options: { trustedKeys: [hsKey({ secret: `${HS_SECRET}\u0001` })] },
    field: "trustedKeys[0].secret",
    secrets: [HS_SECRET],
  },
  {
    name: "secret beside an ES256 key",
    options: { trustedKeys: [esKey({ secret: HS_SECRET })] },
    field: "trustedKeys[0].secret",
    secrets: [HS_SECRET],
  },
  {
    name: "publicKeyPem on an HS256 key",
    options: { trustedKeys: [hsKey({ publicKeyPem: ES_KEY.publicKeyPem })] },
    field: "trustedKeys[0].publicKeyPem",
    secrets: [HS_SECRET],
  },
  {
    name: "private key as publicKeyPem",
    options: { trustedKeys: [esKey({ publicKeyPem: ES_KEY.privateKeyPem })] },
    field: "trustedKeys[0].publicKeyPem",
    secrets: [PRIVATE_PEM_BODY_LINE],
  },
  {
    name: "P-384 public key",
    options: {
      trustedKeys: [
        esKey({
          publicKeyPem: generateKeyPairSync("ec", { namedCurve: "secp384r1" }).publicKey.export({
            type: "spki",
            format: "pem",
          }),
        }),
      ],
    },
    field: "trustedKeys[0].publicKeyPem",
  },
  {
    name: "RSA public key",
    options: {
      trustedKeys: [
        esKey({
          publicKeyPem: generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({
            type: "spki",
            format: "pem",
          }),
        }),
      ],
    },
    field: "trustedKeys[0].publicKeyPem",
  },
  {
    name: "PEM that does not parse",
    options: {
      trustedKeys: [esKey({ publicKeyPem: "-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----\n" })],
    },
    field: "trustedKeys[0].publicKeyPem",
  },
  {
    name: "lifetime 59 s",
    options: { trustedKeys: [hsKey()], maxTokenLifetimeSeconds: 59 },
    field: "maxTokenLifetimeSeconds",
    secrets: [HS_SECRET],
  },
  {
    name: "lifetime 86401 s",
    options: { trustedKeys: [hsKey()], maxTokenLifetimeSeconds: 86401 },
    field: "maxTokenLifetimeSeconds",
  },
  {
    name: "fractional lifetime",
    options: { trustedKeys: [hsKey()], maxTokenLifetimeSeconds: 3600.5 },
    field: "maxTokenLifetimeSeconds",
  },
  {
    name: "lifetime as a string",
    options: { trustedKeys: [hsKey()], maxTokenLifetimeSeconds: "3600" },
    field: "maxTokenLifetimeSeconds",
  },
  { name: "empty issuer", options: { trustedKeys: [hsKey()], issuer: "" }, field: "issuer" },
  { name: "issuer not a string", options: { trustedKeys: [hsKey()], issuer: 7 }, field: "issuer" },
  {
    name: "sample with an HS256 key and no acknowledgement",
    options: { trustedKeys: [esKey(), hsKey()], sample: true },
    field: "sample",
    secrets: [HS_SECRET],
  },
  { name: "sample not a boolean", options: { trustedKeys: [esKey()], sample: "yes" }, field: "sample" },
  {
    name: "one HS256 secret under two kids (its holder could sign with the stacks and run types of either)",
    options: {
      trustedKeys: [
        hsKey({ kid: "acme.billing:proposed:1", runTypes: ["PROPOSED"] }),
        hsKey({ kid: "acme.billing:tracked:main:1" }),
      ],
    },
    field: "trustedKeys",
  },
  {
    name: "one ES256 public key under the kids of two repositories",
    options: {
      trustedKeys: [
        esKey({ kid: "acme.billing:1", stacks: ["billing-prod"] }),
        esKey({ kid: "acme.search:1", stacks: ["search-prod"] }),
      ],
    },
    field: "trustedKeys",
  },
  {
    name: "problem 2: a key without runTypes (the old shape)",
    options: { trustedKeys: [hsKey({ runTypes: undefined })] },
    field: "trustedKeys[0].runTypes",
    fix: /runTypes: \["PROPOSED"\]/,
  },
  { name: "empty runTypes", options: { trustedKeys: [hsKey({ runTypes: [] })] }, field: "trustedKeys[0].runTypes" },
  {
    name: "an unknown run type",
    options: { trustedKeys: [hsKey({ runTypes: ["TRACKED", "DESTROY"] })] },
    field: "trustedKeys[0].runTypes[1]",
  },
  {
    name: "a run type twice",
    options: { trustedKeys: [hsKey({ runTypes: ["TASK", "TASK"] })] },
    field: "trustedKeys[0].runTypes",
  },
  {
    name: "problem 3: a stack granted to two repositories",
    options: {
      repositories: [
        grant("acme/billing", ["billing-prod"], [hsKey({ stacks: ["billing-prod"] })]),
        grant("acme/search", ["search-prod", "billing-prod"], [esKey({ stacks: ["search-prod"] })]),
      ],
    },
    field: "repositories[1].stacks[1]",
    fix: /grant each stack to one repository only/,
  },
  {
    name: "a grant whose repository is not owner/name",
    options: { repositories: [grant("billing", ["billing-prod"], [hsKey({ stacks: ["billing-prod"] })])] },
    field: "repositories[0].repository",
  },
  {
    name: "a repository granted twice",
    options: {
      repositories: [
        grant("acme/billing", ["a"], [hsKey({ stacks: ["a"] })]),
        grant("Acme/Billing", ["b"], [esKey({ stacks: ["b"] })]),
      ],
    },
    field: "repositories[1].repository",
  },
  {
    name: "a grant with no stacks",
    options: { repositories: [grant("acme/billing", [], [hsKey()])] },
    field: "repositories[0].stacks",
  },
  {
    name: "a grant with no keys",
    options: { repositories: [grant("acme/billing", ["web-prod"], [])] },
    field: "repositories[0].trustedKeys",
  },
  {
    name: "a granted key that lists none of the grant's stacks",
    options: { repositories: [grant("acme/billing", ["billing-prod"], [hsKey({ stacks: ["web-prod"] })])] },
    field: "repositories[0].trustedKeys[0].stacks",
  },
  {
    name: "an old-shaped key in a grant (no runTypes)",
    options: { repositories: [grant("acme/billing", ["web-prod"], [hsKey({ runTypes: undefined })])] },
    field: "repositories[0].trustedKeys[0].runTypes",
    fix: /runTypes/,
  },
  {
    name: "an unknown grant field",
    options: { repositories: [{ ...grant("acme/billing", ["web-prod"], [hsKey()]), branch: "main" }] },
    field: "repositories[0].branch",
  },
  {
    name: "a kid under a grant and among the direct keys",
    options: { repositories: [grant("acme/billing", ["web-prod"], [hsKey()])], trustedKeys: [esKey({ kid: "hs-1" })] },
    field: "trustedKeys",
  },
  {
    name: "misspelt option",
    options: { trustedKeys: [hsKey()], maxTokenLifetime: 600 },
    field: "maxTokenLifetime",
    secrets: [HS_SECRET],
  },
];

describe("renderInitializationPolicy validation", () => {
  for (const { name, options, field, secrets = [], fix } of invalid) {
    test(`rejects: ${name}`, () => {
      assert.throws(
        () => renderInitializationPolicy(options as InitializationPolicyOptions),
        (error: unknown) => {
          assert.ok(error instanceof SignedRunsInputError, `a SignedRunsInputError, got ${String(error)}`);
          assert.equal(error.field, field);
          assert.ok(error.message.startsWith(`${field}: `), error.message);
          assert.match(error.message, /Fix: \S/);
          if (fix !== undefined) assert.match(error.message, fix);
          for (const secret of [HS_SECRET, ...secrets])
            assert.ok(!error.message.includes(secret), `the message leaks a secret: ${error.message}`);
          return true;
        },
      );
    });
  }

  test("accepts the boundaries: 60 s, 86400 s, a 32-byte secret", () => {
    for (const maxTokenLifetimeSeconds of [60, 86400]) {
      assert.match(
        renderInitializationPolicy({ trustedKeys: [hsKey()], maxTokenLifetimeSeconds }),
        new RegExp(`^\t"max_lifetime_seconds": ${maxTokenLifetimeSeconds},$`, "m"),
      );
    }
    assert.ok(
      renderInitializationPolicy({ trustedKeys: [hsKey({ secret: `${SHORT_SECRET}v` })] }).includes(
        `"${SHORT_SECRET}v"`,
      ),
    );
  });

  test("nothing is read from a kid's shape: two unrelated kids may list the same stack", () => {
    const text = renderInitializationPolicy({
      trustedKeys: [hsKey({ kid: "acme.billing:2026-05" }), esKey({ kid: "other", stacks: ["web-prod"] })],
    });
    assert.match(text, /"acme\.billing:2026-05"/);
    assert.match(text, /"other"/);
  });

  test("sample: absent by default, allowed with ES256 keys only, or with the acknowledgement", () => {
    assert.doesNotMatch(renderInitializationPolicy({ trustedKeys: [esKey()] }), /^sample/m);
    assert.match(renderInitializationPolicy({ trustedKeys: [esKey()], sample: true }), /^sample := true$/m);
    assert.match(
      renderInitializationPolicy({ trustedKeys: [hsKey()], sample: true, acknowledgeSampleLogsSecret: true }),
      /^sample := true$/m,
    );
    assert.doesNotMatch(
      renderInitializationPolicy({ trustedKeys: [hsKey()], sample: false, acknowledgeSampleLogsSecret: true }),
      /^sample/m,
    );
  });
});

describe("renderInitializationPolicy output", () => {
  test("is deterministic and independent of key and stack order", () => {
    const a = renderInitializationPolicy({
      trustedKeys: [hsKey({ stacks: ["web-prod", "web-dev"] }), esKey()],
      issuer: "github-actions",
    });
    const b = renderInitializationPolicy({
      trustedKeys: [esKey(), hsKey({ stacks: ["web-dev", "web-prod"] })],
      issuer: "github-actions",
    });
    assert.equal(a, b);
    assert.equal(
      a,
      renderInitializationPolicy({
        trustedKeys: [hsKey({ stacks: ["web-prod", "web-dev"] }), esKey()],
        issuer: "github-actions",
      }),
    );
    assert.notEqual(
      a,
      renderInitializationPolicy({ trustedKeys: [hsKey({ stacks: ["web-prod", "web-dev"] }), esKey()] }),
    );
  });

  test("a PEM with CRLF line endings renders as the same LF PEM", () => {
    const crlf = renderInitializationPolicy({
      trustedKeys: [esKey({ publicKeyPem: ES_KEY.publicKeyPem.replace(/\n/g, "\r\n") })],
    });
    assert.equal(crlf, renderInitializationPolicy({ trustedKeys: [esKey()] }));
  });

  test("fills the template and nothing else", () => {
    const template = readFileSync(INITIALIZATION_POLICY_TEMPLATE_PATH, "utf8");
    const rendered = renderInitializationPolicy({ trustedKeys: [hsKey()] });
    assert.match(template, /^trusted_keys := \{\}$/m);
    assert.doesNotMatch(rendered, /^trusted_keys := \{\}$/m);
    assert.match(template, /^trusted_kids_by_header := \{\}$/m);
    assert.doesNotMatch(rendered, /^trusted_kids_by_header := \{\}$/m);
    const unchanged = (text: string) => text.slice(text.indexOf("# A compact JWS"));
    assert.equal(unchanged(rendered), unchanged(template));
  });

  test("holds no secret material with ES256 keys only", () => {
    const rendered = renderInitializationPolicy({ trustedKeys: [esKey()] });
    assert.ok(!rendered.includes(PRIVATE_PEM_BODY_LINE));
    assert.doesNotMatch(rendered, /"secret":/);
  });

  const variants: Array<{ name: string; options: InitializationPolicyOptions }> = [
    { name: "one HS256 key", options: { trustedKeys: [hsKey()] } },
    {
      name: "one ES256 key with issuer and sample",
      options: { trustedKeys: [esKey()], issuer: "github-actions", sample: true, maxTokenLifetimeSeconds: 900 },
    },
    { name: "the test table's keys", options: POLICY_OPTIONS },
    {
      name: "a secret full of Rego syntax",
      options: {
        trustedKeys: [hsKey({ secret: SECRET_WITH_QUOTES })],
        sample: true,
        acknowledgeSampleLogsSecret: true,
      },
    },
    {
      name: "40 keys",
      // Several kids share a stack; each has its own key material.
      options: {
        trustedKeys: Array.from({ length: 40 }, (_, i) =>
          i % 2
            ? hsKey({ kid: `acme.shared:hs-${i}`, secret: `${HS_SECRET}-${i}`, stacks: [`stack-${i}`, "shared"] })
            : esKey({
                kid: `acme.es:es-${i}`,
                publicKeyPem: generateKeyPairSync("ec", { namedCurve: "prime256v1" }).publicKey.export({
                  type: "spki",
                  format: "pem",
                }),
                stacks: [`stack-${i}`],
              }),
        ),
      },
    },
  ];

  for (const engine of opaEngines()) {
    for (const { name, options } of variants) {
      test(`${engine.name}: ${name}: opa fmt clean, opa check --strict clean, loads the values given`, () => {
        const text = renderInitializationPolicy(options);
        const file = writeScratch(text);
        assert.equal(runOpaOk(engine, "fmt", ["--diff", file]), "", "opa fmt would change the rendered policy");
        runOpaOk(engine, "check", ["--strict", "--capabilities", spaceliftCapabilitiesFile(engine), file]);
        const loaded = evaluateQuery(engine, text, "data.spacelift", {}) as Record<string, unknown>;
        const expectedKeys = Object.fromEntries(
          (options.trustedKeys ?? []).map((key) => [
            key.kid,
            {
              constraints:
                key.algorithm === "HS256"
                  ? { alg: "HS256", secret: key.secret }
                  : { alg: "ES256", cert: key.publicKeyPem },
              // Every key carries the run-wide rules; no issuer asked for, no iss field.
              ...(options.issuer === undefined ? {} : { iss: options.issuer }),
              max_lifetime_seconds: options.maxTokenLifetimeSeconds ?? 3600,
              stacks: [...key.stacks].sort(),
              run_types: [...key.runTypes].sort(),
            },
          ]),
        );
        assert.deepEqual(loaded.trusted_keys, expectedKeys);
        // Each key's header as its signers write it, and nothing else: decoded, it names that key and its alg.
        const kidsByHeader = loaded.trusted_kids_by_header as Record<string, string>;
        assert.deepEqual(
          new Map(
            Object.entries(kidsByHeader).map(([header, kid]) => [kid, Buffer.from(header, "base64url").toString()]),
          ),
          new Map(
            (options.trustedKeys ?? []).map((key) => [
              key.kid,
              JSON.stringify({ alg: key.algorithm, kid: key.kid, typ: "JWT" }),
            ]),
          ),
        );
        assert.equal(loaded.sample, options.sample ? true : undefined);
      });
    }
  }
});

describe("grants: the pool owner decides which repository signs for which stack", () => {
  // billing's key claims search-prod too, and its kid is made to look like search's.
  const billingKey = hsKey({
    kid: "acme.search:tracked:main:1",
    stacks: ["billing-prod", "search-prod"],
    runTypes: ["TRACKED", "TASK"],
  });
  const searchKey = esKey({
    kid: "acme.search:tracked:main:2",
    publicKeyPem: OTHER_ES_KEY.publicKeyPem,
    stacks: ["search-prod"],
    runTypes: ["TRACKED", "TASK"],
  });
  const options: InitializationPolicyOptions = {
    repositories: [
      grant("acme/billing", ["billing-prod"], [billingKey]),
      grant("acme/search", ["search-prod"], [searchKey]),
    ],
  };
  const billingSigner = { kid: billingKey.kid, algorithm: "HS256", secret: HS_SECRET } as const;

  test("problem 3: a repository's key is not trusted for a stack its grant does not list, whatever the key or its kid claims", async () => {
    const policy = renderInitializationPolicy(options);
    const loaded = evaluateQuery(opaEngines()[0], policy, "data.spacelift.trusted_keys", {}) as Record<
      string,
      { stacks: string[] }
    >;
    assert.deepEqual(loaded[billingKey.kid].stacks, ["billing-prod"]);
    const forSearch = launcherInput(
      [
        await signRunToken({
          key: billingSigner,
          commitSha: COMMIT,
          stack: "search-prod",
          runType: "TRACKED",
          branch: "main",
        }),
      ],
      { stack: "search-prod" },
    );
    const expected = `metadata entry 0: key "${billingKey.kid}" may not sign for stack "search-prod"`;
    assertDeniedEverywhere(policy, forSearch, expected);
    assert.ok((await verifyRunToken(forSearch, options)).deny.includes(expected), "verifyRunToken agrees");
    const forBilling = launcherInput(
      [
        await signRunToken({
          key: billingSigner,
          commitSha: COMMIT,
          stack: "billing-prod",
          runType: "TRACKED",
          branch: "main",
        }),
      ],
      { stack: "billing-prod" },
    );
    assertAllowedEverywhere(policy, forBilling);
    assert.equal((await verifyRunToken(forBilling, options)).allowed, true);
  });

  test("grants and direct keys render the same policy as the keys with the granted stacks", () => {
    const direct = renderInitializationPolicy({
      trustedKeys: [{ ...billingKey, stacks: ["billing-prod"] }, searchKey],
    });
    assert.equal(renderInitializationPolicy(options), direct);
  });
});
