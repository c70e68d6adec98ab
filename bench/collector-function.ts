// The access-key report function against the post's serial algorithm (bench/post-serial.ts), in
// one run, over the same fakes: IAM on its own thread with a fixed latency per call (and, in the
// first scenario, 8% of calls answered Throttling and 5% ServiceUnavailable, from a generator
// seeded 2026: seed 13, say, faults five calls in a row at the start, which ends the post's
// function on its second call), the Logs Ingestion API keeping rows as the planned stream declaration does, S3 for
// the checkpoint. Each run gets Lambda's 600 s: the product's handler reads it from its context
// and, if it has to stop, fails and is invoked again (Lambda retries twice); the post's function
// is stopped at 600 s as Lambda would stop it.
//
//   node -r ./cli/ts-require.js bench/collector-function.ts
//
// Environment: BENCH_LATENCY_MS (default 20), IAM_CONCURRENCY (default 10), BENCH_SERIAL=0 skips
// the post's algorithm (it takes some minutes: one call after another), BENCH_IAM_RETRY_MODE
// (standard or adaptive) overrides the function's IAM retry mode.
import { createHandler } from "../stacks/collector/access-key-report/function/index";
import { DEFAULT_IAM_CONCURRENCY } from "../stacks/collector/access-key-report/function/config";
import { createIngestion } from "../stacks/collector/access-key-report/function/upload";
import { STREAM_NAME } from "../stacks/collector/access-key-report/schema";
import { FakeAzure } from "../test/collector/access-key-report/function/fake-azure";
import { FAKE_CREDENTIALS } from "../test/collector/access-key-report/function/fake-iam";
import type { FakeIamStats } from "../test/collector/access-key-report/function/fake-iam";
import { startFakeIamInWorker } from "../test/collector/access-key-report/function/fake-iam-worker";
import { plannedStreamColumns } from "../test/collector/access-key-report/function/harness";
import type { StreamColumns } from "../test/collector/access-key-report/function/harness";
import { FakeS3 } from "../test/collector/entra-logs/function/fake-s3";
import { postSerialFunction } from "./post-serial";

const TENANT = "00000000-0000-4000-8000-00000000c011";
const CLIENT = "0f3c5b1e-9a47-4c1e-8d2f-6b5a4e3d2c1b";
const SECRET = "bench-client-secret";
const RULE = "dcr-5c0f1e2d3b4a59687766554433221100";
const PARAMETER = "/labs/bench/collector/entra-client-secret";
const BUCKET = "labs-checkpoints-bench";
const LAMBDA_TIMEOUT_MS = 600_000;
const LAMBDA_ATTEMPTS = 3;

interface Scenario {
    label: string;
    users: number;
    faultRates?: { throttling: number; unavailable: number; seed: number };
}

export interface BenchRun {
    label: string;
    seconds: number;
    attempts: number;
    stats: FakeIamStats;
    /** Rows in the table, distinct RecordIds among them, keys in IAM. */
    rows: number;
    delivered: number;
    keys: number;
    error?: string;
}

async function withFakes<T>(scenario: Scenario, latencyMs: number, columns: StreamColumns, body: (f: { iamUrl: string; azure: FakeAzure; s3: FakeS3 }) => Promise<T>): Promise<{ result: T; stats: FakeIamStats; rows: number; delivered: number }> {
    // The fake IAM on its own thread, as real IAM is across a network: the figures are the function's.
    const iam = await startFakeIamInWorker({ users: scenario.users, latencyMs, faultRates: scenario.faultRates, parameters: { [PARAMETER]: SECRET } });
    const azure = await FakeAzure.start({ tenantId: TENANT, clientId: CLIENT, clientSecret: SECRET, dcrImmutableId: RULE, streamName: STREAM_NAME, streamColumns: columns });
    const s3 = await FakeS3.start({ buckets: [BUCKET] });
    try {
        const result = await body({ iamUrl: iam.url, azure, s3 });
        return { result, stats: await iam.statistics(), rows: azure.records.length, delivered: new Set(azure.records.map((r) => r.RecordId)).size };
    } finally {
        await Promise.all([iam.close(), azure.close(), s3.close()]);
    }
}

