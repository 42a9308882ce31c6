import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe, it } from "node:test";
import {
  SPACELIFT_DISABLED_BUILTINS,
  spaceliftCapabilities,
  type OpaCapabilities,
} from "../components/policy/spaceliftCapabilities";
import { opaEngines } from "./support/opa";

describe("spaceliftCapabilities (used by the tests and by `verify`)", () => {
  for (const engine of opaEngines()) {
    it(`${engine.name}: removes exactly the five built-ins Spacelift disables from the binary's own capabilities`, () => {
      const current = JSON.parse(
        execFileSync(engine.binary, ["capabilities", "--current"], { encoding: "utf8", maxBuffer: 64 << 20 }),
      ) as OpaCapabilities;
      const result = spaceliftCapabilities(current);
      const before = new Set(current.builtins.map((b) => b.name));
      const after = new Set(result.builtins.map((b) => b.name));
      assert.deepEqual([...before].filter((name) => !after.has(name)).sort(), [...SPACELIFT_DISABLED_BUILTINS].sort());
      assert.ok(after.has("io.jwt.decode_verify"), "the policy's verifier must stay available");
    });
  }

  it("throws when a disabled built-in is absent, since the result would not be what Spacelift runs", () => {
    assert.throws(
      () => spaceliftCapabilities({ builtins: [{ name: "http.send" }] }),
      /no built-in opa\.runtime, rego\.parse_module, time\.now_ns, trace/,
    );
  });
});
