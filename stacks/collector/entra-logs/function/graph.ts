// Reads one UTC day of an Entra log from Microsoft Graph v1.0, page by page.
//
// Requests go through @azure/core-rest-pipeline (createPipelineFromOptions plus
// bearerTokenAuthenticationPolicy) rather than fetch and retry code of our own:
// - its default retry policy already does what Graph asks of a client: on 429 and 503 it waits
//   as long as Retry-After (or retry-after-ms) says, on other 5xx (not 501/505), 408 and
//   connection errors (ECONNRESET, ETIMEDOUT...) it backs off exponentially with jitter, and it
//   gives up after a bounded number of retries, returning the last answer;
// - its bearer-token policy gets, caches and renews the token from the ClientSecretCredential
//   and answers Continuous Access Evaluation claims challenges;
// - @azure/identity already brings it into the bundle, and the Azure SDKs run it every day,
//   so it adds no code and no untested retry loop of ours.
// Two limits, accepted: a 429 without Retry-After is not retried (Graph sends the header with
// its 429s), and the wait Retry-After asks for is not capped (the Lambda's timeout bounds it).
import { bearerTokenAuthenticationPolicy, createDefaultHttpClient, createHttpHeaders, createPipelineFromOptions, createPipelineRequest, isRestError } from "@azure/core-rest-pipeline";
import type { HttpClient, Pipeline, PipelineResponse, PipelineRetryOptions, ProxySettings, TlsSettings } from "@azure/core-rest-pipeline";
import type { TokenCredential } from "@azure/identity";
import { LOG_TYPES } from "../layout";
import type { LogType } from "../layout";
import { describeError } from "../../shared/runtime/log";
import type { ExportDay } from "./day";

export const GRAPH_BASE_URL = "https://graph.microsoft.com";
export const GRAPH_SCOPE = "https://graph.microsoft.com/.default";
/** Graph's largest page for sign-ins (1,000): fewer pages mean fewer requests to be throttled. */
export const PAGE_SIZE = 1000;
/**
 * Retries per request on top of the first attempt: the pipeline's default is 3; Graph's audit
 * log endpoints throttle per tenant and app, so a few more let a run ride out a burst (with the
 * default 1 s base delay, the exponential waits add up to about half a minute).
 */
export const GRAPH_RETRY_DEFAULTS = { maxRetries: 5 } as const satisfies PipelineRetryOptions;
/**
 * How long one request may wait for Graph's answer before it fails the run. Audit log queries
 * can take tens of seconds; a connection that never answers would otherwise hold the
 * invocation until Lambda's timeout, without saying why.
 */
export const GRAPH_REQUEST_TIMEOUT_MS = 120_000;

export interface GraphOptions {
    /** Graph's root, without the version. Default GRAPH_BASE_URL. */
    baseUrl?: string;
    tlsOptions?: TlsSettings;
    proxyOptions?: ProxySettings;
    /** Merged over GRAPH_RETRY_DEFAULTS (maxRetries, retryDelayInMs, maxRetryDelayInMs). */
    retryOptions?: PipelineRetryOptions;
    requestTimeoutMs?: number;
}

/** Graph did not give a page, after the pipeline's retries: the message says which and why. */
export class GraphError extends Error {
    override readonly name = "GraphError";
    constructor(
        message: string,
        readonly status?: number,
    ) {
        super(message);
    }
}

export type GraphRecord = Record<string, unknown>;

export interface GraphPage {
    /** 1 for the first page. */
    number: number;
    records: GraphRecord[];
}

/**
 * The $filter of a day, [day 00:00Z, next day 00:00Z), on the log's own time field. Graph takes
 * only eq, ge and le on createdDateTime and activityDateTime (no lt), so the day ends at its last
 * tick: Graph's times have 100 ns resolution, and `le 23:59:59.9999999Z` leaves out exactly the
 * next midnight, which the next day's export reads.
 */
export function dayFilter(type: LogType, window: ExportDay): string {
    const field = LOG_TYPES[type].timeField;
    return `${field} ge ${window.day}T00:00:00Z and ${field} le ${window.day}T23:59:59.9999999Z`;
}

export function firstPageUrl(baseUrl: string, type: LogType, window: ExportDay): string {
    // $filter and $top spelt as Graph documents them; the filter's spaces and colons encoded.
    return `${baseUrl.replace(/\/+$/, "")}/v1.0/${LOG_TYPES[type].graphPath}?$filter=${encodeURIComponent(dayFilter(type, window))}&$top=${PAGE_SIZE}`;
}

export class GraphReader {
    readonly baseUrl: string;
    private readonly origin: string;
    private readonly pipeline: Pipeline;
    private readonly http: HttpClient;
    private readonly maxRetries: number;
    private readonly timeoutMs: number;

