// Runs the Entra log export function in-process against the fakes: Entra's token endpoint
// (../function/fake-azure.ts), Microsoft Graph (./fake-graph.ts), S3 (./fake-s3.ts) and SSM
// (the SSM half of ../function/fake-iam.ts). The handler is the product's createHandler(),
// given only client options (endpoints, the fakes' certificates, fake AWS credentials, short
// retry delays, a clock) through its deps.
import { StandardRetryStrategy } from "@smithy/core/retry";
import { gunzipSync } from "node:zlib";
import { LOG_TYPE_NAMES } from "../../../../stacks/collector/entra-logs/layout";
import type { LogType } from "../../../../stacks/collector/entra-logs/layout";
import { createHandler } from "../../../../stacks/collector/entra-logs/function/index";
import type { HandlerDeps } from "../../../../stacks/collector/entra-logs/function/index";
import { FakeAzure } from "../../access-key-report/function/fake-azure";
import { FAKE_CREDENTIALS, FakeIam } from "../../access-key-report/function/fake-iam";
import { CLIENT_ID, CLIENT_SECRET, TENANT_ID } from "../../access-key-report/function/harness";
import { FakeGraph } from "./fake-graph";
import type { GraphRecord } from "./fake-graph";
import { FakeS3 } from "./fake-s3";
import { fakeRecords } from "./records";

export { CLIENT_ID, CLIENT_SECRET, TENANT_ID };
export const GRAPH_SCOPE = "https://graph.microsoft.com/.default";
export const SECRET_PARAMETER = "/labs/test/collector/entra-logs-client-secret";
export const BUCKET = "labs-entra-logs-test-3f9a1c";
/** The clock's start: 20 minutes after midnight UTC, when the schedule runs. */
export const NOW = new Date("2026-03-02T00:20:00.000Z");
/** The day a scheduled run at NOW exports. */
export const YESTERDAY = "2026-03-01";
/** Records of YESTERDAY per log: with 25 a page, 6 pages. */
export const RECORDS_YESTERDAY = 130;

export interface EntraFakes {
    azure: FakeAzure;
    graph: FakeGraph;
    s3: FakeS3;
    /** SSM Parameter Store (the fake IAM server's SSM half; it has no IAM users here). */
    ssm: FakeIam;
    close(): Promise<void>;
}

/**
 * Default tenant: for each log, RECORDS_YESTERDAY records on YESTERDAY, a few on the days
 * either side (the filter must leave them out) and some on 2026-02-20 for backfills.
 */
export function defaultRecords(): Record<LogType, GraphRecord[]> {
    const of = (t: LogType) => [...fakeRecords(t, "2026-02-20", 40), ...fakeRecords(t, "2026-02-28", 7), ...fakeRecords(t, YESTERDAY, RECORDS_YESTERDAY), ...fakeRecords(t, "2026-03-02", 5)];
    return Object.fromEntries(LOG_TYPE_NAMES.map((t) => [t, of(t)])) as Record<LogType, GraphRecord[]>;
}

export async function startEntraFakes(options: { records?: Record<LogType, GraphRecord[]>; pageSize?: number; nextLinkOrigin?: string } = {}): Promise<EntraFakes> {
    const azure = await FakeAzure.start({ tenantId: TENANT_ID, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, scopes: [GRAPH_SCOPE] });
    const graph = await FakeGraph.start({
        acceptsToken: (token) => azure.scopeOf(token) === GRAPH_SCOPE,
        records: options.records ?? defaultRecords(),
        pageSize: options.pageSize,
        nextLinkOrigin: options.nextLinkOrigin,
    });
    const s3 = await FakeS3.start({ buckets: [BUCKET] });
    const ssm = await FakeIam.start({ users: 0, parameters: { [SECRET_PARAMETER]: CLIENT_SECRET } });
    return { azure, graph, s3, ssm, close: async () => void (await Promise.all([azure.close(), graph.close(), s3.close(), ssm.close()])) };
}

export function environmentFor(logType: LogType, overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
    return { AZURE_TENANT_ID: TENANT_ID, AZURE_CLIENT_ID: CLIENT_ID, CLIENT_SECRET_PARAMETER: SECRET_PARAMETER, BUCKET, LOG_TYPE: logType, ...overrides };
}

/** The SDK's standard retries (3 attempts) with a 5 ms base delay instead of 100 ms. */
export const fastAwsRetry = () => new StandardRetryStrategy({ maxAttempts: 3, baseDelay: 5 });

/** Every client option the handler takes, pointed at the fakes. */
export function depsFor(fakes: EntraFakes, logType: LogType, options: { env?: Record<string, string | undefined>; start?: Date } = {}): HandlerDeps {
    const aws = { region: "us-east-1", credentials: FAKE_CREDENTIALS };
    // The clock starts at `start` and runs at real speed, so durations are real.
    const t0 = performance.now();
    const start = (options.start ?? NOW).getTime();
    return {
        env: environmentFor(logType, options.env),
        graph: { baseUrl: fakes.graph.url, tlsOptions: { ca: fakes.graph.ca }, retryOptions: { retryDelayInMs: 5, maxRetryDelayInMs: 20 } },
        // The fake serves its own OpenID configuration; instance discovery would ask
        // login.microsoftonline.com about a host it has never heard of.
        credential: { authorityHost: fakes.azure.url, disableInstanceDiscovery: true, tlsOptions: { ca: fakes.azure.ca }, retryOptions: { retryDelayInMs: 5, maxRetryDelayInMs: 20 } },
        s3: { ...aws, endpoint: fakes.s3.url, forcePathStyle: true, retryStrategy: fastAwsRetry() },
        ssm: { ...aws, endpoint: fakes.ssm.url, retryStrategy: fastAwsRetry() },
        now: () => new Date(start + (performance.now() - t0)),
    };
}

export interface TestHandler {
    handler: ReturnType<typeof createHandler>;
    /** Every log line the handler wrote. */
    logs: string[];
}

export function handlerFor(fakes: EntraFakes, options: { logType?: LogType; env?: Record<string, string | undefined>; start?: Date; deps?: Partial<HandlerDeps> } = {}): TestHandler {
    const logs: string[] = [];
    const handler = createHandler({ ...depsFor(fakes, options.logType ?? "signins", options), writeLog: (line) => logs.push(line), ...options.deps });
    return { handler, logs };
}

/** The object's lines, parsed: gunzip, split on newlines, JSON.parse each. */
export function linesOf(body: Buffer): GraphRecord[] {
    const text = gunzipSync(body).toString("utf8");
    if (text === "") return [];
    expectTrailingNewline(text);
    return text
        .slice(0, -1)
        .split("\n")
        .map((line) => JSON.parse(line) as GraphRecord);
}

function expectTrailingNewline(text: string): void {
    if (!text.endsWith("\n")) throw new Error("the object's last line does not end with a newline");
}

/** The records written for a log and day, parsed from the stored object. */
export function writtenRecords(fakes: EntraFakes, key: string): GraphRecord[] {
    const object = fakes.s3.get(BUCKET, key);
    if (!object) throw new Error(`no object s3://${BUCKET}/${key}; the bucket holds ${fakes.s3.keys(BUCKET).join(", ") || "nothing"}`);
    return linesOf(object.body);
}

export const idsOf = (records: readonly GraphRecord[]): string[] => records.map((r) => String(r.id)).sort();
