// The function's settings, all from its environment (the collector stack sets every one).
// No secret is read from here: the Entra client secret stays in SSM Parameter Store and only
// its parameter name is an environment variable.
import { STREAM_NAME } from "../schema";
import { ConfigError, requireBucketName, requireVariables } from "../../shared/runtime/env";
import type { Environment } from "../../shared/runtime/env";

export { ConfigError } from "../../shared/runtime/env";
export type { Environment } from "../../shared/runtime/env";

export interface FunctionConfig {
    /** The data collection endpoint's logs ingestion URL (https://<dce>.<region>.ingest.monitor.azure.com). */
    dceEndpoint: string;
    /** The data collection rule's immutable id (dcr-<32 hex>), not its resource id. */
    dcrImmutableId: string;
    /** The rule's stream the records go to; must be the schema's stream. */
    streamName: string;
    tenantId: string;
    clientId: string;
    /** Name (or ARN) of the SecureString parameter holding the Entra application's client secret. */
    clientSecretParameter: string;
    /** IAM requests in flight at once. */
    iamConcurrency: number;
    /** The bucket holding the per-day delivery checkpoints (its name). */
    checkpointBucket: string;
}

export const REQUIRED_VARIABLES = ["DCE_ENDPOINT", "DCR_IMMUTABLE_ID", "STREAM_NAME", "AZURE_TENANT_ID", "AZURE_CLIENT_ID", "CLIENT_SECRET_PARAMETER", "CHECKPOINT_BUCKET"] as const;
export const DEFAULT_IAM_CONCURRENCY = 10;
// IAM throttles per account, shared with every other caller; more than this buys nothing but throttling.
export const MAX_IAM_CONCURRENCY = 50;

export function readConfig(env: Environment): FunctionConfig {
    const values = requireVariables(env, REQUIRED_VARIABLES);
    const value = (name: (typeof REQUIRED_VARIABLES)[number]) => values[name];

    const dceEndpoint = value("DCE_ENDPOINT");
    if (!isHttpsUrl(dceEndpoint)) {
        throw new ConfigError(`DCE_ENDPOINT = ${JSON.stringify(dceEndpoint)}: expected the data collection endpoint's logs ingestion URL, https://<name>.<region>.ingest.monitor.azure.com.`);
    }
    const dcrImmutableId = value("DCR_IMMUTABLE_ID");
    if (!/^dcr-[0-9a-f]{32}$/.test(dcrImmutableId)) {
        throw new ConfigError(`DCR_IMMUTABLE_ID = ${JSON.stringify(dcrImmutableId)}: expected the data collection rule's immutable id (dcr- and 32 hex digits), not its resource id.`);
    }
    // The records are built from the schema's columns; another stream would reject them or,
    // worse, take them with different columns.
    const streamName = value("STREAM_NAME");
    if (streamName !== STREAM_NAME) {
        throw new ConfigError(`STREAM_NAME = ${JSON.stringify(streamName)}: this function writes the ${STREAM_NAME} stream's records; set it to ${STREAM_NAME}.`);
    }
    return {
        dceEndpoint,
        dcrImmutableId,
        streamName,
        tenantId: value("AZURE_TENANT_ID"),
        clientId: value("AZURE_CLIENT_ID"),
        clientSecretParameter: value("CLIENT_SECRET_PARAMETER"),
        iamConcurrency: readConcurrency(env.IAM_CONCURRENCY),
        checkpointBucket: requireBucketName("CHECKPOINT_BUCKET", value("CHECKPOINT_BUCKET")),
    };
}

function readConcurrency(raw: string | undefined): number {
    if (raw === undefined || raw.trim() === "") return DEFAULT_IAM_CONCURRENCY;
    const n = Number(raw.trim());
    if (!Number.isInteger(n) || n < 1 || n > MAX_IAM_CONCURRENCY) {
        throw new ConfigError(`IAM_CONCURRENCY = ${JSON.stringify(raw)}: expected a whole number from 1 to ${MAX_IAM_CONCURRENCY} (default ${DEFAULT_IAM_CONCURRENCY}).`);
    }
    return n;
}

function isHttpsUrl(text: string): boolean {
    try {
        return new URL(text).protocol === "https:";
    } catch {
        return false;
    }
}