    constructor(credential: TokenCredential, options: GraphOptions = {}) {
        this.baseUrl = options.baseUrl ?? GRAPH_BASE_URL;
        this.origin = new URL(this.baseUrl).origin;
        const retryOptions = { ...GRAPH_RETRY_DEFAULTS, ...options.retryOptions };
        this.maxRetries = retryOptions.maxRetries;
        this.timeoutMs = options.requestTimeoutMs ?? GRAPH_REQUEST_TIMEOUT_MS;
        this.pipeline = createPipelineFromOptions({ retryOptions, tlsOptions: options.tlsOptions, proxyOptions: options.proxyOptions, userAgentOptions: { userAgentPrefix: "labs-collector-entra-logs" } });
        // In the Sign phase, after Retry: every retry is signed again, with a renewed token if needed.
        this.pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential, scopes: GRAPH_SCOPE }));
        this.http = createDefaultHttpClient();
    }

    /** Every page of the day's records, following @odata.nextLink to the end. */
    async *pages(type: LogType, window: ExportDay): AsyncGenerator<GraphPage> {
        const path = LOG_TYPES[type].graphPath;
        const seen = new Set<string>();
        let url: string | undefined = firstPageUrl(this.baseUrl, type, window);
        for (let number = 1; url !== undefined; number++) {
            const where = `page ${number} of ${path} for ${window.day}`;
            const body = await this.getPage(url, where);
            yield { number, records: body.records };
            url = body.nextLink === undefined ? undefined : this.checkNextLink(body.nextLink, seen, where);
        }
    }

    /** The link is used as Graph gave it, but only on Graph's own origin: the token goes with it. */
    private checkNextLink(link: string, seen: Set<string>, where: string): string {
        let origin: string;
        try {
            origin = new URL(link).origin;
        } catch {
            throw new GraphError(`Microsoft Graph's @odata.nextLink after ${where} is not a URL.`);
        }
        if (origin !== this.origin) throw new GraphError(`Microsoft Graph's @odata.nextLink after ${where} points to ${origin}, not ${this.origin}: the token is not sent there.`);
        if (seen.has(link)) throw new GraphError(`Microsoft Graph gave the same @odata.nextLink twice (after ${where}): stopping instead of reading the same pages forever.`);
        seen.add(link);
        return link;
    }

    private async getPage(url: string, where: string): Promise<{ records: GraphRecord[]; nextLink?: string }> {
        const request = createPipelineRequest({ url, method: "GET", headers: createHttpHeaders({ accept: "application/json" }), timeout: this.timeoutMs });
        let response: PipelineResponse;
        try {
            response = await this.pipeline.sendRequest(this.http, request);
        } catch (error) {
            throw this.sendFailure(error, where);
        }
        if (response.status !== 200) throw this.refusal(response, where);
        let body: unknown;
        try {
            body = JSON.parse(response.bodyAsText ?? "");
        } catch {
            throw new GraphError(`Microsoft Graph's answer to ${where} is not JSON (content-type ${response.headers.get("content-type") ?? "none"}).`, response.status);
        }
        if (!isObject(body) || !isRecordArray(body.value)) throw new GraphError(`Microsoft Graph's answer to ${where} is not a collection of objects (no "value" array).`, response.status);
        const records = body.value;
        const nextLink = body["@odata.nextLink"];
        if (nextLink === undefined || nextLink === null) return { records };
        if (typeof nextLink !== "string") throw new GraphError(`Microsoft Graph's @odata.nextLink after ${where} is not a string.`);
        return { records, nextLink };
    }

    /** Graph answered, but not with the page (after the retries, for the statuses that have them). */
    private refusal(response: PipelineResponse, where: string): GraphError {
        const status = response.status;
        const error = graphErrorOf(response.bodyAsText);
        const retried = status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505) ? `, still after up to ${this.maxRetries} retries` : "";
        const detail = error ? `${error.code ?? "error"}: ${error.message ?? "(no message)"}${error.requestId ? ` (request-id ${error.requestId})` : ""}` : "no Graph error in the body";
        return new GraphError(`Microsoft Graph answered HTTP ${status} to ${where}${retried}: ${detail}.${hintFor(status)}`, status);
    }

    private sendFailure(error: unknown, where: string): Error {
        if (error instanceof Error && error.name === "AbortError") return new GraphError(`Microsoft Graph did not answer ${where} within ${this.timeoutMs / 1000} s.`);
        if (isRestError(error)) return new GraphError(`Microsoft Graph could not be reached for ${where}, still after up to ${this.maxRetries} retries: ${error.code ?? "no code"} ${describeError(error)}`);
        // The credential's own errors (a refused sign-in) say what they are; keep them.
        return error instanceof Error ? error : new Error(String(error));
    }
}

function hintFor(status: number): string {
    if (status === 403) return " The Entra application needs the Microsoft Graph application permission AuditLog.Read.All with admin consent, and sign-in logs need an Entra ID P1 or P2 licence in the tenant.";
    if (status === 401) return " Graph refused the token: check the application's tenant and that its permission was consented.";
    return "";
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isRecordArray(value: unknown): value is GraphRecord[] {
    return Array.isArray(value) && value.every(isObject);
}

/** Graph's error body: { "error": { "code", "message", "innerError": { "request-id" } } }. */
function graphErrorOf(text: string | null | undefined): { code?: string; message?: string; requestId?: string } | undefined {
    try {
        const body: unknown = JSON.parse(text ?? "");
        if (!isObject(body) || !isObject(body.error)) return undefined;
        const { code, message, innerError } = body.error;
        const requestId = isObject(innerError) ? innerError["request-id"] : undefined;
        return {
            code: typeof code === "string" ? code : undefined,
            message: typeof message === "string" ? message : undefined,
            requestId: typeof requestId === "string" ? requestId : undefined,
        };
    } catch {
        return undefined;
    }
}
