// Every record exactly once, as the user sees it, whatever goes wrong on the way: a reply lost
// after Azure stored the call, a call that fails for good, a call that never answers, the run's
// time running out, a rerun of a day. Each case counts the rows in the fake table (what Azure
// stored) and the rows of the report the saved searches show (one per RecordId), and checks that
// the retry sends only what the checkpoint does not hold.
import { afterEach, describe, expect, it } from "vitest";
import { checkpointKey } from "../../../../stacks/collector/access-key-report/function/checkpoint";
import { CHECKPOINT_BUCKET, DCR_IMMUTABLE_ID, expectedPairs, handlerFor, lambdaContext, reportedPairs, startFakes } from "./harness";
import type { Fakes } from "./harness";

let fakes: Fakes | undefined;
afterEach(async () => {
    await fakes?.close();
    fakes = undefined;
});

// One scheduled day for every attempt: Lambda retries an event as it was.
const DAY = "2026-11-23";
const EVENT = { "detail-type": "Scheduled Event", time: `${DAY}T06:00:00Z` };
const ids = (f: Fakes) => f.azure.records.map((r) => String(r.RecordId));
const checkpointIds = (f: Fakes): string[] => {
    const stored = f.s3.get(CHECKPOINT_BUCKET, checkpointKey({ bucket: CHECKPOINT_BUCKET, dcrImmutableId: DCR_IMMUTABLE_ID }, DAY));
    return stored ? (JSON.parse(stored.body.toString("utf8")) as { delivered: string[] }).delivered : [];
};
const failureOf = (promise: Promise<unknown>) => promise.then(
    () => "resolved",
    (e: unknown) => String(e),
);

describe("a reply lost after Azure stored the call", () => {
    it("stores those rows twice, and the report still shows every key once; a retry of the day sends nothing", async () => {
        fakes = await startFakes({ users: 1200 });
        fakes.azure.fail({ status: "lose-reply", times: 1 });
        const { handler } = handlerFor(fakes);
        await expect(handler(EVENT)).resolves.toMatchObject({ recordsDelivered: 2400 });

        // The client retried the call whose reply was lost: Azure has those records twice.
        expect(fakes.azure.records.length).toBeGreaterThan(2400);
        expect(new Set(ids(fakes)).size).toBe(2400);
        expect(fakes.azure.report()).toHaveLength(2400);
        expect(reportedPairs(fakes.azure)).toEqual(expectedPairs(fakes.iam));

        const rows = fakes.azure.records.length;
        fakes.iam.resetStatistics();
        await expect(handler(EVENT)).resolves.toMatchObject({ recordsDelivered: 0, alreadyDelivered: 2400 });
        expect(fakes.azure.records).toHaveLength(rows);
        expect(fakes.iam.statistics.calls.GetAccessKeyLastUsed).toBe(0);
    });
});

describe("a call that fails for good, then the Lambda retry", () => {
    it("fails with what was delivered, and the retry sends only the records of the failed call", async () => {
        fakes = await startFakes({ users: 2000 });
        const first = fakes.iam.keys[0].key.accessKeyId;
        // The call holding one particular record fails, every time, for this attempt.
        fakes.azure.fail({ status: 503, times: Infinity, match: (batch) => batch.some((r) => r.AccessKeyId === `${first.slice(0, 4)}...${first.slice(-4)}` && r.User === fakes?.iam.users[0].userName) });
        const { handler } = handlerFor(fakes);
        const error = await failureOf(handler(EVENT));
        const stored = fakes.azure.records.length;
        expect(stored).toBeGreaterThan(0);
        expect(stored).toBeLessThan(4000);
        expect(error).toContain(`${4000 - stored} of 4000 records were not delivered`);
        expect(error).toContain(`${stored} records delivered by this attempt and 0 by earlier ones; the checkpoint s3://${CHECKPOINT_BUCKET}/`);
        expect(checkpointIds(fakes)).toHaveLength(stored);

        // The outage is over; Lambda retries the same event.
        fakes.azure.clearFaults();
        fakes.iam.resetStatistics();
        await expect(handler(EVENT)).resolves.toMatchObject({ recordsDelivered: 4000 - stored, alreadyDelivered: stored });
        expect(fakes.iam.statistics.calls.GetAccessKeyLastUsed).toBe(4000 - stored);
        // No duplicates at all: every row once, in the table as in the report.
        expect(fakes.azure.records).toHaveLength(4000);
        expect(new Set(ids(fakes)).size).toBe(4000);
        expect(reportedPairs(fakes.azure)).toEqual(expectedPairs(fakes.iam));
        expect(checkpointIds(fakes)).toHaveLength(4000);
    });
});

