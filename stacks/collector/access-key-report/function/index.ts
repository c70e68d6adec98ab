// The collector's Lambda function: reports every IAM access key (masked) with its last use
// to the Log Analytics table through the Logs Ingestion API.
//
// `handler` is built once per container by `createHandler()` from the real environment;
// tests build their own with `createHandler(deps)`, passing only client options (endpoints,
// TLS trust, retry timings), so the code that runs in Lambda is the code under test.
//
// An invocation fails (throws) when anything could not be collected or delivered, so
// Lambda's retry and the error alarm see it; it never reports success with records missing.
// What it did deliver is in the day's checkpoint, so the retry sends only the rest; and it
// stops in time (its budget comes from Lambda's context) to deliver, save the checkpoint and
// say how far it got, instead of being killed by the timeout with nothing to show.
import { IAMClient } from "@aws-sdk/client-iam";
import type { IAMClientConfig } from "@aws-sdk/client-iam";
import { S3Client } from "@aws-sdk/client-s3";
import type { S3ClientConfig } from "@aws-sdk/client-s3";
import { SSMClient } from "@aws-sdk/client-ssm";
import type { SSMClientConfig } from "@aws-sdk/client-ssm";
import type { ClientSecretCredentialOptions } from "@azure/identity";
import type { LogsIngestionClientOptions } from "@azure/monitor-ingestion";
import { timeBudget } from "../../shared/runtime/budget";
import type { BudgetOptions, InvocationContext, TimeBudget } from "../../shared/runtime/budget";
import { AWS_REQUEST_TIMEOUTS } from "../../shared/runtime/timeouts";
import { createLogger, describeError, stdoutWriter } from "../../shared/runtime/log";
import type { Logger, LogWriter } from "../../shared/runtime/log";
import { cachedParameterSecret } from "../../shared/runtime/secret";
import type { CachedSecret } from "../../shared/runtime/secret";
import { DeliveryCheckpoint } from "./checkpoint";
import { collectAccessKeys } from "./collect";
import type { Collection } from "./collect";
import { readConfig } from "./config";
import type { Environment, FunctionConfig } from "./config";
import { Delivery } from "./delivery";
import type { DeliveryResult } from "./delivery";
import { loggedDateOf } from "./record";
import { createIngestion, MONITOR_SCOPE } from "./upload";
import type { Ingestion } from "./upload";

// IAM throttles per account ("Rate exceeded") without a published rate. Standard mode: a
// throttled call waits (a random share of up to 0.5 s x 2^attempt, at most 20 s) while holding
// its concurrency slot, so throttling slows the whole run down, and a few more attempts than the
// default 3 let a large run ride out a burst. Not adaptive mode: its client-side rate limiter
// cuts the rate by 30% at every Throttling answer and recovers slowly, so a run where one call
// in ten is throttled crawls at its floor of half a request a second (2,400 keys took 649 s,
// more than the timeout; bench/collector-function.ts measures both). Every request has a timeout
// (AWS_REQUEST_TIMEOUTS); a timed-out request is retried like a throttled one.
export const IAM_CLIENT_DEFAULTS = { retryMode: "standard", maxAttempts: 6, requestHandler: AWS_REQUEST_TIMEOUTS } as const satisfies IAMClientConfig;

/**
 * The function's time budget against its 600 s timeout: no new IAM call in the last 60 s (a
 * batch of 2,000 records uploads in a few seconds, a hung call gives up after 30 s, the
 * checkpoint write after 10 s), and uploads stop 10 s before the end so the failure is logged.
 */
export const BUDGET_DEFAULTS: BudgetOptions = { reserveMs: 60_000, finalMarginMs: 10_000 };

export interface HandlerDeps {
    /** Where the settings come from. Default: process.env. */
    env?: Environment;
    /**
     * Merged over IAM_CLIENT_DEFAULTS for each run's IAM client (endpoint, credentials, region,
     * retryStrategy...); a function is called once per run, so a retry strategy can be fresh.
     */
    iam?: IAMClientConfig | (() => IAMClientConfig);
    ssm?: SSMClientConfig;
    /** The checkpoint bucket's client (endpoint, forcePathStyle...), over the request timeouts. */
    s3?: S3ClientConfig;
    /** Options of the Entra credential (authorityHost, tlsOptions, retryOptions...). */
    credential?: ClientSecretCredentialOptions;
    /** Options of the Logs Ingestion client (tlsOptions, retryOptions...). */
    ingestion?: LogsIngestionClientOptions;
    /** Milliseconds one upload call may take. Default INGESTION_REQUEST_TIMEOUT_MS. */
    ingestionRequestTimeoutMs?: number;
    /** Over BUDGET_DEFAULTS. */
    budget?: Partial<BudgetOptions>;
    /** Records per delivery batch. Default DELIVERY_BATCH_RECORDS. */
    deliveryBatchRecords?: number;
    now?: () => Date;
    writeLog?: LogWriter;
}

