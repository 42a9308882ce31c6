/**
 * The scenarios `npm run bench:policy` measures: allowed and denied runs with
 * 1 to 1000 trusted keys, and the hostile metadata of issue 8 (a 1 MiB entry,
 * 5,000 entries, a 200 KB alg, and the worst the bounds still admit). Each
 * carries the decision it must reach; test/policyBench.test.ts evaluates every
 * scenario once, without timing, so the bench cannot silently stop running.
 */
import { renderInitializationPolicy, type TrustedKey } from "../components/policy/initializationPolicy";
import { signRunToken, type LauncherInput, type RunSigningKey } from "../components/runToken/runToken";
import { COMMIT, ES_KEY, claims, handMadeToken, launcherInput } from "../test/support/runTokenCases";

export const BENCH_SECRET = "bench-secret-0123456789abcdefghijklmnopqrstuvwxyz";

export interface PolicyScenario {
  name: string;
  policy: string;
  input: LauncherInput;
  /** "allow", or a pattern one deny message must match. */
  expect: "allow" | RegExp;
  /** Whether Spacelift's reference policy can read this input's token (it knows one HS256 secret and reads entry 0). */
  referenceApplies: boolean;
  /** Hostile metadata: must decide within HOSTILE_BUDGET_MS. */
  hostile: boolean;
}

/** Issue 8: each hostile case decides in under 50 ms on OPA 0.70 and 1.x. */
export const HOSTILE_BUDGET_MS = 50;

function hsKeys(count: number): TrustedKey[] {
  // The token is signed by the last kid, so a lookup cannot get lucky with order.
  return Array.from({ length: count }, (_, i) => ({
    kid: `key-${String(i).padStart(3, "0")}`,
    algorithm: "HS256" as const,
    secret: i === count - 1 ? BENCH_SECRET : `${BENCH_SECRET}-${i}`,
    stacks: [`stack-${i}`, "web-prod"],
    runTypes: ["TRACKED", "PROPOSED", "TASK"] as const,
  })).map((key) => ({ ...key, runTypes: [...key.runTypes] }));
}

function sign(kid: string, stack = "web-prod"): Promise<string> {
  const key: RunSigningKey = { kid, algorithm: "HS256", secret: BENCH_SECRET };
  return signRunToken({ key, commitSha: COMMIT, stack, runType: "TRACKED", branch: "main" });
}

function b64url(value: string): string {
  return Buffer.from(value).toString("base64url");
}

