/**
 * Pulumi's own mocks (`pulumi.runtime.setMocks`) with realistic provider state:
 * random passwords, real P-256 keys made with node:crypto (so tokens signed
 * with them verify in real OPA), and a worker pool's `config`/`privateKey`.
 * Everything is derived from a seed, so two runs with the same seed register
 * byte-identical inputs; a different seed gives different keys.
 */
import { createECDH, createHash, createPrivateKey, createPublicKey } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";

const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export interface RecordedResource {
  type: string;
  name: string;
  /** Inputs as the provider receives them, secrets unwrapped. */
  inputs: Record<string, unknown>;
  /** Dotted paths of the inputs that arrived marked secret. */
  secretInputs: string[];
  /** The raw inputs, secrets still wrapped: what the engine would record. */
  rawInputs: Record<string, unknown>;
  provider: string | undefined;
  state: Record<string, unknown>;
}

export interface MockRun {
  /** Every resource the mocks saw, in registration order. */
  resources: RecordedResource[];
  /**
   * The errors that would fail `pulumi up`: a Pulumi program fails through
   * unhandled promise rejections (a resource whose input failed, an output that
   * failed), which the language host reports. Captured here instead.
   */
  programErrors: string[];
  ofType(type: string): RecordedResource[];
  byName(name: string): RecordedResource;
}

function isSecretWrapper(value: unknown): value is { value: unknown } {
  return (
    typeof value === "object" && value !== null && (value as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG
  );
}

function unwrapSecrets(value: unknown, path: string, secrets: string[]): unknown {
  if (isSecretWrapper(value)) {
    secrets.push(path);
    return unwrapSecrets(value.value, path, []);
  }
  if (Array.isArray(value)) return value.map((v, i) => unwrapSecrets(v, `${path}[${i}]`, secrets));
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = unwrapSecrets(v, path === "" ? k : `${path}.${k}`, secrets);
    return out;
  }
  return value;
}

function digest(seed: string, ...parts: string[]): Buffer {
  return createHash("sha256")
    .update([seed, ...parts].join("\u0000"))
    .digest();
}

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
function seededPassword(seed: string, name: string, length: number): string {
  let out = "";
  for (let block = 0; out.length < length; block++) {
    for (const byte of digest(seed, "password", name, String(block))) {
      if (out.length < length) out += ALPHANUMERIC[byte % ALPHANUMERIC.length];
    }
  }
  return out;
}

/** A real P-256 key pair whose private scalar comes from the seed. */
export function seededEcKeyPair(
  seed: string,
  name: string,
): { privateKeyPem: string; privateKeyPemPkcs8: string; publicKeyPem: string } {
  for (let attempt = 0; ; attempt++) {
    const scalar = digest(seed, "ec", name, String(attempt));
    try {
      const ecdh = createECDH("prime256v1");
      ecdh.setPrivateKey(scalar);
      const publicPoint = ecdh.getPublicKey();
      const jwk = {
        kty: "EC",
        crv: "P-256",
        d: scalar.toString("base64url"),
        x: publicPoint.subarray(1, 33).toString("base64url"),
        y: publicPoint.subarray(33, 65).toString("base64url"),
      };
      const privateKey = createPrivateKey({ key: jwk, format: "jwk" });
      return {
        privateKeyPem: String(privateKey.export({ type: "sec1", format: "pem" })),
        privateKeyPemPkcs8: String(privateKey.export({ type: "pkcs8", format: "pem" })),
        publicKeyPem: String(createPublicKey(privateKey).export({ type: "spki", format: "pem" })),
      };
    } catch {
      // The scalar was out of range (probability ~2^-32); derive the next one.
    }
  }
}

/** The state a real provider would return for each resource type this project creates. */
function providerState(
  seed: string,
  type: string,
  name: string,
  inputs: Record<string, unknown>,
): { id: string; state: Record<string, unknown> } {
  const id = (prefix: string) => `${prefix}-${digest(seed, type, name).toString("hex").slice(0, 16)}`;
  switch (type) {
    case "random:index/randomPassword:RandomPassword":
      return { id: id("password"), state: { result: seededPassword(seed, name, Number(inputs.length)) } };
    case "tls:index/privateKey:PrivateKey": {
      const pair = seededEcKeyPair(seed, name);
      return { id: id("tlskey"), state: { ...pair, publicKeyOpenssh: "", publicKeyFingerprintSha256: "" } };
    }
    case "spacelift:index/workerPool:WorkerPool": {
      const privateKeyPem = `-----BEGIN PRIVATE KEY-----\n${digest(seed, "pool-key", name).toString("base64")}\n-----END PRIVATE KEY-----\n`;
      return {
        id: `01POOL${digest(seed, "pool", name).toString("hex").slice(0, 20).toUpperCase()}`,
        state: {
          privateKey: Buffer.from(privateKeyPem).toString("base64"),
          config: Buffer.from(`pool-token:${digest(seed, "pool-config", name).toString("hex")}`).toString("base64"),
          spaceId: inputs.spaceId ?? "root",
          csr: "",
        },
      };
    }
    case "spacelift:index/policy:Policy":
      return {
        id: `policy-${String(inputs.name ?? name)
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, "-")}`,
        state: { spaceId: inputs.spaceId ?? "root" },
      };
    case "spacelift:index/stack:Stack":
      return { id: String(inputs.slug ?? name), state: { spaceId: inputs.spaceId ?? "root" } };
    case "spacelift:index/policyAttachment:PolicyAttachment":
      return { id: `${String(inputs.policyId)}_${String(inputs.stackId)}`, state: {} };
    case "github:index/actionsSecret:ActionsSecret":
      return {
        id: `${String(inputs.repository)}:${String(inputs.secretName)}`,
        state: { createdAt: "2026-11-25T00:00:00Z" },
      };
    case "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret":
      return {
        id: `${String(inputs.repository)}:${String(inputs.environment)}:${String(inputs.secretName)}`,
        state: { createdAt: "2026-11-25T00:00:00Z" },
      };
    case "github:index/repositoryEnvironment:RepositoryEnvironment":
      return { id: `${String(inputs.repository)}:${String(inputs.environment)}`, state: { waitTimer: 0 } };
    case "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy":
      return {
        id: `${String(inputs.repository)}:${String(inputs.environment)}:${digest(seed, "policy", name).readUInt32BE(0)}`,
        state: { policyId: digest(seed, "policy", name).readUInt32BE(0) },
      };
    case "github:index/repositoryFile:RepositoryFile":
      return {
        id: `${String(inputs.repository)}/${String(inputs.file)}`,
        state: { commitSha: digest(seed, "commit", name).toString("hex").slice(0, 40) },
      };
    default:
      return { id: id("mock"), state: {} };
  }
}

