// The collector function end to end, in-process, against the fake IAM/SSM and Azure servers:
// the real AWS SDK and Azure clients, real HTTP, real paging, retries and gzip.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunSummary } from "../../../../stacks/collector/access-key-report/function/index";
import { COLUMNS } from "../../../../stacks/collector/access-key-report/schema";
import { CLIENT_SECRET, expectedPairs, handlerFor, leakedKeyParts, receivedPairs, startFakes } from "./harness";
import type { Fakes } from "./harness";

const USERS = 1200;
const USERS_PAGE = 100;
const CONCURRENCY = 8;
const COLUMN_NAMES = COLUMNS.map((c) => c.name);
const REQUIRED_COLUMNS = ["TimeGenerated", "LoggedDate", "User", "AccountNumber", "AccessKeyId", "CreateDate", "Status"];
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe(`one run over ${USERS} users with 2 keys each`, () => {
    let fakes: Fakes;
    let summary: RunSummary;
    let logs: string[];
    // The run starts half a second before midnight UTC, so it crosses into the next day.
    const clockStart = Date.UTC(2026, 2, 1, 23, 59, 59, 500);
    let wallStart = 0;
    let finishedAt = 0;

    beforeAll(async () => {
        // A few milliseconds per call, so requests overlap as they would against AWS (the SDK
        // and the fake share this process's one thread).
        fakes = await startFakes({ users: USERS, usersPageSize: USERS_PAGE, latencyMs: 4 });
        const run = handlerFor(fakes, { env: { IAM_CONCURRENCY: String(CONCURRENCY) }, deps: { now: () => new Date(clockStart + (performance.now() - wallStart)) } });
        logs = run.logs;
        wallStart = performance.now();
        summary = await run.handler({}, { awsRequestId: "run-1" });
        finishedAt = clockStart + (performance.now() - wallStart);
    });
    afterAll(() => fakes.close());

    it("delivers every key exactly once and says so in its summary", () => {
        const received = receivedPairs(fakes.azure);
        expect(received).toHaveLength(USERS * 2);
        expect(new Set(received).size).toBe(USERS * 2);
        expect(received).toEqual(expectedPairs(fakes.iam));
        expect(summary).toMatchObject({ users: USERS, keys: USERS * 2, recordsDelivered: USERS * 2, skippedUsers: 0, skippedKeys: 0 });
    });

    it("sends only columns the planned rule declares, each of its declared type", () => {
        expect([...fakes.azure.droppedColumns]).toEqual([]);
        expect(fakes.azure.invalidValues).toEqual([]);
        expect(fakes.azure.report()).toHaveLength(USERS * 2);
    });

    it("builds records of exactly the table's columns, with IAM's values", () => {
        const byPair = new Map(fakes.azure.records.map((r) => [`${String(r.User)} ${String(r.AccessKeyId)}`, r]));
        for (const { user, key } of fakes.iam.keys) {
            const record = byPair.get(`${user.userName} ${key.accessKeyId.slice(0, 4)}...${key.accessKeyId.slice(-4)}`);
            expect(record).toBeDefined();
            if (!record) continue;
            expect(COLUMN_NAMES).toEqual(expect.arrayContaining(Object.keys(record)));
            expect(Object.keys(record)).toEqual(expect.arrayContaining(REQUIRED_COLUMNS));
            expect(record).toMatchObject({ AccountNumber: "123456789012", CreateDate: key.createDate.toISOString(), Status: key.status, LoggedDate: "2026-03-01T00:00:00.000Z" });
            // Never used: no last-use columns at all (IAM's "N/A" is not a region).
            expect({ LastUsedDate: record.LastUsedDate, Region: record.Region, ServiceName: record.ServiceName }).toEqual(
                key.lastUsed ? { LastUsedDate: key.lastUsed.date.toISOString(), Region: key.lastUsed.region, ServiceName: key.lastUsed.service } : { LastUsedDate: undefined, Region: undefined, ServiceName: undefined },
            );
            expect(String(record.TimeGenerated)).toMatch(ISO);
            const generated = Date.parse(String(record.TimeGenerated));
            expect(generated).toBeGreaterThanOrEqual(clockStart);
            expect(generated).toBeLessThanOrEqual(finishedAt);
        }
        // Some records were collected after midnight and still belong to the run's day.
        expect(fakes.azure.records.some((r) => String(r.TimeGenerated) >= "2026-03-02")).toBe(true);
        expect(fakes.azure.records.some((r) => r.LastUsedDate === undefined)).toBe(true);
    });

    it("never lets a full key id, the secret or the bearer token out: not in the uploaded bodies, not in its logs", () => {
        const everything = [...fakes.azure.bodies, ...logs].join("\n");
        expect(leakedKeyParts(everything, fakes.iam)).toEqual([]);
        expect(everything).toContain("AKIA...");
        expect(everything).not.toContain(CLIENT_SECRET);
        expect(fakes.azure.issuedTokens).toHaveLength(1);
        for (const token of fakes.azure.issuedTokens) expect(everything).not.toContain(token);
    });

    it("pages through IAM: ceil(users / page) ListUsers calls, one ListAccessKeys per user, one GetAccessKeyLastUsed per key", () => {
        expect(fakes.iam.statistics.calls).toEqual({ ListUsers: Math.ceil(USERS / USERS_PAGE), ListAccessKeys: USERS, GetAccessKeyLastUsed: USERS * 2, GetParameter: 1 });
    });

    it(`keeps at most IAM_CONCURRENCY (${CONCURRENCY}) IAM requests in flight, and uses them`, () => {
        expect(fakes.iam.statistics.peakConcurrency).toBe(CONCURRENCY);
    });

    it("uploads gzip calls under 1 MB, all accepted", () => {
        expect(fakes.azure.uploads.length).toBeGreaterThan(0);
        for (const upload of fakes.azure.uploads) {
            expect(upload.status).toBe(204);
            expect(upload.compressedBytes).toBeLessThanOrEqual(1024 * 1024);
        }
    });

    it("logs JSON lines: the run's start, what it collected and its summary", () => {
        const events = logs.map((line) => JSON.parse(line) as Record<string, unknown>);
        expect(events.map((e) => e.event)).toEqual(["run-started", "collected", "run-finished"]);
        for (const e of events) expect(e).toMatchObject({ level: "INFO", requestId: "run-1", timestamp: expect.stringMatching(ISO) });
        expect(events[2]).toMatchObject({ users: USERS, keys: USERS * 2, recordsDelivered: USERS * 2 });
    });
});
