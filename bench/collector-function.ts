// The collector function's IAM listing, concurrent against one call after another (the post's
// function), over the fake IAM server with a fixed latency per call, in one run so the
// figures compare. Both runs are the product's handler with the production retry settings
// (adaptive mode, 6 attempts); only IAM_CONCURRENCY differs.
//
//   node -r ./cli/ts-require.js bench/collector-function.ts
//
// Environment: BENCH_USERS (default 2000, 2 keys each), BENCH_LATENCY_MS (default 20),
// IAM_CONCURRENCY (default 10), BENCH_RATE_LIMIT (requests/s; when set, a third run against
// a fake that throttles above that rate shows what adaptive mode does when IAM says no).
import { createHandler } from "../stacks/collector/access-key-report/function/index";
import type { RunSummary } from "../stacks/collector/access-key-report/function/index";
import { DEFAULT_IAM_CONCURRENCY } from "../stacks/collector/access-key-report/function/config";
import { STREAM_NAME } from "../stacks/collector/access-key-report/schema";
import { FakeAzure } from "../test/collector/access-key-report/function/fake-azure";
import { FAKE_CREDENTIALS } from "../test/collector/access-key-report/function/fake-iam";
import type { FakeIamStats } from "../test/collector/access-key-report/function/fake-iam";
import { startFakeIamInWorker } from "../test/collector/access-key-report/function/fake-iam-worker";

const TENANT = "00000000-0000-4000-8000-00000000c011";
const CLIENT = "0f3c5b1e-9a47-4c1e-8d2f-6b5a4e3d2c1b";
const SECRET = "bench-client-secret";
const RULE = "dcr-5c0f1e2d3b4a59687766554433221100";
const PARAMETER = "/labs/bench/collector/entra-client-secret";

export interface BenchRun {
    label: string;
    concurrency: number;
    seconds: number;
    summary: RunSummary;
    stats: FakeIamStats;
}

async function runOnce(label: string, options: { users: number; latencyMs: number; concurrency: number; maxRequestsPerSecond?: number }): Promise<BenchRun> {
    // The fake IAM on its own thread, as real IAM is across a network: the figures are the function's.
    const iam = await startFakeIamInWorker({ users: options.users, latencyMs: options.latencyMs, maxRequestsPerSecond: options.maxRequestsPerSecond, parameters: { [PARAMETER]: SECRET } });
    const azure = await FakeAzure.start({ tenantId: TENANT, clientId: CLIENT, clientSecret: SECRET, dcrImmutableId: RULE, streamName: STREAM_NAME });
    try {
        const aws = { endpoint: iam.url, region: "us-east-1", credentials: FAKE_CREDENTIALS };
        const handler = createHandler({
            env: { DCE_ENDPOINT: azure.url, DCR_IMMUTABLE_ID: RULE, STREAM_NAME, AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT, CLIENT_SECRET_PARAMETER: PARAMETER, IAM_CONCURRENCY: String(options.concurrency) },
            iam: aws,
            ssm: aws,
            credential: { authorityHost: azure.url, disableInstanceDiscovery: true, tlsOptions: { ca: azure.ca } },
            ingestion: { tlsOptions: { ca: azure.ca } },
            writeLog: () => undefined,
        });
        const started = process.hrtime.bigint();
        const summary = await handler({});
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        if (azure.records.length !== options.users * 2) throw new Error(`${label}: ${azure.records.length} records arrived, expected ${options.users * 2}`);
        return { label, concurrency: options.concurrency, seconds, summary, stats: await iam.statistics() };
    } finally {
        await Promise.all([iam.close(), azure.close()]);
    }
}

export async function benchCollectorFunction(print: (line: string) => void = console.log): Promise<{ speedUp: number }> {
    const users = Number(process.env.BENCH_USERS ?? 2000);
    const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 20);
    const concurrency = Number(process.env.IAM_CONCURRENCY ?? DEFAULT_IAM_CONCURRENCY);
    const rateLimit = process.env.BENCH_RATE_LIMIT ? Number(process.env.BENCH_RATE_LIMIT) : undefined;

    const line = (r: BenchRun) => {
        const c = r.stats.calls;
        const iamCalls = c.ListUsers + c.ListAccessKeys + c.GetAccessKeyLastUsed;
        const throttled = r.stats.failed.ListUsers + r.stats.failed.ListAccessKeys + r.stats.failed.GetAccessKeyLastUsed;
        return (
            `${r.label.padEnd(34)} ${r.seconds.toFixed(2).padStart(7)} s  ${Math.round(r.summary.recordsDelivered / r.seconds).toString().padStart(5)} records/s  ` +
            `${iamCalls} IAM calls (ListUsers ${c.ListUsers}, ListAccessKeys ${c.ListAccessKeys}, GetAccessKeyLastUsed ${c.GetAccessKeyLastUsed}${throttled ? `, ${throttled} throttled` : ""})  ` +
            `peak ${r.stats.peakRequestsPerSecond} requests/s, peak ${r.stats.peakConcurrency} in flight`
        );
    };

    print(`Collector function over the fake IAM: ${users} users x 2 keys, ${latencyMs} ms per IAM call, upload to the fake Logs Ingestion API included`);
    // A short warm-up: module loading, JIT and the first TLS handshakes out of the way.
    await runOnce("warm-up", { users: 50, latencyMs, concurrency });
    const concurrent = await runOnce(`IAM_CONCURRENCY=${concurrency} (adaptive retry)`, { users, latencyMs, concurrency });
    print(line(concurrent));
    const sequential = await runOnce("one call after another (=1)", { users, latencyMs, concurrency: 1 });
    print(line(sequential));
    const speedUp = sequential.seconds / concurrent.seconds;
    print(`${"speed-up".padEnd(34)} ${speedUp.toFixed(1)}x   (target >= 8: ${speedUp >= 8 ? "met" : "NOT met"})`);
    print("IAM publishes no request rate for these read calls; it throttles per account (Rate exceeded). Judge the peak rate above against what else calls IAM in the account.");

    if (rateLimit !== undefined) {
        const throttled = await runOnce(`fake throttles above ${rateLimit}/s`, { users, latencyMs, concurrency, maxRequestsPerSecond: rateLimit });
        print(line(throttled));
    }
    return { speedUp };
}

if (require.main === module) {
    benchCollectorFunction().catch((error: unknown) => {
        console.error(error instanceof Error ? error.message : String(error));
        process.exitCode = 1;
    });
}
