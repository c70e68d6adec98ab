// The export function end to end against the fakes: what lands in S3 (every record of the
// day once, in its partition), which day, and how it fails.
import { gunzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { LOG_TYPES, LOG_TYPE_NAMES, objectKey } from "../../../../stacks/collector/entra-logs/layout";
import type { LogType } from "../../../../stacks/collector/entra-logs/layout";
import { BUCKET, handlerFor, idsOf, RECORDS_YESTERDAY, startEntraFakes, writtenRecords, YESTERDAY } from "./harness";
import type { EntraFakes } from "./harness";

let fakes: EntraFakes | undefined;
afterEach(async () => {
    await fakes?.close();
    fakes = undefined;
});
const started = async (options?: Parameters<typeof startEntraFakes>[0]) => {
    fakes = await startEntraFakes(options);
    return fakes;
};

describe.each(LOG_TYPE_NAMES)("a scheduled run of the %s function", (logType: LogType) => {
    const { graphPath, timeField } = LOG_TYPES[logType];

    it("writes every record of yesterday exactly once, across six pages, as Graph returned it", async () => {
        const f = await started();
        const { handler, logs } = handlerFor(f, { logType });
        const summary = await handler({ source: "aws.events", "detail-type": "Scheduled Event" });

        const key = `${logType}/dt=${YESTERDAY}/${logType}-${YESTERDAY}.json.gz`;
        expect(key).toBe(objectKey(logType, YESTERDAY));
        expect(summary).toMatchObject({ logType, day: YESTERDAY, records: RECORDS_YESTERDAY, pages: 6, key });
        expect(summary.bytes).toBe(f.s3.get(BUCKET, key)?.body.length);
        expect(f.s3.keys(BUCKET)).toEqual([key]);

        const written = writtenRecords(f, key);
        const expected = f.graph.recordsOf(logType, YESTERDAY);
        expect(written).toHaveLength(RECORDS_YESTERDAY);
        expect(new Set(idsOf(written)).size).toBe(RECORDS_YESTERDAY);
        expect(idsOf(written)).toEqual(idsOf(expected));
        expect(idsOf(written)).toEqual([...f.graph.served[logType]].sort());
        // Each line is the Graph object itself, nested fields and non-ASCII names included.
        const byId = new Map(expected.map((r) => [r.id, r]));
        for (const record of written) expect(record).toEqual(byId.get(record.id));
        expect(JSON.parse(logs.at(-1) ?? "{}")).toMatchObject({ level: "INFO", event: "run-finished", logType, day: YESTERDAY, records: RECORDS_YESTERDAY, pages: 6, key });
    });

    it("asks Graph for exactly one UTC day on the log's time field, so records outside it are never requested", async () => {
        const f = await started();
        await handlerFor(f, { logType }).handler({});

        expect(f.graph.filters).toEqual([`${timeField} ge ${YESTERDAY}T00:00:00Z and ${timeField} le ${YESTERDAY}T23:59:59.9999999Z`]);
        const requests = f.graph.requestsFor(logType);
        expect(requests.map((r) => [r.page, r.status])).toEqual([1, 2, 3, 4, 5, 6].map((page) => [page, 200]));
        expect(requests.every((r) => r.top === "1000")).toBe(true);
        // Pages 2 to 6 came from the nextLinks, each with its own $skiptoken.
        expect(new Set(requests.slice(1).map((r) => r.skiptoken)).size).toBe(5);
        expect(f.graph.requests.filter((r) => r.logType !== logType)).toEqual([]);
        // The edges: 00:00:00.0000000 is in the day, the next day's records are not.
        const written = writtenRecords(f, objectKey(logType, YESTERDAY));
        const times = written.map((r) => String(r[timeField])).sort();
        expect(times[0]).toBe(`${YESTERDAY}T00:00:00.0000000Z`);
        expect(times.at(-1)).toBe(`${YESTERDAY}T23:59:59.9999999Z`);
        expect(written.every((r) => String(r[timeField]).startsWith(YESTERDAY))).toBe(true);
        expect(requests[0].authorization).toMatch(/^Bearer \S+$/);
        expect(graphPath).toContain("auditLogs/");
    });

    it("stores the object as gzip-compressed NDJSON, leaving encryption to the bucket's default", async () => {
        const f = await started();
        await handlerFor(f, { logType }).handler({});
        const object = f.s3.get(BUCKET, objectKey(logType, YESTERDAY));
        expect(object?.headers["content-type"]).toBe("application/x-ndjson");
        expect(object?.headers["content-encoding"]).toBe("gzip");
        // No SSE header and no key id: the bucket's SSE-KMS default with the lab's key applies.
        expect(Object.keys(object?.headers ?? {}).filter((h) => h.startsWith("x-amz-server-side-encryption"))).toEqual([]);
        expect(f.s3.puts).toBe(1);
        // The SDK's CRC32 of the body, which the fake checked: the object is the bytes the function built.
        expect(object?.headers["x-amz-checksum-crc32"]).toMatch(/^[A-Za-z0-9+/]{6}==$/);
    });
});

describe("which day", () => {
    it("replaces the day's object on a rerun: one object, the same bytes, no duplicate record", async () => {
        const f = await started();
        const { handler } = handlerFor(f);
        const first = await handler({});
        const bytes = f.s3.get(BUCKET, first.key)?.body;
        const second = await handler({});

        expect(second).toMatchObject({ key: first.key, records: RECORDS_YESTERDAY, bytes: first.bytes });
        expect(f.s3.keys(BUCKET)).toEqual([first.key]);
        expect(f.s3.get(BUCKET, first.key)?.versions).toBe(2);
        expect(f.s3.get(BUCKET, first.key)?.body.equals(bytes ?? Buffer.alloc(0))).toBe(true);
        expect(new Set(idsOf(writtenRecords(f, first.key))).size).toBe(RECORDS_YESTERDAY);
    });

    it("re-exports the day an event names (backfill), into that day's partition", async () => {
        const f = await started();
        const { handler, logs } = handlerFor(f, { logType: "directoryaudits" });
        const summary = await handler({ day: "2026-02-20" });

        expect(summary).toMatchObject({ day: "2026-02-20", records: 40, pages: 2, key: "directoryaudits/dt=2026-02-20/directoryaudits-2026-02-20.json.gz" });
        expect(f.graph.filters).toEqual(["activityDateTime ge 2026-02-20T00:00:00Z and activityDateTime le 2026-02-20T23:59:59.9999999Z"]);
        expect(idsOf(writtenRecords(f, summary.key))).toEqual(idsOf(f.graph.recordsOf("directoryaudits", "2026-02-20")));
        expect(JSON.parse(logs[0])).toMatchObject({ event: "run-started", day: "2026-02-20", backfill: true });
    });

    it("refuses a day that has not ended, a future one, one past Entra's retention or a malformed one, before calling anything", async () => {
        const f = await started();
        const { handler } = handlerFor(f);
        await expect(handler({ day: "2026-03-02" })).rejects.toThrow("DayError: day 2026-03-02 has not ended yet (it is 2026-03-02T00:20:00");
        await expect(handler({ day: "2027-01-01" })).rejects.toThrow(/day 2027-01-01 has not ended yet .* the latest complete UTC day is 2026-03-01\.$/);
        await expect(handler({ day: "2026-01-15" })).rejects.toThrow(/day 2026-01-15 is more than 30 days ago \(the earliest is 2026-01-31\)/);
        await expect(handler({ day: "2026-02-30" })).rejects.toThrow('DayError: "day" must be a UTC date written YYYY-MM-DD, such as 2026-03-01; got "2026-02-30".');
        await expect(handler({ day: "01/03/2026" })).rejects.toThrow(/"day" must be a UTC date written YYYY-MM-DD.*got "01\/03\/2026"/);
        await expect(handler({ day: 20260301 })).rejects.toThrow(/"day" must be .* got number 20260301\./);
        await expect(handler("2026-03-01")).rejects.toThrow(/the invocation event must be an object: \{ "day": "YYYY-MM-DD" \}/);

        expect(f.graph.requests).toEqual([]);
        expect(f.azure.requests).toEqual([]);
        expect(f.s3.requests).toEqual([]);
        expect(f.ssm.statistics.calls.GetParameter).toBe(0);
    });

    it("writes an empty day as an empty gzip object, so Athena sees the partition present and empty", async () => {
        const f = await started({ records: { signins: [], directoryaudits: [] } });
        const summary = await handlerFor(f).handler({});

        expect(summary).toMatchObject({ records: 0, pages: 1, key: objectKey("signins", YESTERDAY) });
        const object = f.s3.get(BUCKET, summary.key);
        expect(object?.body.length).toBe(summary.bytes);
        expect(summary.bytes).toBeGreaterThan(0);
        expect(gunzipSync(object?.body ?? Buffer.alloc(0)).toString("utf8")).toBe("");
    });
});

describe("Graph's throttling and failures", () => {
    it("waits as long as a 429's Retry-After says, then reads the rest of the day", async () => {
        const f = await started();
        f.graph.fail({ answer: 429, times: 1, retryAfterSeconds: 1, page: 3 });
        const summary = await handlerFor(f).handler({});

        const page3 = f.graph.requestsFor("signins", 3);
        expect(page3.map((r) => r.status)).toEqual([429, 200]);
        expect(page3[1].at - page3[0].at).toBeGreaterThanOrEqual(950);
        expect(summary).toMatchObject({ records: RECORDS_YESTERDAY, pages: 6 });
        expect(idsOf(writtenRecords(f, summary.key))).toEqual(idsOf(f.graph.recordsOf("signins", YESTERDAY)));
    });

    it("retries 5xx answers and dropped connections, and still writes each record once", async () => {
        const f = await started();
        f.graph.fail({ answer: 503, times: 2, page: 2 });
        f.graph.fail({ answer: 500, times: 1, page: 4 });
        f.graph.fail({ answer: "reset", times: 1, page: 5 });
        const summary = await handlerFor(f).handler({});

        expect(f.graph.requestsFor("signins").map((r) => `${r.page}:${r.status}`)).toEqual(["1:200", "2:503", "2:503", "2:200", "3:200", "4:500", "4:200", "5:0", "5:200", "6:200"]);
        const written = writtenRecords(f, summary.key);
        expect(written).toHaveLength(RECORDS_YESTERDAY);
        expect(idsOf(written)).toEqual(idsOf(f.graph.recordsOf("signins", YESTERDAY)));
    });

    it("fails the invocation when a page keeps failing, after a bounded number of attempts, and writes nothing", async () => {
        const f = await started();
        f.graph.fail({ answer: 503, times: Infinity, page: 2 });
        const { handler, logs } = handlerFor(f);
        await expect(handler({})).rejects.toThrow(/^GraphError: Microsoft Graph answered HTTP 503 to page 2 of auditLogs\/signIns for 2026-03-01: serviceNotAvailable: Service unavailable\. \(request-id [0-9a-f-]{36}\), still after 5 retries\.$/);
        // The first attempt and 5 retries.
        expect(f.graph.requestsFor("signins", 2)).toHaveLength(6);
        expect(f.s3.requests).toEqual([]);
        expect(JSON.parse(logs.at(-1) ?? "{}")).toMatchObject({ level: "ERROR", event: "run-failed", error: expect.stringContaining("HTTP 503 to page 2") });
    });

    it("fails at once, with Graph's reason and the fix, when the app lacks the permission (403 is not retried)", async () => {
        const f = await started();
        f.graph.fail({ answer: 403, times: Infinity });
        await expect(handlerFor(f).handler({})).rejects.toThrow(
            /^GraphError: Microsoft Graph answered HTTP 403 to page 1 of auditLogs\/signIns for 2026-03-01: Authorization_RequestDenied: Insufficient privileges to complete the operation\. \(request-id [0-9a-f-]{36}\)\. The Entra application needs the Microsoft Graph application permission AuditLog\.Read\.All with admin consent, and sign-in logs need an Entra ID P1 or P2 licence in the tenant\.$/,
        );
        expect(f.graph.requests).toHaveLength(1);
    });

    it("refuses a nextLink to another host instead of sending the token there", async () => {
        const f = await started({ nextLinkOrigin: "https://graph.attacker.example" });
        await expect(handlerFor(f).handler({})).rejects.toThrow(
            `GraphError: Microsoft Graph's @odata.nextLink after page 1 of auditLogs/signIns for 2026-03-01 points to https://graph.attacker.example, not ${f.graph.url}: the token is not sent there.`,
        );
        expect(f.s3.requests).toEqual([]);
    });

    it("retries a page Graph did not answer within the request timeout, and writes the day", async () => {
        const f = await started();
        f.graph.fail({ answer: "hang", times: 2, page: 2 });
        const { handler } = handlerFor(f, { deps: { graph: { baseUrl: f.graph.url, tlsOptions: { ca: f.graph.ca }, retryOptions: { retryDelayInMs: 5 }, requestTimeoutMs: 200 } } });
        await expect(handler({})).resolves.toMatchObject({ records: RECORDS_YESTERDAY, pages: 6 });
        expect(f.graph.requestsFor("signins", 2).map((r) => r.status)).toEqual([0, 0, 200]);
    });

    it("gives up on a page Graph never answers, after the retries, saying so", async () => {
        const f = await started();
        f.graph.fail({ answer: "hang", times: Infinity, page: 2 });
        const { handler } = handlerFor(f, { deps: { graph: { baseUrl: f.graph.url, tlsOptions: { ca: f.graph.ca }, retryOptions: { retryDelayInMs: 5, maxRetries: 2 }, requestTimeoutMs: 200 } } });
        await expect(handler({})).rejects.toThrow("GraphError: Microsoft Graph did not answer page 2 of auditLogs/signIns for 2026-03-01 within 0.2 s, still after 2 retries.");
        expect(f.s3.requests).toEqual([]);
    });

    it("backs off exponentially, with jitter, when a 429 comes without Retry-After", async () => {
        const f = await started();
        f.graph.fail({ answer: 429, times: 3, page: 2 });
        const { handler } = handlerFor(f, { deps: { graph: { baseUrl: f.graph.url, tlsOptions: { ca: f.graph.ca }, retryOptions: { retryDelayInMs: 40, maxRetryDelayInMs: 1000 } } } });
        await expect(handler({})).resolves.toMatchObject({ records: RECORDS_YESTERDAY });
        const page2 = f.graph.requestsFor("signins", 2);
        expect(page2.map((r) => r.status)).toEqual([429, 429, 429, 200]);
        // Each wait is at least half its exponential step: 40, 80, 160 ms.
        const gaps = page2.slice(1).map((r, i) => r.at - page2[i].at);
        gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual((40 * 2 ** i) / 2 - 2));
    });

    it("fails at once, saying why, when Retry-After asks for longer than the run has left", async () => {
        const f = await started();
        f.graph.fail({ answer: 429, times: 1, retryAfterSeconds: 120, page: 2 });
        const { handler } = handlerFor(f);
        const started_ = performance.now();
        await expect(handler({}, { awsRequestId: "r", getRemainingTimeInMillis: () => 90_000 })).rejects.toThrow(
            /^GraphError: Microsoft Graph answered HTTP 429 to page 2 of auditLogs\/signIns for 2026-03-01: TooManyRequests: Too many requests\.( \(request-id [0-9a-f-]{36}\))?; the retry would wait 120 s, longer than the run has left \(90 s left, 60 s kept for writing the day\)\.$/,
        );
        expect(performance.now() - started_).toBeLessThan(5000);
    });
});

