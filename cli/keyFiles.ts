import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { SigningAlgorithm } from "../components/runToken/contract";
import { CliError, ExitCode } from "./errors";

/**
 * Signing keys on disk. An HS256 key is a file holding the secret (one line);
 * an ES256 key is a PKCS#8 PEM private key with its SPKI public key beside it
 * (`<name>.pub.pem`). Files that hold secrets are created with mode 0600.
 */

/** 48 random bytes as base64url: 64 characters (384 bits), as long as the component's generated secret. */
export function generateHmacSecret(): string {
  return randomBytes(48).toString("base64url");
}

export function generateEcdsaKeyPair(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ec", {
    namedCurve: "P-256",
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

/** The public key file that goes with an ES256 private key file. */
export function publicKeyPathFor(privateKeyPath: string): string {
  return privateKeyPath.replace(/(\.pem)?$/, ".pub.pem");
}

/**
 * Writes a file without following a symlink at its path (O_NOFOLLOW): an
 * existing link is an error, never a way to put a key somewhere else. The mode
 * is set on the open file before anything is written.
 */
function writeNoFollow(file: string, content: string, mode: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let fd: number;
  try {
    fd = fs.openSync(
      file,
      fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC | fs.constants.O_NOFOLLOW,
      mode,
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ELOOP") {
      throw new CliError(
        ExitCode.Usage,
        `${file} is a symbolic link, and render never writes through one. Fix: remove the link, or write somewhere else`,
      );
    }
    throw error;
  }
  try {
    // An existing file keeps its mode when opened: narrow it first, so a secret is never readable by others.
    fs.fchmodSync(fd, mode);
    fs.writeFileSync(fd, content);
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes a file only its owner can read, also when it existed with a wider mode. */
export function writeOwnerOnlyFile(file: string, content: string): void {
  writeNoFollow(file, content, 0o600);
}

export function writePublicFile(file: string, content: string): void {
  writeNoFollow(file, content, 0o644);
}

/** Keeps a directory of secrets out of any git repository it lands in. */
export function ignoreDirectoryInGit(directory: string): void {
  const ignore = path.join(directory, ".gitignore");
  if (!fs.existsSync(ignore)) {
    writePublicFile(ignore, "# written by spacelift-signed-runs: this directory holds secrets; never commit it\n*\n");
  }
}

export type LoadedKey =
  | { algorithm: "HS256"; secret: string; file: string }
  | { algorithm: "ES256"; privateKeyPem?: string; publicKeyPem: string; file: string };

/**
 * Reads a key file and tells which algorithm it is for: a PEM private key is
 * ES256, a PEM public key is an ES256 key that can verify but not sign, anything
 * else is an HS256 secret. `expected`, when given, must match.
 */
export function readKeyFile(file: string, option: string, expected?: SigningAlgorithm): LoadedKey {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new CliError(
      ExitCode.Usage,
      `${option}: cannot read key file ${file} (${(error as NodeJS.ErrnoException).code ?? "error"}). Fix: give the path of a key made by 'spacelift-signed-runs keygen'`,
    );
  }
  warnWhenReadableByOthers(file);
  let key: LoadedKey;
  if (text.includes("-----BEGIN")) {
    key = readPemKey(file, text, option);
  } else {
    const secret = text.replace(/\r?\n$/, "");
    if (Buffer.byteLength(secret, "utf8") < 32) {
      // The secret's value is never shown, only its length.
      throw new CliError(
        ExitCode.Usage,
        `${option}: the HS256 secret in ${file} is ${Buffer.byteLength(secret, "utf8")} bytes long, and at least 32 are needed. Fix: make a new one with 'spacelift-signed-runs keygen --algorithm HS256 --out ${file}'`,
      );
    }
    key = { algorithm: "HS256", secret, file };
  }
  if (expected !== undefined && key.algorithm !== expected) {
    throw new CliError(
      ExitCode.Usage,
      `${option}: ${file} holds an ${key.algorithm} key, but ${expected} is configured. Fix: point to an ${expected} key, or change the algorithm`,
    );
  }
  return key;
}

function readPemKey(file: string, text: string, option: string): LoadedKey {
  if (text.includes("PRIVATE KEY-----")) {
    let publicKeyPem: string;
    try {
      const privateKey = createPrivateKey(text);
      if (privateKey.asymmetricKeyType !== "ec" || privateKey.asymmetricKeyDetails?.namedCurve !== "prime256v1") {
        throw new Error("not P-256");
      }
      publicKeyPem = createPublicKey(privateKey).export({ type: "spki", format: "pem" }).toString();
    } catch {
      throw new CliError(
        ExitCode.Usage,
        `${option}: ${file} is not an ECDSA P-256 private key. Fix: make one with 'spacelift-signed-runs keygen --algorithm ES256 --out ${file}'`,
      );
    }
    // Normalised to PKCS#8 so that a SEC1 ("EC PRIVATE KEY") file signs the same way.
    const privateKeyPem = createPrivateKey(text).export({ type: "pkcs8", format: "pem" }).toString();
    return { algorithm: "ES256", privateKeyPem, publicKeyPem, file };
  }
  try {
    const publicKey = createPublicKey(text);
    if (publicKey.asymmetricKeyType !== "ec" || publicKey.asymmetricKeyDetails?.namedCurve !== "prime256v1") {
      throw new Error("not P-256");
    }
    return { algorithm: "ES256", publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(), file };
  } catch {
    throw new CliError(
      ExitCode.Usage,
      `${option}: ${file} is not an ECDSA P-256 key. Fix: make one with 'spacelift-signed-runs keygen --algorithm ES256 --out ${file}'`,
    );
  }
}

function warnWhenReadableByOthers(file: string): void {
  const mode = fs.statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0 && !file.endsWith(".pub.pem")) {
    process.stderr.write(
      `warning: ${file} is readable by other users (mode ${mode.toString(8).padStart(4, "0")}); run 'chmod 600 ${file}'\n`,
    );
  }
}

/** Writes a new key; refuses to overwrite one unless `force`. Returns the files written. */
export function writeNewKey(file: string, algorithm: SigningAlgorithm, force: boolean): string[] {
  const files = algorithm === "ES256" ? [file, publicKeyPathFor(file)] : [file];
  if (!force) {
    for (const existing of files.filter((f) => fs.existsSync(f))) {
      throw new CliError(
        ExitCode.Usage,
        `--out: ${existing} exists already, and overwriting a key would lock out every run signed with it. Fix: choose another path, or pass --force`,
      );
    }
  }
  if (algorithm === "ES256") {
    const pair = generateEcdsaKeyPair();
    writeOwnerOnlyFile(file, pair.privateKeyPem);
    writePublicFile(publicKeyPathFor(file), pair.publicKeyPem);
  } else {
    writeOwnerOnlyFile(file, `${generateHmacSecret()}\n`);
  }
  return files;
}
