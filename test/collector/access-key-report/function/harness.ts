// Runs the collector function in-process against the fakes (IAM and SSM, Entra and the Logs
// Ingestion API, S3 for the checkpoint): the handler is the product's createHandler(), given
// only client options (endpoints, the fake's certificate, fake AWS credentials, short retry
// delays) through its deps. The fake ingestion API checks records against the stream
// declaration of the data collection rule the program plans, read from a plan of the lab.
// The SDK's own retry classes; @smithy/core comes with @aws-sdk/client-iam (not a direct
// dependency of this project; tests only).
import { ConfiguredRetryStrategy } from "@smithy/core/retry";
import type { HandlerDeps } from "../../../../stacks/collector/access-key-report/function/index";
import { createHandler, IAM_CLIENT_DEFAULTS } from "../../../../stacks/collector/access-key-report/function/index";
import { STREAM_NAME } from "../../../../stacks/collector/access-key-report/schema";
import { input, one, planLab } from "../../../support";
import { FakeS3 } from "../../entra-logs/function/fake-s3";
import { FakeAzure } from "./fake-azure";
import { FAKE_CREDENTIALS, FakeIam } from "./fake-iam";
import type { FakeIamOptions } from "./fake-iam";

export const TENANT_ID = "00000000-0000-4000-8000-00000000c011";
export const CLIENT_ID = "0f3c5b1e-9a47-4c1e-8d2f-6b5a4e3d2c1b";
export const CLIENT_SECRET = "Qx8~fake.client-secret_for~tests0123456789";
export const DCR_IMMUTABLE_ID = "dcr-5c0f1e2d3b4a59687766554433221100";
export const SECRET_PARAMETER = "/labs/test/collector/entra-client-secret";
export const CHECKPOINT_BUCKET = "labs-checkpoints-test-20261204";

export type StreamColumns = Array<{ name: string; type: string }>;
let planned: Promise<StreamColumns> | undefined;

/** The stream declaration of the rule the collector lab plans (one plan per test process). */
export function plannedStreamColumns(): Promise<StreamColumns> {
    planned ??= planLab("collector").then((plan) => input<StreamColumns>(one(plan, "azure-native:monitor:DataCollectionRule", "dcr-collector"), `streamDeclarations.${STREAM_NAME}.columns`));
    return planned;
}

export interface Fakes {
    iam: FakeIam;
    azure: FakeAzure;
    s3: FakeS3;
    close(): Promise<void>;
}

export async function startFakes(iamOptions: Omit<FakeIamOptions, "parameters">, azureOptions: { tokenLifetimeSeconds?: number; streamColumns?: StreamColumns } = {}): Promise<Fakes> {
    const streamColumns = azureOptions.streamColumns ?? (await plannedStreamColumns());
    const iam = await FakeIam.start({ ...iamOptions, parameters: { [SECRET_PARAMETER]: CLIENT_SECRET } });
    const azure = await FakeAzure.start({ tenantId: TENANT_ID, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, dcrImmutableId: DCR_IMMUTABLE_ID, streamName: STREAM_NAME, ...azureOptions, streamColumns });
    const s3 = await FakeS3.start({ buckets: [CHECKPOINT_BUCKET] });
    return { iam, azure, s3, close: async () => void (await Promise.all([iam.close(), azure.close(), s3.close()])) };
}

export function environmentFor(fakes: Fakes, overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
    return {
        DCE_ENDPOINT: fakes.azure.url,
        DCR_IMMUTABLE_ID,
        STREAM_NAME,
        AZURE_TENANT_ID: TENANT_ID,
        AZURE_CLIENT_ID: CLIENT_ID,
        CLIENT_SECRET_PARAMETER: SECRET_PARAMETER,
        CHECKPOINT_BUCKET,
        ...overrides,
    };
}

/**
 * The SDK's own standard strategy, as the function's client uses it, with its backoff cut from
 * a random share of up to 0.5 s (throttling) or 0.1 s (other errors) times 2^attempt to a few
 * milliseconds, so retries run as they do in Lambda, only sooner.
 */
