/**
 * A local stand-in for the endpoint a GitHub job with `id-token: write` asks
 * for an OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL, authenticated with
 * ACTIONS_ID_TOKEN_REQUEST_TOKEN). It hands out JWT-shaped tokens for the
 * requested audience and remembers them, so the fake Spacelift API can accept
 * exactly those. The tokens are not signed by GitHub's key; nothing in these
 * tests verifies GitHub's signature (Spacelift does that in real life).
 */
import { randomBytes } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface IssuedOidcToken {
  token: string;
  audience: string;
}

export class FakeGithubOidcTokenEndpoint {
  readonly issued: IssuedOidcToken[] = [];
  readonly requestToken = `oidc-request-${randomBytes(16).toString("hex")}`;

  private constructor(
    private readonly server: http.Server,
    private readonly subject: string,
  ) {}

  static async start(subject: string): Promise<FakeGithubOidcTokenEndpoint> {
    const server = http.createServer((request, response) => endpoint.handle(request, response));
    const endpoint = new FakeGithubOidcTokenEndpoint(server, subject);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return endpoint;
  }

  /** The value of ACTIONS_ID_TOKEN_REQUEST_URL; like GitHub's, it already has a query string. */
  get requestUrl(): string {
    const address = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}/_apis/oidc/token?api-version=2.0`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    if (
      request.headers.authorization !== `bearer ${this.requestToken}` &&
      request.headers.authorization !== `Bearer ${this.requestToken}`
    ) {
      response.writeHead(401).end();
      return;
    }
    const audience = url.searchParams.get("audience") ?? "";
    const now = Math.floor(Date.now() / 1000);
    const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");
    const token = [
      encode({ alg: "RS256", typ: "JWT", kid: "fake-github-oidc" }),
      encode({
        iss: "https://token.actions.githubusercontent.com",
        aud: audience,
        sub: this.subject,
        iat: now,
        nbf: now,
        exp: now + 300,
      }),
      randomBytes(32).toString("base64url"),
    ].join(".");
    this.issued.push({ token, audience });
    response.writeHead(200, { "Content-Type": "application/json" });
    response.end(JSON.stringify({ count: 1, value: token }));
  }
}