export interface RunSummary {
    users: number;
    keys: number;
    /** Records this invocation delivered. */
    recordsDelivered: number;
    /** Keys an earlier attempt of the same day delivered (from the checkpoint): not sent again. */
    alreadyDelivered: number;
    skippedUsers: number;
    skippedKeys: number;
    durationMs: number;
}

export type { InvocationContext } from "../../shared/runtime/budget";

export type Handler = (event?: unknown, context?: InvocationContext) => Promise<RunSummary>;

/**
 * What a container keeps between invocations: the settings, the secret, the Entra credential
 * (and so its token cache), the ingestion client and the S3 client. Not the IAM client: its
 * retry quota (tokens a run of throttling uses up) should start full for each run, and a client
 * per run costs nothing noticeable.
 */
interface Container {
    config: FunctionConfig;
    secret: CachedSecret;
    s3: S3Client;
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
    const budgetOptions: BudgetOptions = { ...BUDGET_DEFAULTS, ...deps.budget };
    let container: Container | undefined;

    // Read on the first invocation rather than at load time, so a bad setting is an
    // invocation error with its message, not an init failure; not kept until it succeeds.
    const openContainer = (): Container => {
        const config = readConfig(deps.env ?? process.env);
        const ssm = new SSMClient({ requestHandler: AWS_REQUEST_TIMEOUTS, ...deps.ssm });
        return { config, secret: cachedParameterSecret(ssm, config.clientSecretParameter), s3: new S3Client({ requestHandler: AWS_REQUEST_TIMEOUTS, ...deps.s3 }), invocations: 0 };
    };

