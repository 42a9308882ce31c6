/**
 * TEST-ONLY STAND-IN FOR curl, first on the workflow harness's PATH, so that a
 * workflow under test never reaches the network:
 *
 * - a request to http://127.0.0.1 (the harness's own endpoints, such as the
 *   GitHub OIDC token endpoint) is handed to the real curl unchanged;
 * - a URL listed in the JSON map at CURL_STAND_IN_DOWNLOADS ({url: localFile})
 *   is "downloaded" by copying that file to --output;
 * - anything else fails like an unresolvable host (exit 6).
 *
 * Every invocation is appended to CURL_STAND_IN_LOG.
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, copyFileSync, readFileSync } from "node:fs";

const argv = process.argv.slice(2);
if (process.env.CURL_STAND_IN_LOG) appendFileSync(process.env.CURL_STAND_IN_LOG, JSON.stringify({ argv }) + "\n");

const urls = argv.filter((arg) => /^https?:\/\//.test(arg));
if (urls.length !== 1) {
  process.stderr.write(`curl stand-in: expected exactly one URL, got ${JSON.stringify(urls)}\n`);
  process.exit(2);
}
const url = new URL(urls[0]);

if (url.protocol === "http:" && url.hostname === "127.0.0.1") {
  const realCurl = process.env.CURL_STAND_IN_REAL;
  if (!realCurl) {
    process.stderr.write("curl stand-in: CURL_STAND_IN_REAL is not set\n");
    process.exit(2);
  }
  const result = spawnSync(realCurl, argv, { stdio: "inherit" });
  process.exit(result.status ?? 1);
}

const downloads = process.env.CURL_STAND_IN_DOWNLOADS
  ? (JSON.parse(readFileSync(process.env.CURL_STAND_IN_DOWNLOADS, "utf8")) as Record<string, string>)
  : {};
const localFile = downloads[url.href];
if (localFile === undefined) {
  process.stderr.write(
    `curl: (6) Could not resolve host: ${url.hostname} (the test network only serves its own files)\n`,
  );
  process.exit(6);
}
const outputIndex = argv.findIndex((arg) => arg === "--output" || arg === "-o");
if (outputIndex === -1 || outputIndex + 1 >= argv.length) {
  process.stdout.write(readFileSync(localFile));
} else {
  copyFileSync(localFile, argv[outputIndex + 1]);
}
