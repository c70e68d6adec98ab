// The collector's Lambda function: reports every IAM access key (masked) with its last use
// to the Log Analytics table through the Logs Ingestion API.
//
// `handler` is built once per container by `createHandler()` from the real environment;
// tests build their own with `createHandler(deps)`, passing only client options (endpoints,
// TLS trust, retry timings), so the code that runs in Lambda is the code under test.
//
// An invocation fails (throws) when anything could not be collected or delivered, so
// Lambda's retry and the error alarm see it; it never reports success with records missing.
import { IAMClient } from "@aws-sdk/client-iam";
import type { IAMClientConfig } from "@aws-sdk/client-iam";
import { SSMClient } from "@aws-sdk/client-ssm";
import type { SSMClientConfig } from "@aws-sdk/client-ssm";
import type { ClientSecretCredentialOptions } from "@azure/identity";
import type { LogsIngestionClientOptions } from "@azure/monitor-ingestion";
import { collectAccessKeys } from "./collect";
import type { Collection } from "./collect";
import { readConfig } from "./config";
import type { Environment, FunctionConfig } from "./config";
import { createLogger, describeError, stdoutWriter } from "../../shared/runtime/log";
import type { LogWriter } from "../../shared/runtime/log";
import { cachedParameterSecret } from "../../shared/runtime/secret";
import type { CachedSecret } from "../../shared/runtime/secret";
import { createIngestion, MONITOR_SCOPE, uploadRecords } from "./upload";
import type { Ingestion } from "./upload";

// IAM throttles per account ("Rate exceeded") without a published rate: adaptive mode adds a
// client-side rate limiter that slows down when throttled, and a few more attempts than the
// default 3 let a large run ride out a burst of throttling (backoff up to 1 s x 2^attempt).
export const IAM_CLIENT_DEFAULTS = { retryMode: "adaptive", maxAttempts: 6 } as const satisfies IAMClientConfig;

export interface HandlerDeps {
    /** Where the settings come from. Default: process.env. */
    env?: Environment;
    /**
     * Merged over IAM_CLIENT_DEFAULTS for each run's IAM client (endpoint, credentials, region,
     * retryStrategy...); a function is called once per run, so a retry strategy can be fresh.
     */
    iam?: IAMClientConfig | (() => IAMClientConfig);
    ssm?: SSMClientConfig;
    /** Options of the Entra credential (authorityHost, tlsOptions, retryOptions...). */
    credential?: ClientSecretCredentialOptions;
    /** Options of the Logs Ingestion client (tlsOptions, retryOptions...). */
    ingestion?: LogsIngestionClientOptions;
    now?: () => Date;
    writeLog?: LogWriter;
}

export interface RunSummary {
    users: number;
    keys: number;
    recordsDelivered: number;
    skippedUsers: number;
    skippedKeys: number;
    durationMs: number;
}

/** The part of Lambda's context the function uses. */
export interface InvocationContext {
    awsRequestId?: string;
}

export type Handler = (event?: unknown, context?: InvocationContext) => Promise<RunSummary>;

/**
 * What a container keeps between invocations: the settings, the secret, the Entra credential
 * (and so its token cache) and the ingestion client. Not the IAM client: its adaptive rate
 * limiter measures the send rate in half-second buckets, so after an idle hour it would start
 * the next run from a near-zero measured rate and, if it was ever throttled, crawl; a client
 * per run starts clean and costs nothing noticeable.
 */
interface Container {
    config: FunctionConfig;
    secret: CachedSecret;
    ingestion?: Ingestion;
    invocations: number;
}

/** Why an invocation failed, in one line, without secrets or unmasked key ids. */
export class CollectorError extends Error {
    override readonly name = "CollectorError";
}

