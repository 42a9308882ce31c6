/**
 * The `run:` scripts of the generated workflow.
 *
 * They are constants: nothing from the options or from the push event is ever
 * spliced into them. Every value reaches a script through `env:`, which is what
 * makes a branch named `$(curl evil)` inert.
 */

/** Installs the pinned spacectl, or keeps the one already on the runner if it is that version. */
export const INSTALL_SPACECTL_SCRIPT = `set -euo pipefail
if command -v spacectl >/dev/null 2>&1 && [ "$(spacectl version 2>/dev/null || true)" = "$SPACECTL_VERSION" ]; then
  echo "Using spacectl $SPACECTL_VERSION already installed at $(command -v spacectl)"
  exit 0
fi
if [ "$RUNNER_OS" != "Linux" ] || [ "$RUNNER_ARCH" != "X64" ]; then
  echo "::error::The pinned spacectl checksum is for Linux X64, this runner is $RUNNER_OS $RUNNER_ARCH"
  exit 1
fi
install_dir="$RUNNER_TEMP/spacectl-$SPACECTL_VERSION"
archive="$install_dir/spacectl.zip"
mkdir -p "$install_dir"
curl --fail --silent --show-error --location --proto '=https' --tlsv1.2 --retry 3 \\
  --output "$archive" \\
  "https://github.com/spacelift-io/spacectl/releases/download/v$SPACECTL_VERSION/spacectl_\${SPACECTL_VERSION}_linux_amd64.zip"
# Nothing from the archive is unpacked, let alone run, before its digest matches the pinned one.
echo "$SPACECTL_SHA256  $archive" | sha256sum --check --strict --quiet -
unzip -q -o "$archive" spacectl -d "$install_dir"
chmod 0755 "$install_dir/spacectl"
rm -f "$archive"
echo "$install_dir" >> "$GITHUB_PATH"
echo "Installed spacectl $SPACECTL_VERSION (SHA-256 verified) in $install_dir"
`;

/**
 * Builds and signs the run token with Node's built-in crypto (Node is on every
 * GitHub-hosted runner), so no third-party action ever sees the key.
 * ES256 signatures are raw R||S as JWS requires, not DER.
 */
export const SIGN_RUN_TOKEN_SCRIPT = `set -euo pipefail
node - <<'SIGN_RUN_TOKEN'
const crypto = require("node:crypto");
const fs = require("node:fs");
const env = process.env;
function fail(message) {
  console.log("::error::" + message);
  process.exit(1);
}
// Deleting a branch also sends a push; GitHub then runs this on the default branch's head. Nothing to sign.
if (JSON.parse(fs.readFileSync(env.GITHUB_EVENT_PATH, "utf8")).deleted === true) {
  console.log("This push deleted a branch: no run is requested.");
  fs.appendFileSync(env.GITHUB_OUTPUT, "run_type=NONE\\n");
  process.exit(0);
}
const sha = env.GITHUB_SHA || "";
if (!/^[0-9a-f]{40}$/.test(sha) || /^0+$/.test(sha)) fail("GITHUB_SHA is not a 40-hex commit SHA");
const branch = env.GITHUB_REF_NAME || "";
if (branch === "" || env.GITHUB_REF !== "refs/heads/" + branch) fail("only pushes to branches are signed");
// The job's if: chose this job with GitHub's ==, which ignores case; the branch is compared
// here exactly, so MAIN never signs what only main may sign, nor main what others sign.
const runType = env.RUN_TYPE;
if (runType === "TRACKED" && branch !== env.TRACKED_BRANCH) {
  fail("this job signs TRACKED runs of branch " + JSON.stringify(env.TRACKED_BRANCH) + " only, not of " + JSON.stringify(branch));
}
if (runType === "PROPOSED" && branch === env.TRACKED_BRANCH) fail("a push to the tracked branch is signed by the tracked job");
if (runType !== "TRACKED" && runType !== "PROPOSED") fail("RUN_TYPE is neither TRACKED nor PROPOSED");
const lifetime = Number(env.MAX_TOKEN_LIFETIME_SECONDS);
if (!Number.isInteger(lifetime) || lifetime <= 0) fail("MAX_TOKEN_LIFETIME_SECONDS is not a positive integer");
const key = env.SIGNING_KEY || "";
if (key === "") fail("the signing key secret is empty or not readable by this workflow");
const now = Math.floor(Date.now() / 1000);
const header = { alg: env.SIGNING_ALGORITHM, kid: env.SIGNING_KEY_ID, typ: "JWT" };
const claims = {
  sub: sha,
  spacelift_stack: env.SPACELIFT_STACK_ID,
  run_type: runType,
  branch,
  iat: now,
  nbf: now,
  exp: now + lifetime,
  iss: env.TOKEN_ISSUER,
};
const encode = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
const signingInput = encode(header) + "." + encode(claims);
let signature;
if (header.alg === "HS256") {
  signature = crypto.createHmac("sha256", Buffer.from(key, "utf8")).update(signingInput).digest();
} else if (header.alg === "ES256") {
  let privateKey;
  try {
    privateKey = crypto.createPrivateKey(key);
  } catch {
    fail("the signing key secret is not a PEM private key");
  }
  if (privateKey.asymmetricKeyType !== "ec" || privateKey.asymmetricKeyDetails.namedCurve !== "prime256v1") {
    fail("the signing key secret is not a P-256 private key");
  }
  signature = crypto.sign("sha256", Buffer.from(signingInput), { key: privateKey, dsaEncoding: "ieee-p1363" });
} else {
  fail("unsupported SIGNING_ALGORITHM " + JSON.stringify(header.alg));
}
const token = signingInput + "." + signature.toString("base64url");
console.log("::add-mask::" + token);
fs.appendFileSync(env.GITHUB_OUTPUT, "run_type=" + runType + "\\ntoken=" + token + "\\n");
console.log(
  "Signed a " + runType + " run token for stack " + JSON.stringify(claims.spacelift_stack) +
    ", commit " + sha + ", branch " + JSON.stringify(branch) + ", key " + JSON.stringify(header.kid) +
    ", valid until " + new Date(claims.exp * 1000).toISOString(),
);
SIGN_RUN_TOKEN
`;

/** Exchanges nothing: fetches GitHub's OIDC token, which Spacelift accepts as the OIDC API key's secret. */
export const FETCH_OIDC_TOKEN_SCRIPT = `set -euo pipefail
: "\${ACTIONS_ID_TOKEN_REQUEST_URL:?needs permissions: id-token: write}"
: "\${ACTIONS_ID_TOKEN_REQUEST_TOKEN:?needs permissions: id-token: write}"
response="$(curl --fail --silent --show-error --get \\
  --header "Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN" \\
  --data-urlencode "audience=$SPACELIFT_OIDC_AUDIENCE" \\
  "$ACTIONS_ID_TOKEN_REQUEST_URL")"
id_token="$(jq -r '.value // empty' <<<"$response")"
if [[ ! "$id_token" =~ ^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$ ]]; then
  echo "::error::GitHub returned no OIDC token for audience $SPACELIFT_OIDC_AUDIENCE"
  exit 1
fi
echo "::add-mask::$id_token"
echo "SPACELIFT_API_KEY_SECRET=$id_token" >> "$GITHUB_ENV"
echo "Got a GitHub OIDC token for audience $SPACELIFT_OIDC_AUDIENCE"
`;

export function triggerRunScript(command: "deploy" | "preview"): string {
  return `set -euo pipefail
spacectl stack ${command} --id "$SPACELIFT_STACK_ID" --sha "$GITHUB_SHA" --run-metadata "$RUN_TOKEN"
`;
}
