/**
 * The real Pulumi engine (built by scripts/install-tools.sh) runs a tiny program through our language host:
 * `up`, a no-change preview, the state holds the secret only encrypted, `destroy`, and no process outlives it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  backendFilesText,
  createEngineWorkspace,
  destroy,
  killProcessesMarkedWith,
  previewExpectNoChanges,
  setConfig,
  stackExport,
  stackOutputs,
  up,
} from "./support/engine";

test("engine: a component with a secret output goes up, previews without changes, keeps the secret encrypted and is destroyed; no process outlives it", async () => {
  const ws = await createEngineWorkspace({ fixture: "engine-basic" });
  try {
    // The engine is the pinned build, and the language host is ours, beside it.
    assert.equal((await ws.run(["version"])).stdout.trim(), "v3.274.1");
    const plugins = (await ws.run(["plugin", "ls", "--json"])).stdout;
    assert.match(plugins, /"name": "terraform-provider"/);

    // A value made for this run, so finding it anywhere can only mean a leak.
    const token = `tok-${randomBytes(18).toString("hex")}`;
    await setConfig(ws, "apiToken", token, { secret: true });
    const label = `label-${randomBytes(6).toString("hex")}`;
    await setConfig(ws, "label", label);

    const first = await up(ws);
    assert.match(first.stdout, /\+ 2 created|2 created/, first.stdout);

    const outputs = await stackOutputs(ws);
    assert.equal(outputs.token, "[secret]");
    // A value computed from a secret stays secret.
    assert.equal(outputs.tokenLength, "[secret]");
    assert.equal(outputs.label, label);
    const revealed = await stackOutputs(ws, { showSecrets: true });
    assert.equal(revealed.token, token);
    assert.equal(revealed.tokenLength, token.length);

    const preview = await previewExpectNoChanges(ws);
    assert.equal(preview.code, 0);

    const { text, state } = await stackExport(ws);
    const types = (state.deployment.resources ?? []).map((r) => r.type).sort();
    assert.deepEqual(types, ["fixture:index:Vault", "pulumi:pulumi:Stack"]);
    const stackResource = state.deployment.resources!.find((r) => r.type === "pulumi:pulumi:Stack")!;
    // The engine's marker for an encrypted secret, with ciphertext instead of the value.
    const sealed = stackResource.outputs?.token as Record<string, unknown>;
    assert.equal(sealed["4dabf18193072939515e22adb298388d"], "1b47061264138c4ac30d75fd1eb44270");
    assert.equal(typeof sealed.ciphertext, "string");
    assert.equal(state.deployment.secrets_providers?.type, "passphrase");
    assert.ok(!text.includes(token), "stack export holds no plaintext secret");
    assert.ok(
      !backendFilesText(ws).includes(token),
      "no file of the backend (state, history, backups) holds the plaintext secret",
    );

    // The scan can fail: the plain output made the same way is found, in the export and in the files.
    assert.ok(text.includes(label) && backendFilesText(ws).includes(label), "the scan sees plain values");

    await destroy(ws);
    const after = await stackExport(ws);
    assert.deepEqual(after.state.deployment.resources ?? [], []);

    assert.deepEqual(ws.survivors, [], "no process outlived an engine command");
  } finally {
    const left = await ws.close();
    assert.deepEqual(left, [], "no process of the workspace was still running at the end");
    assert.deepEqual(killProcessesMarkedWith([ws.root]), []);
  }
});

test("engine clean-up kills a process whose environment points into the workspace, and spares one that only names it", async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), "signed-runs-marker-"));
  const marked = spawn("sleep", ["300"], {
    env: { ...process.env, PULUMI_HOME: path.join(root, "home") },
    stdio: "ignore",
  });
  const named = spawn(process.execPath, ["-e", "setTimeout(() => {}, 300000)", root], { stdio: "ignore" });
  try {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const killed = killProcessesMarkedWith([root]);
    assert.equal(killed.length, 1, `killed: ${killed.join(", ")}`);
    assert.match(killed[0], new RegExp(`^${marked.pid} `));
    assert.equal(named.exitCode, null);
    assert.equal(named.signalCode, null, "the process that only names the path is still running");
  } finally {
    marked.kill("SIGKILL");
    named.kill("SIGKILL");
    rmSync(root, { recursive: true, force: true });
  }
});
