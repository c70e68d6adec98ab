// A local HTTPS stand-in for the two Microsoft Graph v1.0 audit log listings the export
// function reads, so the real @azure/core-rest-pipeline (retry and bearer-token policies) and
// @azure/identity run unchanged:
//   GET /v1.0/auditLogs/signIns and GET /v1.0/auditLogs/directoryAudits
// - checks the bearer token (one the fake Entra token endpoint issued for Graph's scope);
// - checks the first page's $filter is exactly one UTC day on the log's own time field
//   (`<field> ge <day>T00:00:00Z and <field> le <day>T23:59:59.9999999Z`; Graph documents only
//   eq, ge and le for these fields, so `lt` is refused as Graph refuses it) and $top is 1 to 1000,
//   and serves only the records inside that window, most recent first, as Graph does;
// - pages with @odata.nextLink: absolute URLs carrying the filter, $top and an opaque
//   $skiptoken it checks on the way back (at most `pageSize` records a page, whatever $top asks);
// - can answer 429 with or without Retry-After (Graph may omit it), 500, 503 or 403 (Graph's error bodies), reset the
//   connection or never answer, a number of times or for good, on a given page of a given log.
// The certificate is self-signed, generated per run; clients trust it through tlsOptions.
import { randomBytes, randomUUID } from "node:crypto";
import { createServer } from "node:https";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { LOG_TYPES, LOG_TYPE_NAMES } from "../../../../stacks/collector/entra-logs/layout";
import type { LogType } from "../../../../stacks/collector/entra-logs/layout";
import { localhostCertificate } from "../../access-key-report/function/fake-azure";

export type GraphRecord = Record<string, unknown>;

export interface FakeGraphOptions {
    /** True for a token the fake Entra issued for Graph's scope. */
    acceptsToken: (token: string) => boolean;
    /** Every record the tenant has, per log, on any day: the fake serves those the filter asks for. */
    records: Record<LogType, readonly GraphRecord[]>;
    /** Most records one page holds (Graph may return fewer than $top). Default 25. */
    pageSize?: number;
    /** Origin of the nextLinks it hands out. Default: its own URL (as Graph's are its own). */
    nextLinkOrigin?: string;
}

export interface GraphFault {
    /** An HTTP status, or "reset" (close the connection) or "hang" (never answer). */
    answer: 403 | 429 | 500 | 503 | "reset" | "hang";
    /** How many matching requests get it; Infinity for every one. */
    times: number;
    /** Sent as Retry-After (seconds), as Graph does with 429. */
    retryAfterSeconds?: number;
    /** Only this log's requests. */
    logType?: LogType;
    /** Only requests for this page (1 for the first). */
    page?: number;
}

export interface GraphRequest {
    at: number;
    logType: LogType;
    page: number;
    /** The answer: an HTTP status, 0 for a reset or a request never answered. */
    status: number;
    filter: string | null;
    top: string | null;
    skiptoken: string | null;
    authorization: string;
}

interface Cursor {
    logType: LogType;
    filter: string;
    top: number;
    offset: number;
    page: number;
}

const FILTER = /^(\w+) ge (\d{4}-\d{2}-\d{2})T00:00:00Z and (\w+) le (\d{4}-\d{2}-\d{2})T23:59:59\.9999999Z$/;
const PATHS: Record<string, LogType> = Object.fromEntries(LOG_TYPE_NAMES.map((t) => [`/v1.0/${LOG_TYPES[t].graphPath}`, t]));

export class FakeGraph {
    readonly requests: GraphRequest[] = [];
    /** Every first-page $filter, in order, valid or not. */
    readonly filters: string[] = [];
    /** Ids of every record served, per log, in order (to compare with what was written). */
    readonly served: Record<LogType, string[]> = { signins: [], directoryaudits: [] };
    private readonly cursors = new Map<string, Cursor>();
    private readonly faults: Array<GraphFault & { fired: number }> = [];

    private constructor(
        private readonly server: Server,
        readonly url: string,
        /** PEM of the self-signed certificate, for the pipeline's tlsOptions.ca. */
        readonly ca: string,
        private readonly options: FakeGraphOptions,
    ) {}

    static async start(options: FakeGraphOptions): Promise<FakeGraph> {
        const pems = await localhostCertificate();
        const server = createServer({ key: pems.key, cert: pems.cert });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const fake = new FakeGraph(server, `https://127.0.0.1:${(server.address() as AddressInfo).port}`, pems.cert, options);
        server.on("request", (req: IncomingMessage, res: ServerResponse) => fake.handle(req, res));
        return fake;
    }

    /** The records of a log inside [day, next day), as a complete export must hold them. */
    recordsOf(logType: LogType, day: string): GraphRecord[] {
        const start = Date.parse(`${day}T00:00:00Z`);
        return this.window(logType, start, start + 86_400_000);
    }

    /** Answers the next matching requests with a fault. */
    fail(fault: GraphFault): void {
        this.faults.push({ ...fault, fired: 0 });
    }

    /** Requests of a log, optionally of one page. */
    requestsFor(logType: LogType, page?: number): GraphRequest[] {
        return this.requests.filter((r) => r.logType === logType && (page === undefined || r.page === page));
    }

    async close(): Promise<void> {
        this.server.closeAllConnections();
        await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }

    private handle(req: IncomingMessage, res: ServerResponse): void {
        const url = new URL(req.url ?? "/", this.url);
        const json = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
            res.writeHead(status, { "content-type": "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8", "request-id": randomUUID(), ...headers }).end(JSON.stringify(payload));
        };
        const error = (status: number, code: string, message: string, headers?: Record<string, string>): void =>
            json(status, { error: { code, message, innerError: { date: new Date().toISOString().slice(0, 19), "request-id": randomUUID(), "client-request-id": randomUUID() } } }, headers);