    // The secret, the credential and a token, before anything is collected: a wrong secret
    // or app fails the run in a second instead of after the whole IAM listing.
    const prepareIngestion = async (c: Container, secondTry = false): Promise<Ingestion> => {
        if (!c.ingestion) {
            const clientSecret = await c.secret.get();
            c.ingestion = createIngestion(
                c.config,
                { tenantId: c.config.tenantId, clientId: c.config.clientId, clientSecret },
                { credential: deps.credential, client: deps.ingestion, requestTimeoutMs: deps.ingestionRequestTimeoutMs },
            );
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

    /** The day's checkpoint; unreadable, the run sends everything (the queries dedupe by RecordId). */
    const readCheckpoint = async (c: Container, day: string, log: Logger, budget: TimeBudget): Promise<DeliveryCheckpoint> => {
        const target = { bucket: c.config.checkpointBucket, dcrImmutableId: c.config.dcrImmutableId };
        try {
            return await DeliveryCheckpoint.read(c.s3, target, day, budget.stopWork);
        } catch (error) {
            log.warn("checkpoint-not-read", { error: describeError(error), hint: "sending every record of the day; the saved searches show each RecordId once" });
            return DeliveryCheckpoint.empty(c.s3, target, day);
        }
    };

    const run = async (c: Container, log: Logger, started: Date, scheduledAt: Date, budget: TimeBudget): Promise<RunSummary> => {
        const elapsed = () => now().getTime() - started.getTime();
        const loggedDate = loggedDateOf(scheduledAt);
        // If Azure refuses us, stop listing IAM: the records would have nowhere to go.
        const stopCollecting = new AbortController();
        const ingestion = prepareIngestion(c).catch((error: unknown) => {
            stopCollecting.abort(error);
            throw error;
        });
        const checkpoint = await readCheckpoint(c, loggedDate.slice(0, 10), log, budget);
        if (checkpoint.before > 0) log.info("resuming", { alreadyDelivered: checkpoint.before, checkpoint: checkpoint.location });
        const delivery = new Delivery({ ingestion, target: c.config, checkpoint, log, now, batchRecords: deps.deliveryBatchRecords, signal: budget.stopAll });
        const iam = new IAMClient({ ...IAM_CLIENT_DEFAULTS, ...iamConfig() });
        const [collected] = await Promise.allSettled([
            collectAccessKeys({
                iam,
                concurrency: c.config.iamConcurrency,
                runStartedAt: scheduledAt,
                now,
                log,
                signal: stopCollecting.signal,
                alreadyDelivered: (id) => checkpoint.has(id),
                onRecord: (record) => delivery.add(record),
                budget,
            }),
        ]);
        iam.destroy();
        // Whatever was collected is delivered, even when the listing failed: the retry then has less to do.
        const [ready, delivered] = await Promise.allSettled([ingestion, delivery.finish()]);
        if (ready.status === "rejected") throw ready.reason;
        if (delivered.status === "rejected") throw delivered.reason;
        const result = delivered.value;
        if (collected.status === "rejected") throw new CollectorError(`${describeError(collected.reason)}; ${progress(undefined, result, checkpoint)}`);
        const found: Collection = collected.value;
        log.info("collected", { users: found.users, keys: found.keys, records: found.records.length, alreadyDelivered: found.alreadyDelivered, skippedUsers: found.skippedUsers, skippedKeys: found.skippedKeys, complete: !found.outOfTime, ms: elapsed() });
        if (found.outOfTime) {
            throw new CollectorError(`Stopped ${Math.round(budgetOptions.reserveMs / 1000)} s before the function's timeout, with the IAM listing incomplete; ${progress(found, result, checkpoint)}`);
        }
        if (result.notDelivered > 0) {
            throw new CollectorError(
                `${result.notDelivered} of ${found.records.length} records were not delivered to stream ${c.config.streamName} of data collection rule ${c.config.dcrImmutableId} (${result.failedCalls} failed upload call${result.failedCalls === 1 ? "" : "s"}): ${result.causes.join("; ")}; ${progress(found, result, checkpoint)}`,
            );
        }
        if (result.checkpointError) log.warn("run-finished-without-checkpoint", { error: result.checkpointError });
        return { users: found.users, keys: found.keys, recordsDelivered: result.delivered, alreadyDelivered: found.alreadyDelivered, skippedUsers: found.skippedUsers, skippedKeys: found.skippedKeys, durationMs: elapsed() };
    };

    return async (event, context) => {
        const started = now();
        // A retried or late run reports for the day it was scheduled, not the day it ran.
        const scheduledAt = scheduledTime(event) ?? started;
        const log = createLogger(write, { requestId: context?.awsRequestId });
        const budget = timeBudget(context, budgetOptions);
        try {
            container ??= openContainer();
            container.invocations++;
            log.info("run-started", { iamConcurrency: container.config.iamConcurrency, coldStart: container.invocations === 1, remainingMs: Number.isFinite(budget.remainingMs()) ? budget.remainingMs() : undefined });
            const summary = await run(container, log, started, scheduledAt, budget);
            log.info("run-finished", { ...summary });
            return summary;
        } catch (error) {
            // A fresh error with a scrubbed message: the original may quote an access key id
            // (IAM's messages do) and Lambda logs whatever the handler throws.
            const message = describeError(error).replace(/^CollectorError: /, "");
            log.error("run-failed", { error: message, ms: now().getTime() - started.getTime() });
            throw new CollectorError(message);
        } finally {
            budget.dispose();
        }
    };
}

/** How far a failed run got, and what the retry will do: one clause for the invocation's error. */
function progress(found: Collection | undefined, result: DeliveryResult, checkpoint: DeliveryCheckpoint): string {
    const listed = found ? `${found.users} users and ${found.keys} keys listed, ` : "";
    const saved = result.checkpointError ? `the checkpoint could not be saved (${result.checkpointError}), so the next attempt sends them again` : `the checkpoint ${checkpoint.location} holds ${checkpoint.delivered.size}`;
    return `${listed}${result.delivered} records delivered by this attempt and ${checkpoint.before} by earlier ones; ${saved}; the next attempt continues from there`;
}

/** The time an EventBridge scheduled event was due (`time`), when the event is one. */
export function scheduledTime(event: unknown): Date | undefined {
    const time = typeof event === "object" && event !== null ? (event as { time?: unknown }).time : undefined;
    if (typeof time !== "string") return undefined;
    const parsed = new Date(time);
    return Number.isNaN(parsed.getTime()) ? undefined : parsed;
}

export const handler: Handler = createHandler();
