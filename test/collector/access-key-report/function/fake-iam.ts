// A local stand-in for AWS IAM and SSM Parameter Store that the real AWS SDK v3 clients talk
// to (endpoint option, static credentials, us-east-1), so the SDK's paginators, XML parsing,
// error classification, retries and adaptive rate limiting all really run.
// - IAM: the Query protocol (POST form `Action=...&Version=2010-05-08`, XML answers in IAM's
//   namespace): ListUsers and ListAccessKeys paged with Marker/MaxItems/IsTruncated (pages as
//   large as MaxItems asks, 1 to 1,000, 100 without it), GetAccessKeyLastUsed, and IAM's XML
//   ErrorResponse (Throttling is HTTP 400, Type Sender, "Rate exceeded"; ServiceUnavailable 503
//   Receiver; NoSuchEntity 404; ValidationError 400 with IAM's wording for MaxItems, user names
//   and key ids). Users have paths (/division/team/, and punctuation IAM allows in paths, such
//   as & and <) and names from IAM's whole alphabet (letters, digits and +=,.@_-); every value
//   is XML-escaped as IAM escapes it.
// - SSM: the JSON protocol (`X-Amz-Target: AmazonSSM.GetParameter`), enough for GetParameter.
// It measures what a reader of the function cares about: calls per action, the highest number
// of requests in flight at once and the most requests seen within any one second; it can add
// latency, throttle above a rate, and answer injected failures.
import { createHash, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type IamAction = "ListUsers" | "ListAccessKeys" | "GetAccessKeyLastUsed";
export type FakeAction = IamAction | "GetParameter";
const ACTIONS: readonly FakeAction[] = ["ListUsers", "ListAccessKeys", "GetAccessKeyLastUsed", "GetParameter"];

export const FAKE_ACCOUNT_ID = "123456789012";
/** Static credentials for the SDK clients; the fake checks they sign for the right service. */
export const FAKE_CREDENTIALS = { accessKeyId: "FAKEACCESSKEYFORTESTS", secretAccessKey: "fake-secret-access-key" } as const;

export interface InjectedFailure {
    action: FakeAction;
    /** IAM error code (Throttling, NoSuchEntity, ServiceFailure, AccessDenied) or SSM error type. */
    code: string;
    /** HTTP status; default: IAM's for the code (Throttling 400, NoSuchEntity 404, ServiceFailure 500, AccessDenied 403). */
    status?: number;
    /** How many matching requests fail; Infinity for every one. */
    times: number;
    /** Only requests whose parameters match (IAM form fields, or SSM's JSON fields as strings). */
    match?: (params: Readonly<Record<string, string>>) => boolean;
    /** Answer this many matching requests normally first. Default 0. */
    after?: number;
    /** The error message; default IAM's wording for the code, else "injected <code>". */
    message?: (params: Readonly<Record<string, string>>) => string;
}

export interface FakeIamOptions {
    users: number;
    /** Keys per user (IAM allows 0 to 2). Default 2. */
    keysPerUser?: number | ((userIndex: number) => number);
    /** Most users one ListUsers page holds, whatever MaxItems asks for (IAM may return fewer). Default: as MaxItems asks. */
    usersPageSize?: number;
    /** Most keys one ListAccessKeys page holds. Default: as MaxItems asks. */
    keysPageSize?: number;
    /** Added before every answer. Default 0. */
    latencyMs?: number;
    /** Requests accepted within any one second; above it the answer is Throttling. Default unlimited. */
    maxRequestsPerSecond?: number;
    failures?: InjectedFailure[];
    /** SecureString parameters, name to decrypted value. */
    parameters?: Record<string, string>;
    /**
     * IAM requests answered Throttling (HTTP 400) or ServiceUnavailable (HTTP 503) at random, at
     * these rates (0 to 1), from a seeded generator so a run can be repeated.
     */
    faultRates?: { throttling: number; unavailable: number; seed?: number };
}

export interface FakeKey {
    accessKeyId: string;
    status: "Active" | "Inactive";
    createDate: Date;
    lastUsed?: { date: Date; region: string; service: string };
}

export interface FakeUser {
    userName: string;
    path: string;
    arn: string;
    userId: string;
    createDate: Date;
    keys: FakeKey[];
}

export interface FakeIamStats {
    calls: Record<FakeAction, number>;
    /** Requests answered with an injected failure or Throttling, per action. */
    failed: Record<FakeAction, number>;
    /** IAM requests in flight at once, at most (SSM not counted). */
    peakConcurrency: number;
    /** IAM requests that arrived within any one second, at most. */
    peakRequestsPerSecond: number;
}

const REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"];
const SERVICES = ["s3", "ec2", "sts", "iam"];
const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/**
 * A realistic key id (AKIA and 16 characters) whose last four characters are unique for each
 * key in the fake, so masked ids (first four, last four) stay distinct; the hidden middle is
 * derived from the index so no two keys share it either.
 */
export function fakeAccessKeyId(index: number): string {
    const digest = createHash("sha256").update(`key-${index}`).digest();
    const middle = Array.from(digest.subarray(0, 12), (byte) => BASE32[byte % 32]).join("");
    return `AKIA${middle}${index.toString(36).toUpperCase().padStart(4, "0")}`;
}

/** IAM's user name alphabet (API_User: [\w+=,.@-]+, 1 to 64 characters) and path rule (/ or /.../ of ! to DEL). */
export const USER_NAME = /^[\w+=,.@-]{1,64}$/;
export const PATH = /^(\/|\/[\u0021-\u007F]+\/)$/;
const NAME_FORMS = [(i: string) => `user-${i}`, (i: string) => `first.last+${i}@example.com`, (i: string) => `svc_${i}=ci,build`, (i: string) => `user-${i}`];
const PATHS = ["/", "/division/team/", "/r&d/<lab>/", "/"];

export function fakeUsers(count: number, keysPerUser: FakeIamOptions["keysPerUser"] = 2): FakeUser[] {
    const keysOf = typeof keysPerUser === "function" ? keysPerUser : () => keysPerUser;
    const users: FakeUser[] = [];
    let keyIndex = 0;
    for (let i = 0; i < count; i++) {
        const userName = NAME_FORMS[i % NAME_FORMS.length](String(i).padStart(5, "0"));
        const path = PATHS[Math.floor(i / NAME_FORMS.length) % PATHS.length];
        const keys: FakeKey[] = [];
        for (let k = 0; k < keysOf(i); k++, keyIndex++) {
            const n = keyIndex;
            keys.push({
                accessKeyId: fakeAccessKeyId(n),
                status: n % 3 === 2 ? "Inactive" : "Active",
                createDate: new Date(Date.UTC(2024, 0, 1) + n * 3_600_000),
                // One key in four was never used: IAM then answers N/A for its region and service.
                lastUsed: n % 4 === 0 ? undefined : { date: new Date(Date.UTC(2026, 0, 1) + n * 60_000), region: REGIONS[n % REGIONS.length], service: SERVICES[n % SERVICES.length] },
            });
        }
        users.push({ userName, path, arn: `arn:aws:iam::${FAKE_ACCOUNT_ID}:user${path}${userName}`, userId: `AIDA${String(i).padStart(17, "0")}`, createDate: new Date(Date.UTC(2023, 5, 1) + i * 86_400_000), keys });
    }
    return users;
}

const xmlEscape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const iso = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, "Z");
const NS = "https://iam.amazonaws.com/doc/2010-05-08/";