        const logType = PATHS[url.pathname];
        if (!logType) return error(404, "Request_ResourceNotFound", `Resource not found for the segment '${url.pathname}'.`);
        const authorization = req.headers.authorization ?? "";
        const filter = url.searchParams.get("$filter");
        const top = url.searchParams.get("$top");
        const skiptoken = url.searchParams.get("$skiptoken");
        const request: GraphRequest = { at: performance.now(), logType, page: 0, status: 0, filter, top, skiptoken, authorization };
        this.requests.push(request);
        const answer = (status: number, code: string, message: string, headers?: Record<string, string>) => {
            request.status = status;
            error(status, code, message, headers);
        };

        if (req.method !== "GET") return answer(405, "Request_BadRequest", `${req.method} is not supported here.`);
        const token = authorization.startsWith("Bearer ") ? authorization.slice("Bearer ".length) : "";
        if (!token) return answer(401, "InvalidAuthenticationToken", "Access token is empty.");
        if (!this.options.acceptsToken(token)) return answer(401, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.");

        let cursor: Cursor;
        if (skiptoken !== null) {
            const found = this.cursors.get(skiptoken);
            if (!found || found.logType !== logType) return answer(400, "Request_BadRequest", "Invalid $skiptoken.");
            // A nextLink carries the query it continues; a client that rebuilt it would change it.
            if (filter !== found.filter || top !== String(found.top)) return answer(400, "Request_BadRequest", "The $skiptoken does not belong to this $filter and $top.");
            cursor = found;
        } else {
            if (filter !== null) this.filters.push(filter);
            const problem = this.checkFilter(logType, filter);
            if (problem) return answer(400, "Request_UnsupportedQuery", problem);
            const size = Number(top);
            if (!Number.isInteger(size) || size < 1 || size > 1000) return answer(400, "Request_BadRequest", `Invalid page size specified: '${top}'. Must be between 1 and 1000 inclusive.`);
            cursor = { logType, filter: filter ?? "", top: size, offset: 0, page: 1 };
        }
        request.page = cursor.page;

        const fault = this.faults.find((f) => f.fired < f.times && (f.logType === undefined || f.logType === logType) && (f.page === undefined || f.page === cursor.page));
        if (fault) {
            fault.fired++;
            if (fault.answer === "reset") return void req.socket.destroy();
            if (fault.answer === "hang") return;
            const headers = fault.retryAfterSeconds !== undefined ? { "retry-after": String(fault.retryAfterSeconds) } : undefined;
            if (fault.answer === 429) return answer(429, "TooManyRequests", "Too many requests.", headers);
            if (fault.answer === 403) return answer(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
            return answer(fault.answer, fault.answer === 503 ? "serviceNotAvailable" : "generalException", fault.answer === 503 ? "Service unavailable." : "An unexpected error occurred.", headers);
        }

        const [, , day] = FILTER.exec(cursor.filter) ?? [];
        const start = Date.parse(`${day}T00:00:00Z`);
        const all = this.window(logType, start, start + 86_400_000);
        const count = Math.min(cursor.top, this.options.pageSize ?? 25);
        const value = all.slice(cursor.offset, cursor.offset + count);
        const body: Record<string, unknown> = { "@odata.context": `https://graph.microsoft.com/v1.0/$metadata#${LOG_TYPES[logType].graphPath}`, value };
        if (cursor.offset + count < all.length) {
            const next = randomBytes(24).toString("hex");
            this.cursors.set(next, { ...cursor, offset: cursor.offset + count, page: cursor.page + 1 });
            const origin = this.options.nextLinkOrigin ?? this.url;
            body["@odata.nextLink"] = `${origin}/v1.0/${LOG_TYPES[logType].graphPath}?$filter=${encodeURIComponent(cursor.filter)}&$top=${cursor.top}&$skiptoken=${next}`;
        }
        this.served[logType].push(...value.map((r) => String(r.id)));
        request.status = 200;
        json(200, body);
    }

    /** Why a first page's $filter is not one UTC day on the log's time field, or undefined. */
    private checkFilter(logType: LogType, filter: string | null): string | undefined {
        const field = LOG_TYPES[logType].timeField;
        const match = FILTER.exec(filter ?? "");
        if (/\b(lt|gt)\b/.test(filter ?? "")) return `Invalid filter clause: the operators lt and gt are not supported on ${field}; use ge and le.`;
        if (!match) return `Invalid filter clause: expected '${field} ge <day>T00:00:00Z and ${field} le <day>T23:59:59.9999999Z', got '${filter}'.`;
        const [, geField, from, leField, to] = match;
        if (geField !== field || leField !== field) return `Invalid filter clause: ${LOG_TYPES[logType].graphPath} is filtered on ${field}, not ${geField}/${leField}.`;
        if (from !== to) return `Invalid filter clause: the window ${from} to ${to} is not one day.`;
        return undefined;
    }

    /** Records with their time in [start, end), most recent first (Graph's order). */
    private window(logType: LogType, start: number, end: number): GraphRecord[] {
        const field = LOG_TYPES[logType].timeField;
        const at = (r: GraphRecord) => Date.parse(String(r[field]));
        return this.options.records[logType].filter((r) => at(r) >= start && at(r) < end).sort((a, b) => at(b) - at(a) || String(b[field]).localeCompare(String(a[field])));
    }
}
