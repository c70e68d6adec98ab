// Sends the records to the Logs Ingestion API. LogsIngestionClient.upload splits them into
// calls under the API's 1 MB limit, gzips each, sends them in parallel and retries 429/5xx
// (honouring Retry-After); what it still could not deliver comes back as an
// AggregateLogsUploadError, which becomes an error saying how many records were lost.
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
}

export function createIngestion(
    target: IngestionTarget,
    app: { tenantId: string; clientId: string; clientSecret: string },
    options: { credential?: ClientSecretCredentialOptions; client?: LogsIngestionClientOptions } = {},
): Ingestion {
    const credential = new ClientSecretCredential(app.tenantId, app.clientId, app.clientSecret, options.credential);
    const client = new LogsIngestionClient(target.dceEndpoint, credential, { audience: MONITOR_AUDIENCE, ...options.client });
    return { credential, client };
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

export async function uploadRecords(client: LogsIngestionClient, target: IngestionTarget, records: readonly AccessKeyRecord[]): Promise<void> {
    // The client takes plain objects; a spread copy of each record is one.
    const logs = records.map((record) => ({ ...record }));
    try {
        await client.upload(target.dcrImmutableId, target.streamName, logs);
    } catch (error) {
        if (!isAggregateLogsUploadError(error)) throw error;
        const notDelivered = error.errors.reduce((sum, failure) => sum + failure.failedLogs.length, 0);
        const causes = [...new Set(error.errors.map((failure) => describeCause(failure.cause)))].join("; ");
        throw new UploadError(
            notDelivered,
            records.length,
            `${notDelivered} of ${records.length} records were not delivered to stream ${target.streamName} of data collection rule ${target.dcrImmutableId} (${error.errors.length} failed upload call${error.errors.length === 1 ? "" : "s"}): ${causes}`,
        );
    }
}

/** A failed call's cause with its HTTP status when it has one (the REST error's message is the service's text). */
function describeCause(cause: Error): string {
    const status = "statusCode" in cause && typeof cause.statusCode === "number" ? `HTTP ${cause.statusCode} ` : "";
    return `${status}${describeError(cause)}`;
}
