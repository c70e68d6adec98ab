// Reads one UTC day of an Entra log from Microsoft Graph v1.0, page by page.
//
// Requests go through @azure/core-rest-pipeline (createPipelineFromOptions plus
// bearerTokenAuthenticationPolicy): its bearer-token policy gets, caches and renews the token
// from the ClientSecretCredential and answers Continuous Access Evaluation claims challenges,
// and @azure/identity already brings it into the bundle.
//
// Retries are ours, not the pipeline's (its retry policy is off), because the pipeline's fall
// short of what Graph asks of a client (learn: graph/throttling):
// - a 429 without Retry-After (Graph may omit it) is not retried by the pipeline at all; here it
//   is retried with exponential backoff and jitter, as Microsoft's guidance says;
// - a page that never answers ends in an AbortError at the request timeout, which the pipeline
//   does not retry; here it is retried like a dropped connection;
// - waits must fit the run's time budget: a Retry-After longer than the time left fails the
//   run at once, saying so, rather than being killed by Lambda's timeout mid-wait.
// Retry-After (seconds or an HTTP date) and retry-after-ms are honoured as given; 408, 429 and
// 5xx (not 501/505) answers and connection errors are retried, anything else is an answer.
import { bearerTokenAuthenticationPolicy, createDefaultHttpClient, createHttpHeaders, createPipelineFromOptions, createPipelineRequest, isRestError } from "@azure/core-rest-pipeline";
import type { HttpClient, Pipeline, PipelineResponse, PipelineRetryOptions, ProxySettings, TlsSettings } from "@azure/core-rest-pipeline";
import { setTimeout as sleep } from "node:timers/promises";
import type { TimeBudget } from "../../shared/runtime/budget";
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
 * Retries per request on top of the first attempt, and the backoff between them when Graph
 * says nothing: Graph's audit log endpoints throttle per tenant and app, so a few retries let a
 * run ride out a burst; from a 1 s base the waits double (each between half and all of
 * 1, 2, 4, 8, 16 s: about half a minute in all), never above 60 s.
 */
export const GRAPH_RETRY_DEFAULTS = { maxRetries: 5, retryDelayInMs: 1000, maxRetryDelayInMs: 60_000 } as const satisfies PipelineRetryOptions;
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
    /** The backoff's jitter source, 0 to 1. Default Math.random. */
    random?: () => number;
}

/**
 * The wait before retry number `retry` (0 for the first) when Graph gave no Retry-After:
 * exponential, capped, with "equal jitter" (half fixed, half random), so clients throttled
 * together do not come back together, and every wait is at least half the exponential step.
 * Milliseconds.
 */
export function backoffMs(retry: number, options: { retryDelayInMs: number; maxRetryDelayInMs: number }, random: () => number = Math.random): number {
    const step = Math.min(options.maxRetryDelayInMs, options.retryDelayInMs * 2 ** retry);
    return Math.round(step / 2 + (random() * step) / 2);
}

