// The rendered initialization policy, evaluated by real OPA 1.x (default and
// --v0-compatible) and OPA 0.70.x with Spacelift's capabilities, on every case
// of the decision table, with the run's branch reported as Spacelift reports it
// for API-triggered runs; verifyRunToken must give the same answer. Each case
// is also evaluated with trusted_kids_by_header emptied, which leaves only the
// full path of _allowed: the fast path must never change a decision or a message.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { renderInitializationPolicy } from "../components/policy/initializationPolicy";
import { verifyRunToken } from "../components/runToken/runToken";
import { evaluateDenyBatch, opaEngines } from "./support/opa";
import {
  API_REPORTED_BRANCH,
  POLICY_OPTIONS,
  TRACKED_BRANCH,
  decisionCases,
  nowSeconds,
  type DecisionCase,
} from "./support/runTokenCases";

interface Evaluated {
  testCase: DecisionCase;
  /** Deny messages by engine name. */
  deny: Map<string, string[]>;
  /** The same, from the policy with trusted_kids_by_header emptied (the full path alone). */
  fullPathDeny: Map<string, string[]>;
  verified: { allowed: boolean; deny: string[] };
}

/** The rendered policy with trusted_kids_by_header emptied, so that _allowed's fast path never applies. */
function fullPathOnly(policy: string): string {
  const emptied = policy.replace(/^trusted_kids_by_header := \{.*?(?=\n\n)/ms, "trusted_kids_by_header := {}");
  assert.notEqual(emptied, policy, "the rendered policy lists headers");
  return emptied;
}

describe("initialization policy decisions on every OPA engine", async () => {
  // Spacelift reports "-" for a run started through the API, or the stack's tracked branch: both variants.
  const cases: DecisionCase[] = [];
  for (const reported of [API_REPORTED_BRANCH, TRACKED_BRANCH]) {
    for (const testCase of await decisionCases(reported))
      cases.push({ ...testCase, name: `commit_branch ${JSON.stringify(reported)}: ${testCase.name}` });
  }
  const evaluated: Evaluated[] = [];

  before(async () => {
    const now = nowSeconds();
    // One OPA process per engine and policy variant; every case still runs on every engine.
    const groups = new Map<string, DecisionCase[]>();
    for (const testCase of cases) {
      const policy = renderInitializationPolicy(testCase.policy ?? POLICY_OPTIONS);
      groups.set(policy, [...(groups.get(policy) ?? []), testCase]);
    }
    const deny = new Map<DecisionCase, Map<string, string[]>>(cases.map((testCase) => [testCase, new Map()]));
    const fullPathDeny = new Map<DecisionCase, Map<string, string[]>>(cases.map((testCase) => [testCase, new Map()]));
    for (const engine of opaEngines()) {
      for (const [policy, group] of groups) {
        const inputs = group.map((testCase) => testCase.input);
        const results = evaluateDenyBatch(engine, policy, inputs);
        group.forEach((testCase, index) => deny.get(testCase)!.set(engine.name, results[index]));
        const fullPathResults = evaluateDenyBatch(engine, fullPathOnly(policy), inputs);
        group.forEach((testCase, index) => fullPathDeny.get(testCase)!.set(engine.name, fullPathResults[index]));
      }
    }
    for (const testCase of cases) {
      evaluated.push({
        testCase,
        deny: deny.get(testCase)!,
        fullPathDeny: fullPathDeny.get(testCase)!,
        verified: await verifyRunToken(testCase.input, testCase.policy ?? POLICY_OPTIONS, now),
      });
    }
  });

  test("the table covers allowed and denied runs", () => {
    assert.ok(cases.filter((testCase) => testCase.expect === "allow").length >= 6);
    assert.ok(cases.filter((testCase) => testCase.expect !== "allow").length >= 30);
    assert.equal(new Set(cases.map((testCase) => testCase.name)).size, cases.length, "case names are unique");
  });

  for (const testCase of cases) {
    test(testCase.name, () => {
      const result = evaluated.find((entry) => entry.testCase === testCase);
      assert.ok(result, "evaluated");
      assert.equal(result.deny.size, opaEngines().length, "ran on every engine");
      for (const [engine, deny] of result.deny) {
        if (testCase.expect === "allow") {
          assert.deepEqual(deny, [], `${engine} denied: ${JSON.stringify(deny)}`);
        } else {
          const expected = testCase.expect;
          assert.ok(deny.length > 0, `${engine} allowed it`);
          assert.ok(
            deny.some((message) => expected.test(message)),
            `${engine}: no message matches ${expected}: ${JSON.stringify(deny)}`,
          );
          for (const message of deny) {
            for (const key of POLICY_OPTIONS.trustedKeys ?? []) {
              if (key.algorithm === "HS256")
                assert.ok(!message.includes(key.secret), `${engine}: a deny message contains a secret`);
            }
            // A token is never echoed whole: no message holds a compact JWS.
            assert.doesNotMatch(
              message,
              /[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/,
              `${engine}: a deny message echoes a token`,
            );
          }
        }
      }
      assert.equal(result.fullPathDeny.size, opaEngines().length, "ran on every engine without the fast path");
      for (const [engine, deny] of result.fullPathDeny) {
        assert.deepEqual(deny, result.deny.get(engine), `${engine}: the full path alone decides otherwise`);
      }
      const [first, ...others] = [...result.deny.values()];
      for (const other of others) assert.deepEqual(other, first, "every engine gives the same messages");
      assert.equal(
        result.verified.allowed,
        testCase.expect === "allow",
        `verifyRunToken says allowed=${result.verified.allowed}`,
      );
      assert.deepEqual(result.verified.deny, first, "verifyRunToken gives the policy's messages");
    });
  }
});
