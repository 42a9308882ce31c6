/**
 * A real Kubernetes API server for the tests: our embedded etcd and kube-apiserver
 * (both built by scripts/install-kube-tools.sh into .tools/bin), listening on
 * 127.0.0.1 only, with a bearer token, RBAC and a self-signed certificate, and
 * Spacelift's WorkerPool CRD installed server-side. Nothing runs pods: there is
 * no kubelet, scheduler or controller manager, and Spacelift's controller is closed.
 *
 * Each server runs in a process group of its own, so stop() (or the exit hook, if a
 * test run dies first) ends the process and anything it started.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as https from "node:https";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT, TOOLS_BIN } from "./opa";

/** Spacelift's WorkerPool CRD, as published in its Helm charts (see the SOURCE.md beside it). */
export const WORKER_POOL_CRD = path.join(
  REPO_ROOT,
  "test",
  "fixtures",
  "spacelift",
  "kubernetes",
  "workers.spacelift.io_workerpools.yaml",
);
export const WORKER_POOL_CRD_NAME = "workerpools.workers.spacelift.io";

export interface KubectlResult {
  status: number;
  stdout: string;
  stderr: string;
}

export interface KubeApiServer {
  /** https://127.0.0.1:PORT */
  url: string;
  /** A kubeconfig with one context, authenticated as a member of system:masters. */
  kubeconfig: string;
  /** Process group ids of etcd and kube-apiserver (each leads its own group). */
  processGroups: number[];
  /** The temporary directory with etcd's data, the certificates and the kubeconfig; stop() removes it. */
  directory: string;
  /** Milliseconds from starting etcd until /readyz answered ok (not counting the CRD). */
  startupMs: number;
  /** Runs the real kubectl against this server. */
  kubectl(args: string[], options?: { input?: string }): KubectlResult;
  /** Like kubectl(), but throws with kubectl's stderr when it fails. */
  kubectlOk(args: string[], options?: { input?: string }): string;
  /** Ends both processes (and their process groups) and removes the data directory. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Install Spacelift's WorkerPool CRD and wait until it serves; default true. */
  workerPoolCrd?: boolean;
}

const installHint =
  "run `bash scripts/install-kube-tools.sh` (it builds kube-apiserver, kubectl and etcd into .tools/bin; the Kubernetes tests never skip without them)";

export function kubeBinary(name: "kube-apiserver" | "kubectl" | "etcd" | "pulumi-resource-kubernetes"): string {
  const binary = path.join(TOOLS_BIN, name);
  if (!existsSync(binary)) throw new Error(`${binary} is missing: ${installHint}`);
  return binary;
}

/** A port on 127.0.0.1 that was free a moment ago (the caller retries if it is taken meanwhile). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Process groups still running; the exit hook kills them if a test run ends without stop(). */
const live = new Set<number>();
let exitHookInstalled = false;
function track(child: ChildProcess): void {
  if (child.pid === undefined) return;
  live.add(child.pid);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on("exit", () => {
      for (const pid of live) {
        try {
          process.kill(-pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    });
  }
}

interface Started {
  child: ChildProcess;
  exited: Promise<number | null>;
  log: string;
}

function startGroup(binary: string, args: string[], log: string): Started {
  const out = createWriteStream(log);
  // detached: a new process group (and session), so that one signal reaches everything it starts.
  const child = spawn(binary, args, { detached: true, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.pipe(out, { end: false });
  child.stderr?.pipe(out, { end: false });
  track(child);
  const exited = new Promise<number | null>((resolve) => {
    child.on("exit", (code, signal) => {
      if (child.pid !== undefined) live.delete(child.pid);
      resolve(code ?? (signal ? -1 : null));
    });
  });
  return { child, exited, log };
}

async function stopGroup(started: Started): Promise<void> {
  const pid = started.child.pid;
  if (pid === undefined || started.child.exitCode !== null || started.child.signalCode !== null) return;
  try {
    process.kill(-pid, "SIGTERM");
  } catch {
    return;
  }
  const done = await Promise.race([started.exited.then(() => true), sleep(15_000).then(() => false)]);
  if (!done) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // gone meanwhile
    }
    await started.exited;
  }
  // Anything the leader started and left behind is in its group too.
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // the group is empty, as it should be
  }
}

function tail(file: string): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-25).join("\n");
  } catch {
    return "(no log)";
  }
}

async function until<T>(
  what: string,
  timeoutMs: number,
  attempt: () => Promise<T | undefined>,
  alive: () => string | undefined,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError = "";
  for (;;) {
    const dead = alive();
    if (dead) throw new Error(`${what}: ${dead}`);
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = String(error);
    }
    if (Date.now() > deadline)
      throw new Error(`${what}: not done after ${timeoutMs} ms${lastError ? ` (last error: ${lastError})` : ""}`);
    await sleep(200);
  }
}

