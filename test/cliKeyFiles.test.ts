// The CLI's secret files: never readable by others, not even for an instant
// while an existing file is rewritten.
import assert from "node:assert/strict";
import { describe, it, mock } from "node:test";
import * as path from "node:path";
import { writeOwnerOnlyFile } from "../cli/keyFiles";
import { temporaryDirectory } from "./support/cli";
// The module object itself (not an import namespace), so a spy on it sees keyFiles' calls.
import fs = require("node:fs");

function modeOf(file: string): number {
  return fs.statSync(file).mode & 0o777;
}

describe("cli: owner-only files", () => {
  it("narrows an existing world-readable file to 0600 before the secret is written into it", () => {
    const file = path.join(temporaryDirectory("owner-only"), "launcher", "initialization-policy.rego");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, "an older render\n");
    fs.chmodSync(file, 0o644);
    const modesWhenWritten: number[] = [];
    const original = fs.writeFileSync;
    const spy = mock.method(fs, "writeFileSync", (target: fs.PathOrFileDescriptor, ...rest: unknown[]) => {
      if (target === file) modesWhenWritten.push(modeOf(file));
      return (original as (...args: unknown[]) => void)(target, ...rest);
    });
    try {
      writeOwnerOnlyFile(file, "the secret\n");
    } finally {
      spy.mock.restore();
    }
    assert.deepEqual(modesWhenWritten, [0o600], "the file was written while others could read it");
    assert.equal(modeOf(file), 0o600);
    assert.equal(fs.readFileSync(file, "utf8"), "the secret\n");
  });

  it("creates a new file 0600", () => {
    const file = path.join(temporaryDirectory("owner-only-new"), "keys", "signing.key");
    writeOwnerOnlyFile(file, "the secret\n");
    assert.equal(modeOf(file), 0o600);
  });
});