class FakeError extends Error {
    constructor(
        readonly code: string,
        readonly status: number,
        message: string,
    ) {
        super(message);
    }
}

const DEFAULT_STATUS: Record<string, number> = { Throttling: 400, ServiceUnavailable: 503, NoSuchEntity: 404, ServiceFailure: 500, AccessDenied: 403, ValidationError: 400 };

/** IAM's validation message: one constraint of one member (the wording IAM's Query API uses). */
function invalid(value: string, member: string, constraint: string): FakeError {
    return new FakeError("ValidationError", 400, `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${constraint}`);
}

/** A seeded generator (mulberry32): the same seed gives the same faults on the same requests. */
function seeded(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

export class FakeIam {
    readonly users: FakeUser[];
    private readonly byName = new Map<string, FakeUser>();
    private readonly byKey = new Map<string, { user: FakeUser; key: FakeKey }>();
    private readonly failures: Array<InjectedFailure & { seen: number; fired: number }>;
    private readonly parameters: Record<string, string>;
    private stats: FakeIamStats = FakeIam.emptyStats();
    private inFlight = 0;
    private readonly arrivals = new SlidingSecond();
    private readonly accepted = new SlidingSecond();

    private constructor(
        private readonly server: Server,
        readonly url: string,
        private readonly options: FakeIamOptions,
    ) {
        this.users = fakeUsers(options.users, options.keysPerUser);
        for (const user of this.users) {
            this.byName.set(user.userName, user);
            for (const key of user.keys) this.byKey.set(key.accessKeyId, { user, key });
        }
        this.failures = (options.failures ?? []).map((f) => ({ ...f, seen: 0, fired: 0 }));
        this.parameters = { ...options.parameters };
        this.random = seeded(options.faultRates?.seed ?? 13);
        for (const user of this.users) {
            if (!USER_NAME.test(user.userName) || !PATH.test(user.path)) throw new Error(`the fake's user ${user.path}${user.userName} is not one IAM would hold`);
        }
    }

    private readonly random: () => number;

    static async start(options: FakeIamOptions): Promise<FakeIam> {
        const server = createServer();
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const fake = new FakeIam(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, options);
        server.on("request", (req, res) => void fake.handle(req, res));
        return fake;
    }

    private static emptyStats(): FakeIamStats {
        const zero = () => Object.fromEntries(ACTIONS.map((a) => [a, 0])) as Record<FakeAction, number>;
        return { calls: zero(), failed: zero(), peakConcurrency: 0, peakRequestsPerSecond: 0 };
    }

    /** Every access key in the fake: what a complete report must contain. */
    get keys(): Array<{ user: FakeUser; key: FakeKey }> {
        return [...this.byKey.values()];
    }

    get statistics(): FakeIamStats {
        return structuredClone(this.stats);
    }

    resetStatistics(): void {
        this.stats = FakeIam.emptyStats();
    }

    /** Changes an SSM parameter's value (a rotated secret). */
    setParameter(name: string, value: string): void {
        this.parameters[name] = value;
    }

    /** Adds failures to answer from now on. */
    inject(failure: InjectedFailure): void {
        this.failures.push({ ...failure, seen: 0, fired: 0 });
    }

    async close(): Promise<void> {
        this.server.closeAllConnections();
        await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }

    private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
        const target = req.headers["x-amz-target"];
        const isSsm = typeof target === "string";
        if (!isSsm) this.countArrival();
        res.on("close", () => {
            if (!isSsm) this.inFlight--;
        });
        try {
            const body = await readBody(req);
            if (isSsm) await this.answerSsm(req, res, target, body);
            else await this.answerIam(req, res, body);
        } catch (error) {
            res.writeHead(500).end(String(error));
        }
    }

    private countArrival(): void {
        this.inFlight++;
        this.stats.peakConcurrency = Math.max(this.stats.peakConcurrency, this.inFlight);
        this.stats.peakRequestsPerSecond = Math.max(this.stats.peakRequestsPerSecond, this.arrivals.add(performance.now()));
    }

    /** Throttling above the configured rate: a sliding one-second window of accepted requests. */
    private overRate(): boolean {
        const max = this.options.maxRequestsPerSecond;
        if (max === undefined) return false;
        const now = performance.now();
        if (this.accepted.count(now) >= max) return true;
        this.accepted.add(now);
        return false;
    }

    private randomFault(): FakeError | undefined {
        const rates = this.options.faultRates;
        if (!rates) return undefined;
        const draw = this.random();
        if (draw < rates.throttling) return new FakeError("Throttling", 400, "Rate exceeded");
        if (draw < rates.throttling + rates.unavailable) return new FakeError("ServiceUnavailable", 503, "Service is unable to handle request.");
        return undefined;
    }

    private injected(action: FakeAction, params: Readonly<Record<string, string>>): InjectedFailure | undefined {
        for (const failure of this.failures) {
            if (failure.action !== action || failure.fired >= failure.times || (failure.match && !failure.match(params))) continue;
            failure.seen++;
            if (failure.seen <= (failure.after ?? 0)) continue;
            failure.fired++;
            return failure;
        }
        return undefined;
    }

    private async answerIam(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
        const params = Object.fromEntries(new URLSearchParams(body));
        const action = params.Action as IamAction;
        const requestId = randomUUID();
        const answer = (status: number, xml: string): void => {
            res.writeHead(status, { "content-type": "text/xml", "x-amzn-requestid": requestId }).end(`<?xml version="1.0"?>\n${xml}`);
        };
        const error = (e: FakeError) =>
            answer(e.status, `<ErrorResponse xmlns="${NS}"><Error><Type>${e.status >= 500 ? "Receiver" : "Sender"}</Type><Code>${e.code}</Code><Message>${xmlEscape(e.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`);
        try {
            if (req.method !== "POST" || req.headers["content-type"]?.split(";")[0] !== "application/x-www-form-urlencoded") throw new FakeError("InvalidAction", 400, "expected a form POST");
            checkSignature(req, "iam");
            if (params.Version !== "2010-05-08") throw new FakeError("InvalidAction", 400, `unknown Version ${params.Version}`);
            if (!["ListUsers", "ListAccessKeys", "GetAccessKeyLastUsed"].includes(action)) throw new FakeError("InvalidAction", 400, `Could not find operation ${action} for version 2010-05-08`);
            this.stats.calls[action]++;
            if (this.overRate()) {
                this.stats.failed[action]++;
                throw new FakeError("Throttling", 400, "Rate exceeded");
            }
            validate(action, params);
            const failure = this.injected(action, params);
            const random = this.randomFault();
            await delay(this.options.latencyMs ?? 0);
            if (random) {
                this.stats.failed[action]++;
                throw random;
            }
            if (failure) {
                this.stats.failed[action]++;
                throw new FakeError(failure.code, failure.status ?? DEFAULT_STATUS[failure.code] ?? 400, failure.message?.(params) ?? messageFor(failure.code, params));
            }
            answer(200, `<${action}Response xmlns="${NS}"><${action}Result>${this.result(action, params)}</${action}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`);
        } catch (e) {
            if (!(e instanceof FakeError)) throw e;
            error(e);
        }
    }

    private result(action: IamAction, params: Record<string, string>): string {
        switch (action) {
            case "ListUsers": {
                const { items, next } = page(this.users, params, this.options.usersPageSize);
                const users = items.map((u) => `<member><Path>${xmlEscape(u.path)}</Path><UserName>${xmlEscape(u.userName)}</UserName><UserId>${u.userId}</UserId><Arn>${xmlEscape(u.arn)}</Arn><CreateDate>${iso(u.createDate)}</CreateDate></member>`);
                return `<IsTruncated>${next !== undefined}</IsTruncated>${next !== undefined ? `<Marker>${xmlEscape(next)}</Marker>` : ""}<Users>${users.join("")}</Users>`;
            }
            case "ListAccessKeys": {
                const user = this.byName.get(params.UserName ?? "");
                if (!user) throw new FakeError("NoSuchEntity", 404, messageFor("NoSuchEntity", params));
                const { items, next } = page(user.keys, params, this.options.keysPageSize);
                const keys = items.map((k) => `<member><UserName>${xmlEscape(user.userName)}</UserName><AccessKeyId>${k.accessKeyId}</AccessKeyId><Status>${k.status}</Status><CreateDate>${iso(k.createDate)}</CreateDate></member>`);
                return `<UserName>${xmlEscape(user.userName)}</UserName><AccessKeyMetadata>${keys.join("")}</AccessKeyMetadata><IsTruncated>${next !== undefined}</IsTruncated>${next !== undefined ? `<Marker>${xmlEscape(next)}</Marker>` : ""}`;
            }
            case "GetAccessKeyLastUsed": {
                const found = this.byKey.get(params.AccessKeyId ?? "");
                if (!found) throw new FakeError("NoSuchEntity", 404, messageFor("NoSuchEntity", params));
                const used = found.key.lastUsed;
                const lastUsed = used ? `<LastUsedDate>${iso(used.date)}</LastUsedDate><Region>${used.region}</Region><ServiceName>${used.service}</ServiceName>` : "<Region>N/A</Region><ServiceName>N/A</ServiceName>";
                return `<UserName>${xmlEscape(found.user.userName)}</UserName><AccessKeyLastUsed>${lastUsed}</AccessKeyLastUsed>`;
            }
        }
    }

    private async answerSsm(req: IncomingMessage, res: ServerResponse, target: string, body: string): Promise<void> {
        const answer = (status: number, payload: unknown): void => {
            res.writeHead(status, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": randomUUID() }).end(JSON.stringify(payload));
        };
        if (target !== "AmazonSSM.GetParameter" || req.headers["content-type"] !== "application/x-amz-json-1.1") return answer(400, { __type: "UnknownOperationException", message: `unsupported ${target}` });
        try {
            checkSignature(req, "ssm");
        } catch (e) {
            return answer(400, { __type: "UnrecognizedClientException", message: e instanceof Error ? e.message : String(e) });
        }
        const input = JSON.parse(body) as { Name?: string; WithDecryption?: boolean };
        this.stats.calls.GetParameter++;
        const failure = this.injected("GetParameter", { Name: String(input.Name), WithDecryption: String(input.WithDecryption) });
        await delay(this.options.latencyMs ?? 0);
        if (failure) {
            this.stats.failed.GetParameter++;
            return answer(failure.status ?? 400, { __type: failure.code, message: `injected ${failure.code}` });
        }
        const value = this.parameters[input.Name ?? ""];
        if (value === undefined) return answer(400, { __type: "ParameterNotFound", message: "" });
        answer(200, {
            Parameter: {
                ARN: `arn:aws:ssm:us-east-1:${FAKE_ACCOUNT_ID}:parameter/${(input.Name ?? "").replace(/^\//, "")}`,
                DataType: "text",
                LastModifiedDate: 1_767_225_600,
                Name: input.Name,
                Type: "SecureString",
                // Without decryption SSM returns the ciphertext, which no token endpoint accepts.
                Value: input.WithDecryption === true ? value : Buffer.from(`ciphertext:${value}`).toString("base64"),
                Version: 1,
            },
        });
    }
}

/** Events within the last second, counted without rescanning the whole history. */
class SlidingSecond {
    private times: number[] = [];
    private head = 0;

    count(now: number): number {
        while (this.head < this.times.length && this.times[this.head] <= now - 1000) this.head++;
        if (this.head > 4096) {
            this.times = this.times.slice(this.head);
            this.head = 0;
        }
        return this.times.length - this.head;
    }

    /** Records an event; returns the count within the last second, this one included. */
    add(now: number): number {
        this.times.push(now);
        return this.count(now);
    }
}

/** The members IAM validates before anything else: MaxItems 1 to 1,000, user names, key ids. */
function validate(action: IamAction, params: Readonly<Record<string, string>>): void {
    if (params.MaxItems !== undefined) {
        const n = Number(params.MaxItems);
        if (!Number.isInteger(n)) throw invalid(params.MaxItems, "maxItems", "Member must be a valid integer");
        if (n < 1) throw invalid(params.MaxItems, "maxItems", "Member must have value greater than or equal to 1");
        if (n > 1000) throw invalid(params.MaxItems, "maxItems", "Member must have value less than or equal to 1000");
    }
    if (action === "ListAccessKeys" && params.UserName !== undefined && !USER_NAME.test(params.UserName)) throw invalid(params.UserName, "userName", "Member must satisfy regular expression pattern: [\\w+=,.@-]+");
    if (action === "GetAccessKeyLastUsed" && !/^\w{16,128}$/.test(params.AccessKeyId ?? "")) throw invalid(params.AccessKeyId ?? "", "accessKeyId", "Member must satisfy regular expression pattern: [\\w]+");
}

/** IAM's paging: Marker is opaque (here the next index), MaxItems is a wish the service may cut. */
function page<T>(all: readonly T[], params: Readonly<Record<string, string>>, serverPageSize: number | undefined): { items: T[]; next?: string } {
    const start = params.Marker ? Number(Buffer.from(params.Marker, "base64").toString("utf8").replace(/^next:/, "")) : 0;
    if (!Number.isInteger(start) || start < 0) throw new FakeError("ValidationError", 400, "Invalid Marker");
    const asked = params.MaxItems ? Number(params.MaxItems) : 100;
    const size = Math.min(asked, serverPageSize ?? asked);
    const items = all.slice(start, start + size);
    return { items, next: start + size < all.length ? Buffer.from(`next:${start + size}`).toString("base64") : undefined };
}

function messageFor(code: string, params: Readonly<Record<string, string>>): string {
    if (code === "Throttling") return "Rate exceeded";
    // IAM's own wording, which names the key: the function must mask it before logging.
    if (code === "NoSuchEntity") return params.AccessKeyId ? `The Access Key with id ${params.AccessKeyId} cannot be found.` : `The user with name ${params.UserName} cannot be found.`;
    return `injected ${code}`;
}

/** The request must carry a SigV4 signature scoped to the service (the body is not verified). */
export function checkSignature(req: IncomingMessage, service: string): void {
    const authorization = req.headers.authorization ?? "";
    const scope = new RegExp(`^AWS4-HMAC-SHA256 Credential=${FAKE_CREDENTIALS.accessKeyId}/\\d{8}/us-east-1/${service}/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$`);
    if (!scope.test(authorization)) throw new FakeError("IncompleteSignature", 403, `expected a SigV4 signature for ${service} in us-east-1, got ${authorization || "none"}`);
}

function readBody(req: IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        req.on("data", (chunk: Buffer) => chunks.push(chunk));
        req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        req.on("error", reject);
    });
}

const delay = (ms: number) => (ms > 0 ? new Promise<void>((resolve) => setTimeout(resolve, ms)) : Promise.resolve());