describe("an ingestion call that never answers", () => {
    it("fails within the request timeout, saying so, and the retry delivers the rest once", async () => {
        fakes = await startFakes({ users: 1500 });
        fakes.azure.fail({ status: "hang", times: 1 });
        const { handler } = handlerFor(fakes, { deps: { ingestionRequestTimeoutMs: 500 } });
        const started = performance.now();
        const error = await failureOf(handler(EVENT));
        expect(performance.now() - started).toBeLessThan(20_000);
        expect(error).toMatch(/records were not delivered .*: no answer within 0\.5 s \(the request timeout\); 1500 users and 3000 keys listed/);
        const stored = fakes.azure.records.length;
        expect(stored).toBeLessThan(3000);

        await expect(handler(EVENT)).resolves.toMatchObject({ recordsDelivered: 3000 - stored, alreadyDelivered: stored });
        expect(fakes.azure.records).toHaveLength(3000);
        expect(reportedPairs(fakes.azure)).toEqual(expectedPairs(fakes.iam));
    });
});

describe("IAM throttling and outages", () => {
    it("slow the run but do not stop it: with 13% of IAM calls throttled or 503, every key is reported once", async () => {
        fakes = await startFakes({ users: 300, faultRates: { throttling: 0.08, unavailable: 0.05, seed: 2026 } });
        const { handler } = handlerFor(fakes);
        await expect(handler(EVENT)).resolves.toMatchObject({ recordsDelivered: 600 });
        const { failed } = fakes.iam.statistics;
        expect(failed.ListAccessKeys + failed.GetAccessKeyLastUsed).toBeGreaterThan(50);
        expect(fakes.azure.records).toHaveLength(600);
        expect(reportedPairs(fakes.azure)).toEqual(expectedPairs(fakes.iam));
    });
});

describe("the run's time", () => {
    it("stops before Lambda's timeout with what it has delivered, and the retry continues from the checkpoint", async () => {
        // 400 users at 20 ms per call, 2 at a time: about 12 s of IAM calls in a 3 s invocation.
        fakes = await startFakes({ users: 400, latencyMs: 20 });
        const { handler, logs } = handlerFor(fakes, { env: { IAM_CONCURRENCY: "2" }, deps: { budget: { reserveMs: 1500, finalMarginMs: 300 }, deliveryBatchRecords: 100 } });
        const started = performance.now();
        const error = await failureOf(handler(EVENT, lambdaContext(3000, "attempt-1")));
        // Well inside the 3 s: it stopped itself, Lambda did not have to.
        expect({ ms: performance.now() - started < 3000, error }).toEqual({ ms: true, error: expect.any(String) });
        const stored = fakes.azure.records.length;
        expect(stored).toBeGreaterThan(0);
        expect(error).toMatch(new RegExp(`^CollectorError: Stopped 2 s before the function's timeout, with the IAM listing incomplete; \\d+ users and \\d+ keys listed, ${stored} records delivered by this attempt and 0 by earlier ones; the checkpoint s3://\\S+ holds ${stored}; the next attempt continues from there$`));
        expect(JSON.parse(logs.at(-1) ?? "{}")).toMatchObject({ level: "ERROR", event: "run-failed" });

        fakes.iam.resetStatistics();
        const retry = handlerFor(fakes, { env: { IAM_CONCURRENCY: "10" } });
        await expect(retry.handler(EVENT, lambdaContext(600_000, "attempt-2"))).resolves.toMatchObject({ recordsDelivered: 800 - stored, alreadyDelivered: stored });
        expect(fakes.iam.statistics.calls.GetAccessKeyLastUsed).toBe(800 - stored);
        expect(fakes.azure.records).toHaveLength(800);
        expect(reportedPairs(fakes.azure)).toEqual(expectedPairs(fakes.iam));
    });
});

describe("the checkpoint", () => {
    it("is one object per day and rule; an unreadable one sends everything again, and the report still shows each key once", async () => {
        fakes = await startFakes({ users: 50 });
        const { handler, logs } = handlerFor(fakes);
        await handler(EVENT);
        expect(fakes.s3.keys(CHECKPOINT_BUCKET)).toEqual([`access-key-report/${DCR_IMMUTABLE_ID}/${DAY}.json`]);
        fakes.s3.fail({ method: "GET", status: 403, code: "AccessDenied", times: 1 });
        await expect(handler(EVENT)).resolves.toMatchObject({ recordsDelivered: 100, alreadyDelivered: 0 });
        expect(logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((e) => e.event === "checkpoint-not-read")).toMatchObject({ level: "WARN", error: expect.stringContaining("AccessDenied") });
        expect(fakes.azure.records).toHaveLength(200);
        expect(fakes.azure.report()).toHaveLength(100);
    });

    it("of another day does not hold back today's records", async () => {
        fakes = await startFakes({ users: 10 });
        const { handler } = handlerFor(fakes);
        await handler({ time: "2026-11-22T06:00:00Z" });
        await expect(handler(EVENT)).resolves.toMatchObject({ recordsDelivered: 20, alreadyDelivered: 0 });
        expect(fakes.azure.report()).toHaveLength(20);
        expect(new Set(fakes.azure.report().map((r) => r.LoggedDate))).toEqual(new Set([`${DAY}T00:00:00.000Z`]));
    });
});