describe("writing to S3", () => {
    it("fails the invocation when S3 keeps failing, after the SDK's retries", async () => {
        const f = await started();
        f.s3.fail({ status: 500, code: "InternalError", times: Infinity });
        const { handler, logs } = handlerFor(f);
        await expect(handler({})).rejects.toThrow(
            new RegExp(`^S3WriteError: could not write s3://${BUCKET}/signins/dt=2026-03-01/signins-2026-03-01\\.json\\.gz \\(\\d+ bytes\\): InternalError: We encountered an internal error\\. Please try again\\.$`),
        );
        expect(f.s3.puts).toBe(3);
        expect(f.s3.keys(BUCKET)).toEqual([]);
        expect(JSON.parse(logs.at(-1) ?? "{}")).toMatchObject({ level: "ERROR", event: "run-failed" });
    });

    it("fails at once on AccessDenied (not retried), and succeeds on the next invocation", async () => {
        const f = await started();
        f.s3.fail({ status: 403, code: "AccessDenied", times: 1 });
        const { handler } = handlerFor(f);
        await expect(handler({})).rejects.toThrow(/S3WriteError: could not write .*: AccessDenied: Access Denied$/);
        expect(f.s3.puts).toBe(1);
        await expect(handler({})).resolves.toMatchObject({ records: RECORDS_YESTERDAY });
    });
});
