// A local HTTPS stand-in for the two Azure services the function calls, so the real
// @azure/identity (MSAL) and @azure/monitor-ingestion clients run unchanged:
// - Entra ID for ClientSecretCredential with a custom authorityHost: the tenant's OpenID
//   configuration (MSAL reads it before its first token) and the v2.0 token endpoint
//   (client_credentials; checks the client id, the secret and the scope, and remembers which
//   scope each token was issued for, so other fakes can check the audience too);
// - the Logs Ingestion API: POST /dataCollectionRules/<immutable id>/streams/<stream>, which
//   checks the bearer token it issued, the rule and the stream, gzip, the 1 MB limit (413) and
//   that the body is a JSON array, and keeps every record it accepted as the table would: each
//   record against the stream declaration the planned program gives the rule (a column the
//   declaration lacks is dropped, silently, as Azure drops it, and counted here; a value of the
//   wrong type is stored empty and counted); it can answer 429 (with or without Retry-After),
//   500 or 503, store a call and then lose the reply (the connection reset), or never answer,
//   a number of times or for good.
// - `report()` reads the table as the saved searches do (the latest LoggedDate, then the latest
//   copy of each RecordId), so a test counts both the rows stored and what a user sees.
// The certificate is self-signed, generated per run (selfsigned); clients trust it through
// their tlsOptions, never by turning verification off.
import { randomBytes, randomUUID } from "node:crypto";
import { createServer } from "node:https";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { generate } from "selfsigned";

/** The Logs Ingestion API's limit per call (compressed, and uncompressed after gunzip). */
export const MAX_UPLOAD_BYTES = 1024 * 1024;
export const INGESTION_API_VERSION = "2023-01-01";
/** Scopes Entra accepts for Azure Monitor (the resource id with and without its trailing slash). */
export const MONITOR_SCOPES = ["https://monitor.azure.com//.default", "https://monitor.azure.com/.default"];

export interface FakeAzureOptions {
    tenantId: string;
    clientId: string;
    clientSecret: string;
    /** Lifetime of the tokens it issues; under five minutes, MSAL asks for a new one every time. Default 3599. */
    tokenLifetimeSeconds?: number;
    /** The rule and stream the ingestion API accepts; absent, the fake is a token endpoint only. */
    dcrImmutableId?: string;
    streamName?: string;
    /** Scopes the token endpoint issues tokens for. Default: MONITOR_SCOPES. */
    scopes?: readonly string[];
    /** The stream's declared columns (from the planned data collection rule); required with a rule. */
    streamColumns?: ReadonlyArray<{ name: string; type: string }>;
}

/** A self-signed certificate for 127.0.0.1 and localhost, generated per run, for the HTTPS fakes. */
export async function localhostCertificate(): Promise<{ key: string; cert: string }> {
    const pems = await generate([{ name: "commonName", value: "localhost" }], {
        keyType: "ec",
        algorithm: "sha256",
        extensions: [
            { name: "basicConstraints", cA: false },
            { name: "keyUsage", digitalSignature: true },
            { name: "extKeyUsage", serverAuth: true },
            { name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }, { type: 2, value: "localhost" }] },
        ],
    });
    return { key: pems.private, cert: pems.cert };
}

export interface IngestionFault {
    /** An HTTP status; "lose-reply" stores the call and then resets the connection; "hang" never answers. */
    status: 429 | 500 | 503 | "lose-reply" | "hang";
    /** How many matching upload calls get this answer; Infinity for every one. */
    times: number;
    /** Sent as Retry-After (seconds), as Azure does on 429. */
    retryAfterSeconds?: number;
    /** Only calls whose records match. */
    match?: (records: ReadonlyArray<Record<string, unknown>>) => boolean;
}

export interface UploadCall {
    at: number;
    status: number;
    compressedBytes: number;
    records: number;
}

export class FakeAzure {
    /** Every request, in order, as "METHOD /path" (what MSAL and the client actually call). */
    readonly requests: string[] = [];
    readonly tokenScopes: string[] = [];
    readonly uploads: UploadCall[] = [];
    /** Rows stored (the table), in arrival order: the records of the calls accepted, as the declaration keeps them. */
    readonly records: Array<Record<string, unknown>> = [];
    /** Columns the stream declaration lacks, with how many records carried them (Azure drops them silently). */
    readonly droppedColumns = new Map<string, number>();
    /** Values that did not fit their column's type ("column: value"), stored empty. */
    readonly invalidValues: string[] = [];
    /** Every upload body after gunzip, accepted or not. */
    readonly bodies: string[] = [];
    /** Access token to the scope it was issued for. */
    private readonly issued = new Map<string, string>();
    private readonly faults: Array<IngestionFault & { fired: number }> = [];

    private constructor(
        private readonly server: Server,
        readonly url: string,
        /** PEM of the self-signed certificate, for the clients' tlsOptions.ca. */
        readonly ca: string,
        private readonly options: FakeAzureOptions,
    ) {}