export async function policyScenarios(): Promise<PolicyScenario[]> {
  const run = { commitHash: COMMIT };
  const list: PolicyScenario[] = [];
  for (const count of [1, 10, 100]) {
    const keys = hsKeys(count);
    const kid = keys[count - 1].kid;
    const policy = renderInitializationPolicy({ trustedKeys: keys, issuer: "github-actions" });
    const plural = count > 1 ? "s" : "";
    list.push({
      name: `${count} HS256 key${plural}, valid token`,
      policy,
      input: launcherInput([await sign(kid)], run),
      expect: "allow",
      referenceApplies: true,
      hostile: false,
    });
    list.push({
      name: `${count} HS256 key${plural}, token for another stack`,
      policy,
      input: launcherInput([await sign(kid, "stack-0")], run),
      expect: /token is for stack "stack-0"/,
      referenceApplies: true,
      hostile: false,
    });
  }
  // The shape of one shared pool serving 1000 repositories: allowed path only.
  const thousand = hsKeys(1000);
  list.push({
    name: "1000 HS256 keys, valid token",
    policy: renderInitializationPolicy({ trustedKeys: thousand, issuer: "github-actions" }),
    input: launcherInput([await sign(thousand[999].kid)], run),
    expect: "allow",
    referenceApplies: true,
    hostile: false,
  });
  const esPolicy = renderInitializationPolicy({
    trustedKeys: [
      {
        kid: "es-1",
        algorithm: "ES256",
        publicKeyPem: ES_KEY.publicKeyPem,
        stacks: ["web-prod"],
        runTypes: ["TRACKED"],
      },
    ],
  });
  const esToken = await signRunToken({
    key: { kid: "es-1", privateKeyPem: ES_KEY.privateKeyPem },
    commitSha: COMMIT,
    stack: "web-prod",
    runType: "TRACKED",
    branch: "main",
  });
  list.push({
    name: "1 ES256 key, valid token",
    policy: esPolicy,
    input: launcherInput([esToken], run),
    expect: "allow",
    referenceApplies: false,
    hostile: false,
  });

  // Hostile metadata, from anyone who may attach it: no signing key needed.
  const onePolicy = renderInitializationPolicy({ trustedKeys: hsKeys(1), issuer: "github-actions" });
  const mib = 1 << 20;
  const bigHeader = b64url(JSON.stringify({ alg: "HS256", kid: 7 }));
  const bigEntry = `${bigHeader}.${"A".repeat(mib - bigHeader.length - 2)}.`;
  list.push({
    name: "hostile: one 1 MiB unsigned entry with a numeric kid",
    policy: onePolicy,
    input: launcherInput([bigEntry], run),
    expect: /^1 metadata entries longer than 8192 characters/,
    referenceApplies: false,
    hostile: true,
  });
  const forged = handMadeToken({ alg: "HS256", kid: "key-000", typ: "JWT" }, claims(), () => Buffer.alloc(32));
  list.push({
    name: "hostile: 5,000 entries, trusted kid, bad signature",
    policy: onePolicy,
    input: launcherInput(
      Array.from({ length: 5000 }, () => forged),
      run,
    ),
    expect: /^run metadata holds 5000 entries; at most 64 are read, so none was$/,
    referenceApplies: false,
    hostile: true,
  });
  // Under the entry bound, the token-shaped bound: 64 entries, all forged tokens.
  list.push({
    name: "hostile: 64 entries, trusted kid, bad signature",
    policy: onePolicy,
    input: launcherInput(
      Array.from({ length: 64 }, () => forged),
      run,
    ),
    expect: /^run metadata holds 64 token-shaped entries; at most 16 are examined, so none was$/,
    referenceApplies: false,
    hostile: true,
  });
  const longAlg = handMadeToken({ alg: "A".repeat(200_000), kid: "key-000", typ: "JWT" }, claims(), () =>
    Buffer.alloc(32),
  );
  list.push({
    name: "hostile: a 200 KB alg",
    policy: onePolicy,
    input: launcherInput([longAlg], run),
    expect: /^1 metadata entries longer than 8192 characters/,
    referenceApplies: false,
    hostile: true,
  });
  // The most the bounds admit: 16 entries just under 8192 characters, each read and checked.
  const padded = (n: number) =>
    handMadeToken({ alg: "HS256", kid: "key-000", typ: "JWT" }, claims({ pad: "x".repeat(n) }), () => Buffer.alloc(32));
  let pad = 5000;
  while (padded(pad + 1).length <= 8192) pad++;
  list.push({
    name: "hostile: 16 entries of 8192 characters, trusted kid, bad signature",
    policy: onePolicy,
    input: launcherInput(
      Array.from({ length: 16 }, () => padded(pad)),
      run,
    ),
    expect: /^metadata entry 15: token signature does not verify under key "key-000"$/,
    referenceApplies: false,
    hostile: true,
  });
  const longKid = handMadeToken({ alg: "HS256", kid: "k".repeat(5000), typ: "JWT" }, claims(), () => Buffer.alloc(32));
  list.push({
    name: "hostile: 16 entries with a 5,000-character kid",
    policy: onePolicy,
    input: launcherInput(
      Array.from({ length: 16 }, () => longKid),
      run,
    ),
    expect: /token signed by unknown key "k{124}\.\.\.$/,
    referenceApplies: false,
    hostile: true,
  });
  return list;
}