export function fastStandardRetry(options: { maxAttempts?: number; backoffMs?: (attempt: number) => number } = {}): ConfiguredRetryStrategy {
    return new ConfiguredRetryStrategy(options.maxAttempts ?? IAM_CLIENT_DEFAULTS.maxAttempts, options.backoffMs ?? ((attempt) => Math.min(2 ** attempt, 16)));
}

export interface TestHandler {
    handler: ReturnType<typeof createHandler>;
    /** Every log line the handler wrote. */
    logs: string[];
}

export interface HandlerOptions {
    env?: Record<string, string | undefined>;
    deps?: Partial<HandlerDeps>;
    /** The IAM client's retry strategy, made fresh for each run. Default: fastStandardRetry(). */
    iamRetry?: () => ConfiguredRetryStrategy;
}

export function handlerFor(fakes: Fakes, options: HandlerOptions = {}): TestHandler {
    const logs: string[] = [];
    const aws = { endpoint: fakes.iam.url, region: "us-east-1", credentials: FAKE_CREDENTIALS };
    const handler = createHandler({
        env: environmentFor(fakes, options.env),
        iam: () => ({ ...aws, retryStrategy: options.iamRetry?.() ?? fastStandardRetry() }),
        ssm: aws,
        s3: { endpoint: fakes.s3.url, region: "us-east-1", credentials: FAKE_CREDENTIALS, forcePathStyle: true },
        // The fake serves its own OpenID configuration; instance discovery would ask
        // login.microsoftonline.com about a host it has never heard of.
        credential: { authorityHost: fakes.azure.url, disableInstanceDiscovery: true, tlsOptions: { ca: fakes.azure.ca }, retryOptions: { retryDelayInMs: 5, maxRetryDelayInMs: 20 } },
        ingestion: { tlsOptions: { ca: fakes.azure.ca }, retryOptions: { retryDelayInMs: 5, maxRetryDelayInMs: 20 } },
        writeLog: (line) => logs.push(line),
        ...options.deps,
    });
    return { handler, logs };
}

/** (user, masked key id) pairs: what a complete report must hold once each. */
export function expectedPairs(iam: FakeIam): string[] {
    return iam.keys.map(({ user, key }) => `${user.userName} ${key.accessKeyId.slice(0, 4)}...${key.accessKeyId.slice(-4)}`).sort();
}

export function receivedPairs(azure: FakeAzure): string[] {
    return azure.records.map((r) => `${String(r.User)} ${String(r.AccessKeyId)}`).sort();
}

/** (user, masked key id) pairs of the report a user sees (the saved searches' reading of the table). */
export function reportedPairs(azure: FakeAzure): string[] {
    return azure.report().map((r) => `${String(r.User)} ${String(r.AccessKeyId)}`).sort();
}

/** A Lambda context whose remaining time runs down from `ms` with the wall clock. */
export function lambdaContext(ms: number, awsRequestId = "run"): { awsRequestId: string; getRemainingTimeInMillis: () => number } {
    const deadline = performance.now() + ms;
    return { awsRequestId, getRemainingTimeInMillis: () => Math.max(0, Math.round(deadline - performance.now())) };
}

/**
 * Any key id of the fake, or its hidden middle (all but the first and last four characters),
 * found in the text. Scans the text's long upper-case runs once instead of searching it for
 * each of thousands of keys.
 */
export function leakedKeyParts(text: string, iam: FakeIam): string[] {
    const middles = new Set(iam.keys.map(({ key }) => key.accessKeyId.slice(4, -4)));
    const leaks = new Set<string>();
    for (const [run] of text.matchAll(/[A-Z0-9]{12,}/g)) {
        for (let i = 0; i + 12 <= run.length; i++) if (middles.has(run.slice(i, i + 12))) leaks.add(run);
    }
    return [...leaks];
}