function get(url: string, ca: Buffer, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = https.get(
      url,
      { ca, headers: { authorization: `Bearer ${token}` }, timeout: 5_000 },
      (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (body += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on("timeout", () => request.destroy(new Error("timed out")));
    request.on("error", reject);
  });
}

/** Starts etcd and kube-apiserver on free loopback ports; retries once if a port was taken meanwhile. */
export async function startKubeApiServer(options: StartOptions = {}): Promise<KubeApiServer> {
  const binaries = {
    apiserver: kubeBinary("kube-apiserver"),
    kubectl: kubeBinary("kubectl"),
    etcd: kubeBinary("etcd"),
  };
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(binaries, options);
    } catch (error) {
      lastError = error;
      if (!/address already in use/.test(String(error))) throw error;
    }
  }
  throw lastError;
}

async function startOnce(
  binaries: { apiserver: string; kubectl: string; etcd: string },
  options: StartOptions,
): Promise<KubeApiServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "signed-runs-kube-"));
  const started = Date.now();
  const processes: Started[] = [];
  const cleanup = async () => {
    for (const p of processes.splice(0).reverse()) await stopGroup(p);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const [etcdClient, etcdPeer, securePort] = [await freePort(), await freePort(), await freePort()];
    const etcdUrl = `http://127.0.0.1:${etcdClient}`;
    const etcd = startGroup(
      binaries.etcd,
      ["-data-dir", path.join(dir, "etcd"), "-client-url", etcdUrl, "-peer-url", `http://127.0.0.1:${etcdPeer}`],
      path.join(dir, "etcd.log"),
    );
    processes.push(etcd);
    const etcdGone = () =>
      etcd.child.exitCode !== null ? `etcd exited with ${etcd.child.exitCode}:\n${tail(etcd.log)}` : undefined;
    await until(
      "etcd readiness",
      60_000,
      async () => (/etcd ready on/.test(readFileSync(etcd.log, "utf8")) ? true : undefined),
      etcdGone,
    );

    // Test credentials, thrown away with the directory: a bearer token for an admin and the service-account key pair.
    const token = randomBytes(24).toString("hex");
    writeFileSync(
      path.join(dir, "tokens.csv"),
      `${token},signed-runs-test-admin,signed-runs-test-admin,system:masters\n`,
      { mode: 0o600 },
    );
    const serviceAccountKey = generateKeyPairSync("rsa", { modulusLength: 2048 });
    writeFileSync(path.join(dir, "sa.key"), serviceAccountKey.privateKey.export({ type: "pkcs8", format: "pem" }), {
      mode: 0o600,
    });
    writeFileSync(path.join(dir, "sa.pub"), serviceAccountKey.publicKey.export({ type: "spki", format: "pem" }));

    const certDir = path.join(dir, "certs");
    const apiserver = startGroup(
      binaries.apiserver,
      [
        `--etcd-servers=${etcdUrl}`,
        "--bind-address=127.0.0.1",
        "--advertise-address=127.0.0.1",
        `--secure-port=${securePort}`,
        `--cert-dir=${certDir}`,
        `--token-auth-file=${path.join(dir, "tokens.csv")}`,
        "--anonymous-auth=false",
        "--authorization-mode=RBAC",
        `--service-account-key-file=${path.join(dir, "sa.pub")}`,
        `--service-account-signing-key-file=${path.join(dir, "sa.key")}`,
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        // A range for Service IPs is required; it is bookkeeping here, nothing routes to it.
        "--service-cluster-ip-range=10.96.0.0/24",
        // There is no kubelet to answer on the advertised address: do not publish it as an endpoint.
        "--endpoint-reconciler-type=none",
        "--profiling=false",
      ],
      path.join(dir, "kube-apiserver.log"),
    );
    processes.push(apiserver);
    const apiserverGone = () =>
      etcdGone() ??
      (apiserver.child.exitCode !== null
        ? `kube-apiserver exited with ${apiserver.child.exitCode}:\n${tail(apiserver.log)}`
        : undefined);

    const url = `https://127.0.0.1:${securePort}`;
    const certificate = path.join(certDir, "apiserver.crt");
    await until(
      "kube-apiserver readiness",
      120_000,
      async () => {
        if (!existsSync(certificate)) return undefined;
        const response = await get(`${url}/readyz`, readFileSync(certificate), token);
        return response.status === 200 ? true : undefined;
      },
      apiserverGone,
    );
    const startupMs = Date.now() - started;

    const kubeconfig = path.join(dir, "kubeconfig");
    writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "test", cluster: { server: url, "certificate-authority": certificate } }],
        users: [{ name: "admin", user: { token } }],
        contexts: [{ name: "test", context: { cluster: "test", user: "admin", namespace: "default" } }],
        "current-context": "test",
      }),
      { mode: 0o600 },
    );

    const kubectl = (args: string[], runOptions: { input?: string } = {}): KubectlResult => {
      const result = spawnSync(
        binaries.kubectl,
        [`--kubeconfig=${kubeconfig}`, `--cache-dir=${path.join(dir, "kubectl-cache")}`, ...args],
        {
          input: runOptions.input,
          encoding: "utf8",
          env: { PATH: process.env.PATH ?? "", HOME: dir },
          maxBuffer: 64 * 1024 * 1024,
        },
      );
      if (result.error) throw result.error;
      return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
    };
    const kubectlOk = (args: string[], runOptions: { input?: string } = {}): string => {
      const result = kubectl(args, runOptions);
      if (result.status !== 0)
        throw new Error(`kubectl ${args.join(" ")} failed (${result.status}): ${result.stderr.trim()}`);
      return result.stdout;
    };

    if (options.workerPoolCrd ?? true) {
      // 775 KB is too large for the last-applied annotation of a client-side apply, so apply it server-side.
      await until(
        "installing the WorkerPool CRD",
        60_000,
        async () =>
          kubectl(["apply", "--server-side", "--field-manager=signed-runs-tests", "-f", WORKER_POOL_CRD]).status === 0
            ? true
            : undefined,
        apiserverGone,
      );
      await until(
        "the WorkerPool CRD to become Established",
        60_000,
        async () => {
          const established = kubectl([
            "get",
            "crd",
            WORKER_POOL_CRD_NAME,
            "-o",
            'jsonpath={.status.conditions[?(@.type=="Established")].status}',
          ]);
          return established.stdout.trim() === "True" ? true : undefined;
        },
        apiserverGone,
      );
      // Established can precede discovery by a moment; wait until kubectl can list the kind.
      await until(
        "WorkerPools to be served",
        60_000,
        async () => (kubectl(["get", "workerpools.workers.spacelift.io", "-A"]).status === 0 ? true : undefined),
        apiserverGone,
      );
    }

    const processGroups = processes.map((p) => p.child.pid).filter((pid): pid is number => pid !== undefined);
    return { url, kubeconfig, processGroups, directory: dir, startupMs, kubectl, kubectlOk, stop: cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

export interface NamespaceFinalizer {
  /** Ends the watch; resolves to what it saw. */
  stop(): Promise<{ finalized: boolean; leftovers: string[] }>;
}

/**
 * This API server runs no kube-controller-manager, so a deleted Namespace stays Terminating for ever: the
 * namespace controller is what empties it and then removes its `kubernetes` finalizer. This stand-in does
 * only that last step: once `namespace` is terminating it records every object still in it (a real
 * controller would delete them; callers expect none, since the provider deletes a namespace's objects
 * before the namespace) and finalizes it through the `finalize` subresource, as the controller does.
 */
export function finalizeNamespaceWhenTerminating(server: KubeApiServer, namespace: string): NamespaceFinalizer {
  let stopped = false;
  let finalized = false;
  let leftovers: string[] = [];
  // Every namespaced kind that can be listed, except events (the API server's own records, not objects we made).
  const kinds = server
    .kubectlOk(["api-resources", "--namespaced=true", "--verbs=list", "-o", "name"])
    .split("\n")
    .filter((kind) => kind !== "" && !/^events(\.|$)/.test(kind))
    .join(",");
  const watch = (async () => {
    while (!stopped && !finalized) {
      const got = server.kubectl(["get", "namespace", namespace, "-o", "json"]);
      if (got.status === 0) {
        const object = JSON.parse(got.stdout) as {
          metadata: { deletionTimestamp?: string };
          spec?: { finalizers?: string[] };
        };
        if (object.metadata.deletionTimestamp !== undefined) {
          leftovers = server
            .kubectlOk(["get", kinds, "-n", namespace, "-o", "name", "--ignore-not-found"])
            .split("\n")
            .filter((line) => line !== "");
          server.kubectlOk(["replace", "--raw", `/api/v1/namespaces/${namespace}/finalize`, "-f", "-"], {
            input: JSON.stringify({ ...object, spec: { ...object.spec, finalizers: [] } }),
          });
          finalized = true;
        }
      }
      await sleep(250);
    }
  })().catch((error: unknown) => error);
  return {
    async stop() {
      stopped = true;
      const failed = await watch;
      if (failed !== undefined) throw failed;
      return { finalized, leftovers };
    },
  };
}