/** The wait a throttled or unavailable answer asks for (Retry-After seconds or date, retry-after-ms), in milliseconds. */
export function retryAfterMs(response: PipelineResponse, now: number = Date.now()): number | undefined {
    for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
        const value = Number(response.headers.get(name));
        if (response.headers.get(name) !== undefined && Number.isFinite(value) && value >= 0) return value;
    }
    const header = response.headers.get("retry-after");
    if (header === undefined) return undefined;
    const seconds = Number(header);
    if (header.trim() !== "" && Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(header);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
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
    private readonly backoff: { retryDelayInMs: number; maxRetryDelayInMs: number };
    private readonly timeoutMs: number;
    private readonly random: () => number;

    constructor(credential: TokenCredential, options: GraphOptions = {}) {
        this.baseUrl = options.baseUrl ?? GRAPH_BASE_URL;
        this.origin = new URL(this.baseUrl).origin;
        const retryOptions = { ...GRAPH_RETRY_DEFAULTS, ...options.retryOptions };
        this.maxRetries = retryOptions.maxRetries;
        this.backoff = { retryDelayInMs: retryOptions.retryDelayInMs, maxRetryDelayInMs: retryOptions.maxRetryDelayInMs };
        this.timeoutMs = options.requestTimeoutMs ?? GRAPH_REQUEST_TIMEOUT_MS;
        this.random = options.random ?? Math.random;
        // The pipeline's own retries off: getPage retries (see the header).
        this.pipeline = createPipelineFromOptions({ retryOptions: { maxRetries: 0 }, tlsOptions: options.tlsOptions, proxyOptions: options.proxyOptions, userAgentOptions: { userAgentPrefix: "labs-collector-entra-logs" } });
        // In the Sign phase, after Retry: every retry is signed again, with a renewed token if needed.
        this.pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential, scopes: GRAPH_SCOPE }));
        this.http = createDefaultHttpClient();
    }

    /** Every page of the day's records, following @odata.nextLink to the end, within the run's budget. */
    async *pages(type: LogType, window: ExportDay, budget?: TimeBudget): AsyncGenerator<GraphPage> {
        const path = LOG_TYPES[type].graphPath;
        const seen = new Set<string>();
        let url: string | undefined = firstPageUrl(this.baseUrl, type, window);
        for (let number = 1; url !== undefined; number++) {
            const where = `page ${number} of ${path} for ${window.day}`;
            const body = await this.getPage(url, where, budget);
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

    /** One page, retried as the header says, within the budget. */
    private async getPage(url: string, where: string, budget?: TimeBudget): Promise<{ records: GraphRecord[]; nextLink?: string }> {
        for (let retry = 0; ; retry++) {
            if (budget && !budget.canStartWork()) throw new GraphError(`Stopped before ${where}: the run's time is up (${outOfTime(budget)}).`);
            const response = await this.attempt(url, where, budget);
            let wait: number;
            let failure: GraphError;
            if ("error" in response) {
                failure = response.error;
                wait = backoffMs(retry, this.backoff, this.random);
            } else if (response.status === 200) {
                return this.parse(response, where);
            } else if (isRetryable(response.status)) {
                failure = this.refusal(response, where, true);
                wait = retryAfterMs(response) ?? backoffMs(retry, this.backoff, this.random);
            } else {
                throw this.refusal(response, where, false);
            }
            if (retry >= this.maxRetries) throw new GraphError(`${failure.message.replace(/\.$/, "")}, still after ${this.maxRetries} retries.`, failure.status);
            if (budget && budget.remainingMs() - wait < budget.reserveMs) {
                throw new GraphError(`${failure.message.replace(/\.$/, "")}; the retry would wait ${Math.ceil(wait / 1000)} s, longer than the run has left (${outOfTime(budget)}).`, failure.status);
            }
            await sleep(wait, undefined, { signal: budget?.stopWork }).catch(() => {
                throw new GraphError(`${failure.message.replace(/\.$/, "")}; stopped while waiting to retry: the run's time is up.`, failure.status);
            });
        }
    }

    /** One request: the answer, or the reason there was none (a timeout, a dropped connection). */
    private async attempt(url: string, where: string, budget?: TimeBudget): Promise<PipelineResponse | { error: GraphError }> {
        // The request may not run into the budget's reserve either.
        const timeout = budget ? Math.max(1, Math.min(this.timeoutMs, budget.remainingMs() - budget.reserveMs)) : this.timeoutMs;
        const request = createPipelineRequest({ url, method: "GET", headers: createHttpHeaders({ accept: "application/json" }), timeout, abortSignal: budget?.stopWork });
        try {
            return await this.pipeline.sendRequest(this.http, request);
        } catch (error) {
            if (budget?.stopWork.aborted) throw new GraphError(`Stopped during ${where}: the run's time is up (${outOfTime(budget)}).`);
            if (error instanceof Error && error.name === "AbortError") return { error: new GraphError(`Microsoft Graph did not answer ${where} within ${timeout / 1000} s.`) };
            if (isRestError(error) && error.code !== undefined && error.code !== "PARSE_ERROR") return { error: new GraphError(`Microsoft Graph could not be reached for ${where}: ${error.code} ${describeError(error)}.`) };
            // The credential's own errors (a refused sign-in) say what they are; keep them.
            throw error instanceof Error ? error : new Error(String(error));
        }
    }

    private parse(response: PipelineResponse, where: string): { records: GraphRecord[]; nextLink?: string } {
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

    /** Graph answered, but not with the page. */
    private refusal(response: PipelineResponse, where: string, retryable: boolean): GraphError {
        const status = response.status;
        const error = graphErrorOf(response.bodyAsText);
        const detail = error ? `${error.code ?? "error"}: ${error.message ?? "(no message)"}${error.requestId ? ` (request-id ${error.requestId})` : ""}` : "no Graph error in the body";
        return new GraphError(`Microsoft Graph answered HTTP ${status} to ${where}: ${detail}.${retryable ? "" : hintFor(status)}`, status);
    }
}

/** 408, 429 and 5xx but 501 (not implemented) and 505 (HTTP version) are worth another try. */
function isRetryable(status: number): boolean {
    return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

function outOfTime(budget: TimeBudget): string {
    return `${Math.round(budget.remainingMs() / 1000)} s left, ${Math.round(budget.reserveMs / 1000)} s kept for writing the day`;
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
