// The Entra log export function: writes one UTC day of Entra ID sign-in logs or directory
// audit logs (LOG_TYPE) from Microsoft Graph v1.0 to S3, one gzip-compressed NDJSON object per
// log type and day, where Athena reads it. One bundle, deployed once per log type.
//
// `handler` is built once per container by `createHandler()` from the real environment;
// tests build their own with `createHandler(deps)`, passing only client options (endpoints,
// TLS trust, retry timings, the clock), so the code that runs in Lambda is the code under test.
//
// An invocation fails (throws) when a page could not be read or the object not written, so
// Lambda's retry and the error alarm see it; it never writes a day with pages missing.
import { S3Client } from "@aws-sdk/client-s3";
import type { S3ClientConfig } from "@aws-sdk/client-s3";
import { SSMClient } from "@aws-sdk/client-ssm";
import type { SSMClientConfig } from "@aws-sdk/client-ssm";
import { ClientSecretCredential } from "@azure/identity";
import type { ClientSecretCredentialOptions } from "@azure/identity";
import { LOG_TYPES, objectKey } from "../layout";
import type { LogType } from "../layout";
import type { Environment } from "../../shared/runtime/env";
import { timeBudget } from "../../shared/runtime/budget";
import type { BudgetOptions, InvocationContext, TimeBudget } from "../../shared/runtime/budget";
import { AWS_REQUEST_TIMEOUTS, AWS_UPLOAD_TIMEOUTS } from "../../shared/runtime/timeouts";
import { createLogger, describeError, stdoutWriter } from "../../shared/runtime/log";
import type { Logger, LogWriter } from "../../shared/runtime/log";
import { cachedParameterSecret } from "../../shared/runtime/secret";
import type { CachedSecret } from "../../shared/runtime/secret";
import { readEntraConfig } from "./config";
import type { EntraExportConfig } from "./config";
import { dayToExport } from "./day";
import type { ExportDay } from "./day";
import { DayObject, putDayObject } from "./day-object";
import { GRAPH_SCOPE, GraphReader } from "./graph";
import type { GraphOptions } from "./graph";

export interface HandlerDeps {
    /** Where the settings come from. Default: process.env. */
    env?: Environment;
    /** Graph's base URL, TLS trust, retry timings and request timeout. */
    graph?: GraphOptions;
    /** Options of the Entra credential (authorityHost, tlsOptions, disableInstanceDiscovery, retryOptions...). */
    credential?: ClientSecretCredentialOptions;
    s3?: S3ClientConfig;
    ssm?: SSMClientConfig;
    /** Over EXPORT_BUDGET_DEFAULTS. */
    budget?: Partial<BudgetOptions>;
    now?: () => Date;
    writeLog?: LogWriter;
}

/**
 * The export's time budget against its 900 s timeout: no Graph request or retry wait in the last
 * 60 s, which are kept for compressing and writing the day (one PutObject, 60 s request timeout).
 */
export const EXPORT_BUDGET_DEFAULTS: BudgetOptions = { reserveMs: 60_000, finalMarginMs: 5_000 };

export interface ExportSummary {
    logType: LogType;
    day: string;
    /** Records written (each once). */
    records: number;
    pages: number;
    /** The object's size (compressed). */
    bytes: number;
    key: string;
    durationMs: number;
}

export type Handler = (event?: unknown, context?: InvocationContext) => Promise<ExportSummary>;

/**
 * What a container keeps between invocations: the settings, the secret, the clients, and the
 * Entra credential with its token cache (so a warm invocation signs in again only when the
 * token is about to expire).
 */
interface Container {
    config: EntraExportConfig;
    secret: CachedSecret;
    s3: S3Client;
    graph?: { credential: ClientSecretCredential; reader: GraphReader };
    invocations: number;
}

/** Why an invocation failed, in one line, without the secret or a token. */
export class EntraExportError extends Error {
    override readonly name = "EntraExportError";
}

/** Entra refused the application's sign-in (wrong secret, app or tenant). */
export class SignInError extends Error {
    override readonly name = "SignInError";
}

