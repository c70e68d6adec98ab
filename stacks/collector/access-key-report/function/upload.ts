// Sends the records to the Logs Ingestion API. LogsIngestionClient.upload splits them into
// calls under the API's 1 MB limit, gzips each, sends them in parallel and retries 429/5xx
// (honouring Retry-After); what it still could not deliver comes back as an
// AggregateLogsUploadError, from which the records that did arrive are known by their ids.
// Every call has a request timeout: the client has none, and one call that never answers would
// hold the run until Lambda kills it. A call that timed out is not retried by the client (its
// retry policy gives up on an aborted request); its records stay undelivered for the next attempt.
import { ClientSecretCredential } from "@azure/identity";
import type { ClientSecretCredentialOptions } from "@azure/identity";
import { isAggregateLogsUploadError, KnownMonitorAudience, LogsIngestionClient } from "@azure/monitor-ingestion";
import type { LogsIngestionClientOptions } from "@azure/monitor-ingestion";
import type { AccessKeyRecord } from "../schema";
import { describeError } from "../../shared/runtime/log";

/** Azure Monitor's audience; the client and the credential's early token request use the same scope. */
export const MONITOR_AUDIENCE: string = KnownMonitorAudience.AzurePublicCloud;
export const MONITOR_SCOPE = `${MONITOR_AUDIENCE}/.default`;

export interface IngestionTarget {
    dceEndpoint: string;
    dcrImmutableId: string;
    streamName: string;
}

export interface Ingestion {
    credential: ClientSecretCredential;
    client: LogsIngestionClient;
    requestTimeoutMs: number;
}

/**
 * How long one upload call may take, in milliseconds: a 1 MB call normally answers in about a
 * second; this leaves room for a slow network while a hung call still fails well inside the run.
 */
export const INGESTION_REQUEST_TIMEOUT_MS = 30_000;

export function createIngestion(
    target: IngestionTarget,
    app: { tenantId: string; clientId: string; clientSecret: string },
    options: { credential?: ClientSecretCredentialOptions; client?: LogsIngestionClientOptions; requestTimeoutMs?: number } = {},
): Ingestion {
    const credential = new ClientSecretCredential(app.tenantId, app.clientId, app.clientSecret, options.credential);
    const client = new LogsIngestionClient(target.dceEndpoint, credential, { audience: MONITOR_AUDIENCE, ...options.client });
    const timeout = options.requestTimeoutMs ?? INGESTION_REQUEST_TIMEOUT_MS;
    // The HTTP client reads request.timeout on every attempt; the client's options have no such setting.
    client.pipeline.addPolicy({ name: "labsRequestTimeout", sendRequest: (request, next) => ((request.timeout = timeout), next(request)) });
    return { credential, client, requestTimeoutMs: timeout };
}

/** Some records did not reach the table after the client's retries. */
export class UploadError extends Error {
    override readonly name = "UploadError";
    constructor(
        readonly notDelivered: number,
        readonly total: number,
        message: string,
    ) {
        super(message);
    }
}

/** What one upload of records achieved: the ids that arrived, and why the others did not. */
export interface UploadOutcome {
    deliveredIds: string[];
    notDelivered: number;
    /** The failed calls' causes, once each. */
    causes: string[];
    failedCalls: number;
}

/**
 * Uploads records and reports which arrived; never throws for a refused or timed-out call (the
 * caller keeps the rest for a retry). `signal` aborts calls in flight (the run's time is up).
 */
export async function sendRecords(ingestion: Pick<Ingestion, "client"> & { requestTimeoutMs?: number }, target: IngestionTarget, records: readonly AccessKeyRecord[], signal?: AbortSignal): Promise<UploadOutcome> {
    // The client takes plain objects; a spread copy of each record is one.
    const logs = records.map((record) => ({ ...record }));
    try {
        await ingestion.client.upload(target.dcrImmutableId, target.streamName, logs, { abortSignal: signal });
        return { deliveredIds: records.map((r) => r.RecordId), notDelivered: 0, causes: [], failedCalls: 0 };
    } catch (error) {
        if (!isAggregateLogsUploadError(error)) {
            const cause = signal?.aborted ? `stopped: ${describeError(signal.reason)}` : describeCause(error instanceof Error ? error : new Error(String(error)), ingestion.requestTimeoutMs);
            return { deliveredIds: [], notDelivered: records.length, causes: [cause], failedCalls: 1 };
        }
        const failed = new Set<unknown>(error.errors.flatMap((failure) => failure.failedLogs.map((log) => (log as { RecordId?: unknown }).RecordId)));
        const deliveredIds = records.map((r) => r.RecordId).filter((id) => !failed.has(id));
        const causes = [...new Set(error.errors.map((failure) => (signal?.aborted ? `stopped: ${describeError(signal.reason)}` : describeCause(failure.cause, ingestion.requestTimeoutMs))))];
        return { deliveredIds, notDelivered: records.length - deliveredIds.length, causes, failedCalls: error.errors.length };
    }
}

/** Uploads records; an UploadError saying how many did not arrive when some did not. */
export async function uploadRecords(client: LogsIngestionClient, target: IngestionTarget, records: readonly AccessKeyRecord[]): Promise<void> {
    const outcome = await sendRecords({ client }, target, records);
    if (outcome.notDelivered > 0) throw new UploadError(outcome.notDelivered, records.length, notDeliveredMessage(target, outcome, records.length));
}

export function notDeliveredMessage(target: IngestionTarget, outcome: UploadOutcome, total: number): string {
    return `${outcome.notDelivered} of ${total} records were not delivered to stream ${target.streamName} of data collection rule ${target.dcrImmutableId} (${outcome.failedCalls} failed upload call${outcome.failedCalls === 1 ? "" : "s"}): ${outcome.causes.join("; ")}`;
}

/** A failed call's cause with its HTTP status when it has one (the REST error's message is the service's text). */
function describeCause(cause: Error, timeoutMs: number | undefined): string {
    // The HTTP client aborts a call at its timeout and reports only "The operation was aborted".
    if (cause.name === "AbortError" && timeoutMs !== undefined) return `no answer within ${timeoutMs / 1000} s (the request timeout)`;
    const status = "statusCode" in cause && typeof cause.statusCode === "number" ? `HTTP ${cause.statusCode} ` : "";
    return `${status}${describeError(cause)}`;
}