export function createHandler(deps: HandlerDeps = {}): Handler {
    const now = deps.now ?? (() => new Date());
    const write = deps.writeLog ?? stdoutWriter;
    const iamOption = deps.iam;
    const iamConfig: () => IAMClientConfig = typeof iamOption === "function" ? iamOption : () => iamOption ?? {};
    let container: Container | undefined;

    // Read on the first invocation rather than at load time, so a bad setting is an
    // invocation error with its message, not an init failure; not kept until it succeeds.
    const openContainer = (): Container => {
        const config = readConfig(deps.env ?? process.env);
        return { config, secret: cachedParameterSecret(new SSMClient({ ...deps.ssm }), config.clientSecretParameter), invocations: 0 };
    };

    // The secret, the credential and a token, before anything is collected: a wrong secret
    // or app fails the run in a second instead of after the whole IAM listing.
    const prepareIngestion = async (c: Container, secondTry = false): Promise<Ingestion> => {
        if (!c.ingestion) {
            const clientSecret = await c.secret.get();
            c.ingestion = createIngestion(c.config, { tenantId: c.config.tenantId, clientId: c.config.clientId, clientSecret }, { credential: deps.credential, client: deps.ingestion });
        }
        try {
            // enableCae as the client's bearer-token policy asks: MSAL keeps CAE tokens apart,
            // and a different flag would fetch a second token instead of reusing this one.
            await c.ingestion.credential.getToken(MONITOR_SCOPE, { enableCae: true });
        } catch (error) {
            // The secret may have been rotated (and the old one deleted) since this container
            // read it: read it again, once, before giving up.
            c.ingestion = undefined;
            c.secret.forget();
            if (!secondTry) return prepareIngestion(c, true);
            throw error;
        }
        return c.ingestion;
    };

    const run = async (c: Container, log: ReturnType<typeof createLogger>, started: Date, scheduledAt: Date): Promise<RunSummary> => {
        const elapsed = () => now().getTime() - started.getTime();
        // If Azure refuses us, stop listing IAM: the records would have nowhere to go.
        const stopCollecting = new AbortController();
        const ingestion = prepareIngestion(c).catch((error: unknown) => {
            stopCollecting.abort(error);
            throw error;
        });
        const iam = new IAMClient({ ...IAM_CLIENT_DEFAULTS, ...iamConfig() });
        const collecting = collectAccessKeys({ iam, concurrency: c.config.iamConcurrency, runStartedAt: scheduledAt, now, log, signal: stopCollecting.signal });
        const [ready, collected] = await Promise.allSettled([ingestion, collecting]);
        iam.destroy();
        if (ready.status === "rejected") throw ready.reason;
        if (collected.status === "rejected") throw collected.reason;
        const found: Collection = collected.value;
        log.info("collected", { users: found.users, keys: found.keys, records: found.records.length, skippedUsers: found.skippedUsers, skippedKeys: found.skippedKeys, ms: elapsed() });

        await uploadRecords(ready.value.client, c.config, found.records);
        return { users: found.users, keys: found.keys, recordsDelivered: found.records.length, skippedUsers: found.skippedUsers, skippedKeys: found.skippedKeys, durationMs: elapsed() };
    };

    return async (event, context) => {
        const started = now();
        // A retried or late run reports for the day it was scheduled, not the day it ran.
        const scheduledAt = scheduledTime(event) ?? started;
        const log = createLogger(write, { requestId: context?.awsRequestId });
        try {
            container ??= openContainer();
            container.invocations++;
            log.info("run-started", { iamConcurrency: container.config.iamConcurrency, coldStart: container.invocations === 1 });
            const summary = await run(container, log, started, scheduledAt);
            log.info("run-finished", { ...summary });
            return summary;
        } catch (error) {
            // A fresh error with a scrubbed message: the original may quote an access key id
            // (IAM's messages do) and Lambda logs whatever the handler throws.
            const message = describeError(error);
            log.error("run-failed", { error: message, ms: now().getTime() - started.getTime() });
            throw new CollectorError(message);
        }
    };
}

/** The time an EventBridge scheduled event was due (`time`), when the event is one. */
export function scheduledTime(event: unknown): Date | undefined {
    const time = typeof event === "object" && event !== null ? (event as { time?: unknown }).time : undefined;
    if (typeof time !== "string") return undefined;
    const parsed = new Date(time);
    return Number.isNaN(parsed.getTime()) ? undefined : parsed;
}

export const handler: Handler = createHandler();