async function runProduct(scenario: Scenario, latencyMs: number, concurrency: number, columns: StreamColumns): Promise<BenchRun> {
    const { result, stats, rows, delivered } = await withFakes(scenario, latencyMs, columns, async ({ iamUrl, azure, s3 }) => {
        const aws = { endpoint: iamUrl, region: "us-east-1", credentials: FAKE_CREDENTIALS };
        const handler = createHandler({
            env: { DCE_ENDPOINT: azure.url, DCR_IMMUTABLE_ID: RULE, STREAM_NAME, AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT, CLIENT_SECRET_PARAMETER: PARAMETER, IAM_CONCURRENCY: String(concurrency), CHECKPOINT_BUCKET: BUCKET },
            iam: process.env.BENCH_IAM_RETRY_MODE ? { ...aws, retryMode: process.env.BENCH_IAM_RETRY_MODE } : aws,
            ssm: aws,
            s3: { ...aws, endpoint: s3.url, forcePathStyle: true },
            credential: { authorityHost: azure.url, disableInstanceDiscovery: true, tlsOptions: { ca: azure.ca } },
            ingestion: { tlsOptions: { ca: azure.ca } },
            writeLog: () => undefined,
        });
        const event = { time: "2026-11-23T06:00:00Z" };
        let seconds = 0;
        let error: string | undefined;
        let attempts = 0;
        // Lambda's first attempt and its two retries (each with the whole timeout; the minutes Lambda waits between them are not counted).
        while (attempts < LAMBDA_ATTEMPTS) {
            attempts++;
            const started = performance.now();
            const deadline = started + LAMBDA_TIMEOUT_MS;
            try {
                await handler(event, { awsRequestId: `attempt-${attempts}`, getRemainingTimeInMillis: () => Math.max(0, deadline - performance.now()) });
                error = undefined;
            } catch (e) {
                error = e instanceof Error ? e.message : String(e);
            }
            seconds += (performance.now() - started) / 1000;
            if (error === undefined) break;
        }
        return { seconds, attempts, error };
    });
    return { label: `this function (IAM_CONCURRENCY=${concurrency})`, ...result, stats, rows, delivered, keys: scenario.users * 2 };
}

async function runSerial(scenario: Scenario, latencyMs: number, columns: StreamColumns): Promise<BenchRun> {
    const { result, stats, rows, delivered } = await withFakes(scenario, latencyMs, columns, async ({ iamUrl, azure }) => {
        const ingestion = createIngestion({ dceEndpoint: azure.url, dcrImmutableId: RULE, streamName: STREAM_NAME }, { tenantId: TENANT, clientId: CLIENT, clientSecret: SECRET }, {
            credential: { authorityHost: azure.url, disableInstanceDiscovery: true, tlsOptions: { ca: azure.ca } },
            client: { tlsOptions: { ca: azure.ca } },
        });
        // Lambda stops the post's function at its timeout: one attempt only (a retry would start over).
        const started = performance.now();
        const outcome = await postSerialFunction({ endpoint: iamUrl, region: "us-east-1", credentials: FAKE_CREDENTIALS }, ingestion.client, { dceEndpoint: azure.url, dcrImmutableId: RULE, streamName: STREAM_NAME }, new Date("2026-11-23T06:00:00Z"), AbortSignal.timeout(LAMBDA_TIMEOUT_MS));
        return { seconds: (performance.now() - started) / 1000, attempts: 1, error: outcome.error };
    });
    return { label: "the post's serial algorithm", ...result, stats, rows, delivered, keys: scenario.users * 2 };
}

function line(r: BenchRun): string {
    const c = r.stats.calls;
    const calls = c.ListUsers + c.ListAccessKeys + c.GetAccessKeyLastUsed;
    const failed = r.stats.failed.ListUsers + r.stats.failed.ListAccessKeys + r.stats.failed.GetAccessKeyLastUsed;
    return (
        `  ${r.label.padEnd(36)} ${r.seconds.toFixed(1).padStart(7)} s  ${String(calls).padStart(6)} IAM calls (${failed} faulted)  ${(calls / r.seconds).toFixed(0).padStart(5)} requests/s  ` +
        `delivered ${r.delivered}/${r.keys}  duplicates ${r.rows - r.delivered}  attempts ${r.attempts}${r.error ? `  (last error: ${r.error.slice(0, 160)})` : ""}`
    );
}

export async function benchCollectorFunction(print: (line: string) => void = console.log): Promise<BenchRun[]> {
    const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 20);
    const concurrency = Number(process.env.IAM_CONCURRENCY ?? DEFAULT_IAM_CONCURRENCY);
    const serial = process.env.BENCH_SERIAL !== "0";
    const columns = await plannedStreamColumns();
    const scenarios: Scenario[] = [
        { label: "2,400 keys, 13% of IAM calls faulted (8% Throttling, 5% ServiceUnavailable)", users: 1200, faultRates: { throttling: 0.08, unavailable: 0.05, seed: 2026 } },
        { label: "10,000 keys, no faults", users: 5000 },
    ];
    print(`Collector function over the fake IAM (${latencyMs} ms per call, its own thread), the fake Logs Ingestion API and S3; Lambda's 600 s per attempt`);
    // A short warm-up: module loading, JIT and the first TLS handshakes out of the way.
    await runProduct({ label: "warm-up", users: 50 }, latencyMs, concurrency, columns);
    const runs: BenchRun[] = [];
    for (const scenario of scenarios) {
        print(scenario.label);
        const ours = await runProduct(scenario, latencyMs, concurrency, columns);
        print(line(ours));
        runs.push(ours);
        if (serial) {
            const post = await runSerial(scenario, latencyMs, columns);
            print(line(post));
            runs.push(post);
            if (post.error === undefined && ours.error === undefined) print(`  ${"speed-up".padEnd(36)} ${(post.seconds / ours.seconds).toFixed(1)}x`);
        }
    }
    print("Delivered counts distinct RecordIds in the table (what the saved searches show); duplicates are rows stored more than once.");
    return runs;
}

if (require.main === module) {
    benchCollectorFunction().catch((error: unknown) => {
        console.error(error instanceof Error ? error.message : String(error));
        process.exitCode = 1;
    });
}