    /** The application's secret changed (a rotation): the old one is refused from now on. */
    rotateClientSecret(secret: string): void {
        this.options.clientSecret = secret;
    }

    static async start(options: FakeAzureOptions): Promise<FakeAzure> {
        const pems = await localhostCertificate();
        const server = createServer({ key: pems.key, cert: pems.cert });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const fake = new FakeAzure(server, `https://127.0.0.1:${(server.address() as AddressInfo).port}`, pems.cert, options);
        server.on("request", (req: IncomingMessage, res: ServerResponse) => {
            fake.handle(req, res).catch((error: unknown) => res.writeHead(500).end(String(error)));
        });
        return fake;
    }

    /** Every access token the fake issued (to prove none leaks into logs). */
    get issuedTokens(): string[] {
        return [...this.issued.keys()];
    }

    /** The scope a token was issued for, or undefined for a token this fake never issued. */
    scopeOf(token: string): string | undefined {
        return this.issued.get(token);
    }

    get tokenRequests(): number {
        return this.requests.filter((r) => r.endsWith("/oauth2/v2.0/token")).length;
    }

    /** Answers the next matching upload calls with an error. */
    fail(fault: IngestionFault): void {
        this.faults.push({ ...fault, fired: 0 });
    }

    /** The outage is over: no more injected answers. */
    clearFaults(): void {
        this.faults.length = 0;
    }

    async close(): Promise<void> {
        this.server.closeAllConnections();
        await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }

    private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
        const url = new URL(req.url ?? "/", this.url);
        this.requests.push(`${req.method} ${url.pathname}`);
        const body = await readBody(req);
        const json = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
            res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(payload));
        };
        const tenant = this.options.tenantId;

        if (req.method === "GET" && url.pathname === `/${tenant}/v2.0/.well-known/openid-configuration`) return json(200, this.openIdConfiguration());
        if (req.method === "POST" && url.pathname === `/${tenant}/oauth2/v2.0/token`) return this.token(new URLSearchParams(body.toString("utf8")), json);
        const ingestion = /^\/dataCollectionRules\/([^/]+)\/streams\/([^/]+)$/.exec(url.pathname);
        if (req.method === "POST" && ingestion) return this.ingest(req, url, decodeURIComponent(ingestion[1]), decodeURIComponent(ingestion[2]), body, json);
        return json(404, { error: { code: "NotFound", message: `the fake does not serve ${req.method} ${url.pathname}` } });
    }

    private openIdConfiguration(): Record<string, unknown> {
        const base = `${this.url}/${this.options.tenantId}`;
        return {
            token_endpoint: `${base}/oauth2/v2.0/token`,
            token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
            jwks_uri: `${base}/discovery/v2.0/keys`,
            response_modes_supported: ["query", "fragment", "form_post"],
            subject_types_supported: ["pairwise"],
            id_token_signing_alg_values_supported: ["RS256"],
            response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
            scopes_supported: ["openid", "profile", "email", "offline_access"],
            issuer: `${base}/v2.0`,
            authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
            device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
            end_session_endpoint: `${base}/oauth2/v2.0/logout`,
            tenant_region_scope: "EU",
            cloud_instance_name: "microsoftonline.com",
        };
    }

    private token(form: URLSearchParams, json: (status: number, payload: unknown) => void): void {
        const refuse = (status: number, error: string, description: string) => json(status, { error, error_description: description, error_codes: [], timestamp: new Date().toISOString(), trace_id: randomUUID(), correlation_id: randomUUID() });
        if (form.get("grant_type") !== "client_credentials") return refuse(400, "unsupported_grant_type", `AADSTS70003: grant_type ${form.get("grant_type")} is not client_credentials.`);
        if (form.get("client_id") !== this.options.clientId) return refuse(400, "unauthorized_client", `AADSTS700016: Application with identifier '${form.get("client_id")}' was not found.`);
        if (form.get("client_secret") !== this.options.clientSecret) return refuse(401, "invalid_client", "AADSTS7000215: Invalid client secret provided.");
        const scope = form.get("scope") ?? "";
        this.tokenScopes.push(scope);
        if (!(this.options.scopes ?? MONITOR_SCOPES).includes(scope)) return refuse(400, "invalid_scope", `AADSTS70011: The provided value for scope ${scope} is not valid.`);
        const accessToken = randomBytes(32).toString("base64url");
        this.issued.set(accessToken, scope);
        const lifetime = this.options.tokenLifetimeSeconds ?? 3599;
        json(200, { token_type: "Bearer", expires_in: lifetime, ext_expires_in: lifetime, access_token: accessToken });
    }

    private ingest(req: IncomingMessage, url: URL, rule: string, stream: string, body: Buffer, json: (status: number, payload: unknown, headers?: Record<string, string>) => void): void {
        const call: UploadCall = { at: performance.now(), status: 0, compressedBytes: body.length, records: 0 };
        this.uploads.push(call);
        const answer = (status: number, code?: string, message?: string, headers?: Record<string, string>) => {
            call.status = status;
            if (code) json(status, { error: { code, message } }, headers);
            else json(status, undefined, headers);
        };
        const authorization = req.headers.authorization ?? "";
        const tokenScope = authorization.startsWith("Bearer ") ? this.issued.get(authorization.slice("Bearer ".length)) : undefined;
        if (tokenScope === undefined || !MONITOR_SCOPES.includes(tokenScope)) return answer(401, "InvalidToken", "The bearer token is missing, was not issued by this tenant, or not for Azure Monitor.");
        if (url.searchParams.get("api-version") !== INGESTION_API_VERSION) return answer(400, "InvalidApiVersion", `api-version ${url.searchParams.get("api-version")} is not supported.`);
        if (rule !== this.options.dcrImmutableId) return answer(404, "InvalidDcrImmutableId", `No data collection rule ${rule}.`);
        if (stream !== this.options.streamName) return answer(400, "InvalidStream", `The rule has no stream ${stream}.`);
        if (req.headers["content-encoding"] !== "gzip") return answer(400, "InvalidContentEncoding", "Expected Content-Encoding: gzip.");
        if (req.headers["content-type"]?.split(";")[0] !== "application/json") return answer(415, "UnsupportedMediaType", "Expected application/json.");
        if (body.length > MAX_UPLOAD_BYTES) return answer(413, "ContentLengthLimitExceeded", `The compressed body is ${body.length} bytes, over ${MAX_UPLOAD_BYTES}.`);
        let text: string;
        try {
            text = gunzipSync(body).toString("utf8");
        } catch {
            return answer(400, "InvalidContent", "The body is not gzip.");
        }
        this.bodies.push(text);
        if (Buffer.byteLength(text) > MAX_UPLOAD_BYTES) return answer(413, "ContentLengthLimitExceeded", `The body is ${Buffer.byteLength(text)} bytes uncompressed, over ${MAX_UPLOAD_BYTES}.`);
        let records: unknown;
        try {
            records = JSON.parse(text);
        } catch {
            return answer(400, "InvalidContent", "The body is not JSON.");
        }
        if (!Array.isArray(records) || !records.every((r): r is Record<string, unknown> => typeof r === "object" && r !== null && !Array.isArray(r))) return answer(400, "InvalidContent", "The body is not a JSON array of objects.");
        call.records = records.length;
        const fault = this.faults.find((f) => f.fired < f.times && (!f.match || f.match(records as Array<Record<string, unknown>>)));
        if (fault?.status === "hang") {
            fault.fired++;
            call.status = -1;
            // Never answered; close() ends the connection.
            return;
        }
        if (fault?.status === "lose-reply") {
            fault.fired++;
            this.store(records as Array<Record<string, unknown>>);
            call.status = -2;
            req.socket.destroy();
            return;
        }
        if (fault) {
            fault.fired++;
            const headers = fault.retryAfterSeconds !== undefined ? { "retry-after": String(fault.retryAfterSeconds) } : undefined;
            return answer(fault.status, fault.status === 429 ? "TooManyRequests" : "ServiceUnavailable", fault.status === 429 ? "Too many requests; retry later." : "The service is temporarily unavailable.", headers);
        }
        this.store(records as Array<Record<string, unknown>>);
        answer(204);
    }

    /** Keeps records as the rule's stream declaration and the table keep them. */
    private store(records: ReadonlyArray<Record<string, unknown>>): void {
        const columns = this.options.streamColumns;
        if (!columns) throw new Error("the fake ingestion API needs the stream declaration (streamColumns) to store records");
        for (const record of records) {
            const row: Record<string, unknown> = {};
            for (const [name, value] of Object.entries(record)) {
                const column = columns.find((c) => c.name === name);
                if (!column) {
                    this.droppedColumns.set(name, (this.droppedColumns.get(name) ?? 0) + 1);
                    continue;
                }
                const fits = column.type === "datetime" ? typeof value === "string" && !Number.isNaN(Date.parse(value)) : column.type === "string" ? typeof value === "string" : true;
                if (fits) row[name] = value;
                else this.invalidValues.push(`${name}: ${JSON.stringify(value)}`);
            }
            this.records.push(row);
        }
    }

    /**
     * The table as the saved searches read it: rows of the latest LoggedDate, then one per
     * RecordId, its latest TimeGenerated (summarize arg_max(TimeGenerated, *) by RecordId).
     */
    report(): Array<Record<string, unknown>> {
        const latest = this.records.reduce((max, r) => (String(r.LoggedDate ?? "") > max ? String(r.LoggedDate) : max), "");
        const byId = new Map<unknown, Record<string, unknown>>();
        for (const row of this.records.filter((r) => r.LoggedDate === latest)) {
            const seen = byId.get(row.RecordId);
            if (!seen || String(row.TimeGenerated) > String(seen.TimeGenerated)) byId.set(row.RecordId, row);
        }
        return [...byId.values()];
    }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        req.on("data", (chunk: Buffer) => chunks.push(chunk));
        req.on("end", () => resolve(Buffer.concat(chunks)));
        req.on("error", reject);
    });
}
