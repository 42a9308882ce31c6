// The CLI's secret files: never readable by others, not even for an instant
// while an existing file is rewritten.
import assert from "node:assert/strict";
import { describe, it, mock } from "node:test";
import * as path from "node:path";
import { writeOwnerOnlyFile, writePublicFile } from "../cli/keyFiles";
import { temporaryDirectory } from "./support/cli";
// The module object itself (not an import namespace), so a spy on it sees keyFiles' calls.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a namespace import could not be spied on
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
      // Written through the descriptor opened without following links: its mode is the file's.
      if (typeof target === "number") modesWhenWritten.push(fs.fstatSync(target).mode & 0o777);
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

  for (const [label, write] of [
    ["owner-only", writeOwnerOnlyFile],
    ["public", writePublicFile],
  ] as const) {
    it(`${label}: an existing symlink at the path is an error, and its target is untouched`, () => {
      const directory = temporaryDirectory(`no-follow-${label}`);
      const target = path.join(directory, "elsewhere.txt");
      fs.writeFileSync(target, "someone else's file\n");
      const link = path.join(directory, "out", "initialization-policy.rego");
      fs.mkdirSync(path.dirname(link), { recursive: true });
      fs.symlinkSync(target, link);
      assert.throws(() => write(link, "the secret\n"), {
        message: /is a symbolic link, and render never writes through one\. Fix: /,
      });
      assert.equal(fs.readFileSync(target, "utf8"), "someone else's file\n");
    });
  }
});