/**
 * Runs `program` under fresh mocks and waits until every resource it created
 * (found through the parent/child links) is registered or has failed.
 */
export async function runWithMocks<T>(
  program: () => T,
  options: { seed?: string; preview?: boolean; stack?: string } = {},
): Promise<MockRun & { result: T }> {
  const seed = options.seed ?? "seed-1";
  const resources: RecordedResource[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const secretInputs: string[] = [];
        const inputs = unwrapSecrets(args.inputs, "", secretInputs) as Record<string, unknown>;
        const made = providerState(seed, args.type, args.name, inputs);
        // The echoed inputs keep their secret marks, as a real provider's state does.
        const state = { ...args.inputs, ...made.state };
        resources.push({
          type: args.type,
          name: args.name,
          inputs,
          secretInputs,
          rawInputs: args.inputs,
          provider: args.provider,
          state,
        });
        return { id: made.id, state };
      },
      call(args) {
        return args.inputs;
      },
    },
    "signed-runs-test",
    options.stack ?? "test",
    options.preview ?? false,
  );
  const programErrors: string[] = [];
  const testRunnerListeners = process.listeners("unhandledRejection");
  let programFailed: () => void = () => undefined;
  const failure = new Promise<void>((resolve) => (programFailed = resolve));
  const recordProgramError = (reason: unknown) => {
    programErrors.push(reason instanceof Error ? reason.message : String(reason));
    programFailed();
  };
  process.removeAllListeners("unhandledRejection");
  process.on("unhandledRejection", recordProgramError);
  let result: T;
  try {
    result = program();
    // A failed program leaves the resources that depended on the failure unregistered forever.
    await Promise.race([settle(result), failure]);
    // Rejections are reported after the microtask queue drains.
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.removeListener("unhandledRejection", recordProgramError);
    for (const listener of testRunnerListeners) process.on("unhandledRejection", listener);
  }
  return {
    result,
    resources,
    programErrors,
    ofType: (type) => resources.filter((r) => r.type === type),
    byName: (name) => {
      const found = resources.find((r) => r.name === name);
      if (!found) throw new Error(`no resource named ${name}; have ${resources.map((r) => r.name).join(", ")}`);
      return found;
    },
  };
}

/** Every resource reachable from `roots` through Pulumi's parent/child links. */
export function resourceTree(roots: unknown): pulumi.Resource[] {
  const seen = new Set<pulumi.Resource>();
  const visit = (value: unknown) => {
    if (Array.isArray(value)) return value.forEach(visit);
    // A program may return several roots in a plain object, e.g. { pool, repositories }.
    if (
      !pulumi.Resource.isInstance(value) &&
      typeof value === "object" &&
      value !== null &&
      Object.getPrototypeOf(value) === Object.prototype
    ) {
      return Object.values(value).forEach(visit);
    }
    if (!pulumi.Resource.isInstance(value) || seen.has(value)) return;
    seen.add(value);
    const children = (value as unknown as { __childResources?: Set<pulumi.Resource> }).__childResources;
    children?.forEach(visit);
  };
  visit(roots);
  return [...seen];
}

async function settle(roots: unknown): Promise<void> {
  // Registration is asynchronous; a resource's urn resolves once the mock monitor answered.
  // Repeat until no new resources appear (children can be created inside applies).
  let count = -1;
  for (;;) {
    const tree = resourceTree(roots);
    await Promise.allSettled(tree.map((r) => promiseOf(r.urn)));
    await new Promise((resolve) => setImmediate(resolve));
    if (tree.length === count) return;
    count = tree.length;
  }
}

/** The value of an Output as a promise (rejects when the output failed). */
export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    // `apply` runs only for known values; in a normal (non-preview) mock run every value is known.
    (output as unknown as { promise(): Promise<T> }).promise().then(resolve, reject);
  });
}

export function isSecret(output: pulumi.Output<unknown>): Promise<boolean> {
  return (output as unknown as { isSecret: Promise<boolean> }).isSecret;
}

/** Parent name, type and name of a resource, for graph assertions. */
export function describeResource(resource: pulumi.Resource): {
  type: string;
  name: string;
  parent: string | undefined;
} {
  const r = resource as unknown as {
    __pulumiType: string;
    __name: string;
    __parentResource?: { __name: string; __pulumiType: string };
  };
  return {
    type: r.__pulumiType,
    name: r.__name,
    parent: r.__parentResource ? `${r.__parentResource.__pulumiType}::${r.__parentResource.__name}` : undefined,
  };
}