export function createHandler(deps: HandlerDeps = {}): Handler {
    const now = deps.now ?? (() => new Date());
    const write = deps.writeLog ?? stdoutWriter;
    let container: Container | undefined;

    // Read on the first invocation rather than at load time, so a bad setting is an
    // invocation error with its message, not an init failure; not kept until it succeeds.
    const openContainer = (): Container => {
        const config = readEntraConfig(deps.env ?? process.env);
        const ssm = new SSMClient({ requestHandler: AWS_REQUEST_TIMEOUTS, ...deps.ssm });
        return { config, secret: cachedParameterSecret(ssm, config.clientSecretParameter), s3: new S3Client({ requestHandler: AWS_UPLOAD_TIMEOUTS, ...deps.s3 }), invocations: 0 };
    };

    // The secret, the credential and a token before the first page: a wrong secret fails
    // with Entra's own message instead of as a refused Graph request.
    const prepareGraph = async (c: Container): Promise<GraphReader> => {
        if (!c.graph) {
            const clientSecret = await c.secret.get();
            const credential = new ClientSecretCredential(c.config.tenantId, c.config.clientId, clientSecret, deps.credential);
            c.graph = { credential, reader: new GraphReader(credential, deps.graph) };
        }
        try {
            // enableCae as the pipeline's bearer-token policy asks: MSAL keeps CAE tokens apart,
            // and a different flag would fetch a second token instead of reusing this one.
            await c.graph.credential.getToken(GRAPH_SCOPE, { enableCae: true });
        } catch (error) {
            // The secret may have been rotated since it was read: read it again next time.
            c.graph = undefined;
            c.secret.forget();
            throw new SignInError(`Entra did not issue a Microsoft Graph token to application ${c.config.clientId} in tenant ${c.config.tenantId}: ${describeError(error)}`);
        }
        return c.graph.reader;
    };

    const run = async (c: Container, window: ExportDay, log: Logger, started: Date, budget: TimeBudget): Promise<ExportSummary> => {
        const { logType, bucket } = c.config;
        const reader = await prepareGraph(c);
        const day = new DayObject(LOG_TYPES[logType].timeField, window);
        let pages = 0;
        for await (const page of reader.pages(logType, window, budget)) {
            pages = page.number;
            const counts = day.addPage(page.records);
            log.info("page-read", { page: page.number, records: page.records.length, added: counts.added });
        }
        if (day.duplicates > 0 || day.outside > 0) {
            log.warn("records-dropped", { duplicates: day.duplicates, outsideDay: day.outside, hint: "Graph returned records twice or outside the $filter window; each was written at most once, in its own day" });
        }
        const body = await day.finish();
        const key = objectKey(logType, window.day);
        await putDayObject(c.s3, bucket, key, body);
        log.info("object-written", { bucket, key, bytes: body.length, uncompressedBytes: day.uncompressedBytes });
        return { logType, day: window.day, records: day.records, pages, bytes: body.length, key, durationMs: now().getTime() - started.getTime() };
    };

    return async (event, context) => {
        const started = now();
        const log = createLogger(write, { requestId: context?.awsRequestId });
        const budget = timeBudget(context, { ...EXPORT_BUDGET_DEFAULTS, ...deps.budget });
        try {
            container ??= openContainer();
            container.invocations++;
            const window = dayToExport(event, started);
            log.info("run-started", { logType: container.config.logType, day: window.day, backfill: window.backfill, coldStart: container.invocations === 1 });
            const summary = await run(container, window, log, started, budget);
            log.info("run-finished", { ...summary });
            return summary;
        } catch (error) {
            // A fresh error, on one line: Lambda logs whatever the handler throws, and Entra's
            // messages span several lines.
            const message = describeError(error).replace(/\s*\n\s*/g, " ");
            log.error("run-failed", { error: message, ms: now().getTime() - started.getTime() });
            throw new EntraExportError(message);
        } finally {
            budget.dispose();
        }
    };
}

export const handler: Handler = createHandler();
