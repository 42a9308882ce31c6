// Every scenario `npm run bench:policy` measures, evaluated once on every OPA
// engine with Spacelift's capabilities, without timing: the bench keeps
// running (its scenarios render and decide as stated), and the hostile cases
// are decided by the bounds, with their own messages.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { verifyRunToken } from "../components/runToken/runToken";
import { policyScenarios } from "../bench/policyScenarios";
import { evaluateDeny, opaEngines } from "./support/opa";

describe("bench:policy scenarios decide as the bench says", async () => {
  const scenarios = await policyScenarios();

  test("the bench has allowed, denied and hostile scenarios", () => {
    assert.ok(scenarios.some((s) => s.expect === "allow"));
    assert.ok(scenarios.filter((s) => s.hostile).length >= 3);
  });

  for (const scenario of scenarios) {
    test(scenario.name, () => {
      for (const engine of opaEngines()) {
        const deny = evaluateDeny(engine, scenario.policy, scenario.input);
        if (scenario.expect === "allow") {
          assert.deepEqual(deny, [], `${engine.name} denied`);
        } else {
          const expected = scenario.expect;
          assert.ok(
            deny.some((message) => expected.test(message)),
            `${engine.name}: no message matches ${expected}: ${JSON.stringify(deny).slice(0, 2000)}`,
          );
          // Bounded output: at most 16 entries explained, no message longer than a few quoted values.
          assert.ok(deny.length <= 2 + 16 * 8, `${engine.name}: ${deny.length} deny messages`);
          for (const message of deny)
            assert.ok(message.length <= 512, `${engine.name}: a message of ${message.length} characters`);
        }
      }
    });
  }

  test("problem 4: verifyRunToken gives the hostile scenarios' messages too", async () => {
    for (const scenario of scenarios.filter((s) => s.hostile)) {
      // The bench's policies trust the bench's keys; the verdict only needs the same bounds.
      const expected = evaluateDeny(opaEngines()[0], scenario.policy, scenario.input);
      const keyOptions = {
        trustedKeys: [
          {
            kid: "key-000",
            algorithm: "HS256" as const,
            secret: "bench-secret-0123456789abcdefghijklmnopqrstuvwxyz",
            stacks: ["stack-0", "web-prod"],
            runTypes: ["TRACKED" as const, "PROPOSED" as const, "TASK" as const],
          },
        ],
        issuer: "github-actions",
      };
      assert.deepEqual((await verifyRunToken(scenario.input, keyOptions)).deny, expected, scenario.name);
    }
  });
});
