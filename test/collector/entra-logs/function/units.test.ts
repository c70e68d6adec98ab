// The export function's small pure parts: which day, the Graph query, the day's object, settings.
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { readEntraConfig } from "../../../../stacks/collector/entra-logs/function/config";
import { dayToExport, MAX_DAYS_BACK } from "../../../../stacks/collector/entra-logs/function/day";
import { DayObject } from "../../../../stacks/collector/entra-logs/function/day-object";
import { backoffMs, dayFilter, firstPageUrl, PAGE_SIZE, retryAfterMs } from "../../../../stacks/collector/entra-logs/function/graph";
import { linesOf } from "./harness";
import { fakeSignIns } from "./records";

describe("the day to export", () => {
    const at = (iso: string) => new Date(iso);

    it("is the previous complete UTC day by default, whatever the hour and for any event without a day", () => {
        expect(dayToExport(undefined, at("2026-03-02T00:00:00.000Z"))).toEqual({ day: "2026-03-01", next: "2026-03-02", backfill: false });
        expect(dayToExport({}, at("2026-03-02T23:59:59.999Z"))).toEqual({ day: "2026-03-01", next: "2026-03-02", backfill: false });
        expect(dayToExport({ source: "aws.events", "detail-type": "Scheduled Event", time: "2026-03-02T00:15:00Z" }, at("2026-03-02T00:15:03Z")).day).toBe("2026-03-01");
        expect(dayToExport(null, at("2024-03-01T01:00:00Z"))).toEqual({ day: "2024-02-29", next: "2024-03-01", backfill: false });
        expect(dayToExport({}, at("2027-01-01T00:30:00Z"))).toEqual({ day: "2026-12-31", next: "2027-01-01", backfill: false });
    });

    it("is the event's day for a backfill, from yesterday back to the retention limit", () => {
        const now = at("2026-03-02T10:00:00Z");
        expect(dayToExport({ day: "2026-03-01" }, now)).toEqual({ day: "2026-03-01", next: "2026-03-02", backfill: true });
        expect(dayToExport({ day: "2026-01-31" }, now)).toEqual({ day: "2026-01-31", next: "2026-02-01", backfill: true });
        expect(MAX_DAYS_BACK).toBe(30);
        expect(() => dayToExport({ day: "2026-01-30" }, now)).toThrow(/more than 30 days ago/);
    });

    it("refuses today, the future and anything that is not a calendar day written YYYY-MM-DD", () => {
        const now = at("2026-03-02T10:00:00Z");
        for (const day of ["2026-03-02", "2026-03-03", "9999-12-31"]) expect(() => dayToExport({ day }, now), day).toThrow(/has not ended yet/);
        for (const day of ["2026-02-29", "2026-13-01", "2026-3-1", "2026-03-01T00:00:00Z", " 2026-03-01", "", null, true, ["2026-03-01"]]) {
            expect(() => dayToExport({ day }, now), JSON.stringify(day)).toThrow(/"day" must be a UTC date written YYYY-MM-DD/);
        }
        for (const event of ["2026-03-01", 42, ["2026-03-01"]]) expect(() => dayToExport(event, now)).toThrow(/the invocation event must be an object/);
    });
});

describe("the Graph query", () => {
    const window = { day: "2026-03-01", next: "2026-03-02", backfill: false };

    it("filters each log on its own time field over one day, with only the operators Graph takes there (ge, le), and asks for 1,000 records a page", () => {
        expect(dayFilter("signins", window)).toBe("createdDateTime ge 2026-03-01T00:00:00Z and createdDateTime le 2026-03-01T23:59:59.9999999Z");
        expect(dayFilter("directoryaudits", window)).toBe("activityDateTime ge 2026-03-01T00:00:00Z and activityDateTime le 2026-03-01T23:59:59.9999999Z");
        expect(PAGE_SIZE).toBe(1000);
        expect(firstPageUrl("https://graph.microsoft.com", "signins", window)).toBe(
            "https://graph.microsoft.com/v1.0/auditLogs/signIns?$filter=createdDateTime%20ge%202026-03-01T00%3A00%3A00Z%20and%20createdDateTime%20le%202026-03-01T23%3A59%3A59.9999999Z&$top=1000",
        );
        const url = new URL(firstPageUrl("https://graph.microsoft.com/", "directoryaudits", window));
        expect(url.pathname).toBe("/v1.0/auditLogs/directoryAudits");
        expect(url.searchParams.get("$filter")).toBe(dayFilter("directoryaudits", window));
    });
});

describe("the day's object", () => {
    const window = { day: "2026-03-01", next: "2026-03-02", backfill: false };

    it("holds each record once, as one JSON line, gzip-compressed", async () => {
        const records = fakeSignIns("2026-03-01", 50);
        const object = new DayObject("createdDateTime", window);
        expect(object.addPage(records.slice(0, 30))).toEqual({ added: 30, duplicates: 0, outside: 0 });
        // A page that overlaps the previous one: the repeated records are not written twice.
        expect(object.addPage(records.slice(25))).toEqual({ added: 20, duplicates: 5, outside: 0 });
        const body = await object.finish();
        expect(linesOf(body)).toEqual(records);
        expect(object).toMatchObject({ records: 50, duplicates: 5, outside: 0, uncompressedBytes: gunzipSync(body).length });
    });

    it("leaves out records outside the day or without a time, which would land in the wrong partition", async () => {
        const object = new DayObject("createdDateTime", window);
        const inside = fakeSignIns("2026-03-01", 3);
        const counts = object.addPage([...fakeSignIns("2026-02-28", 2), ...inside, ...fakeSignIns("2026-03-02", 1), { id: "no-time" }, { id: "bad-time", createdDateTime: "yesterday" }]);
        expect(counts).toEqual({ added: 3, duplicates: 0, outside: 5 });
        expect(linesOf(await object.finish())).toEqual(inside);
    });

    it("is a valid gzip stream of nothing for an empty day", async () => {
        const body = await new DayObject("createdDateTime", window).finish();
        expect(body.length).toBe(20);
        expect(gunzipSync(body).length).toBe(0);
    });
});

describe("settings", () => {
    const env = { AZURE_TENANT_ID: "t", AZURE_CLIENT_ID: "c", CLIENT_SECRET_PARAMETER: "/labs/dev/collector/entra-logs-client-secret", BUCKET: "labs-entra-logs-dev-1a2b3c", LOG_TYPE: "directoryaudits" };

    it("reads every setting, trimmed", () => {
        expect(readEntraConfig({ ...env, BUCKET: ` ${env.BUCKET} ` })).toEqual({ tenantId: "t", clientId: "c", clientSecretParameter: env.CLIENT_SECRET_PARAMETER, bucket: env.BUCKET, logType: "directoryaudits" });
    });

    it("names every missing variable at once", () => {
        expect(() => readEntraConfig({ ...env, AZURE_TENANT_ID: undefined, CLIENT_SECRET_PARAMETER: "" })).toThrow("environment variables AZURE_TENANT_ID, CLIENT_SECRET_PARAMETER are not set");
    });
});

describe("Graph's retry waits", () => {
    const options = { retryDelayInMs: 1000, maxRetryDelayInMs: 60_000 };

    it("double with each retry, between half and all of the step, and stop growing at the cap", () => {
        expect([0, 1, 2, 3, 4].map((retry) => backoffMs(retry, options, () => 0))).toEqual([500, 1000, 2000, 4000, 8000]);
        expect([0, 1, 2, 3, 4].map((retry) => backoffMs(retry, options, () => 1))).toEqual([1000, 2000, 4000, 8000, 16000]);
        expect(backoffMs(10, options, () => 1)).toBe(60_000);
        expect(backoffMs(2, options, () => 0.5)).toBe(3000);
    });

    it("take Retry-After in seconds or as a date, and retry-after-ms, as Graph and Azure send them", async () => {
        const { createHttpHeaders, createPipelineRequest } = await import("@azure/core-rest-pipeline");
        const response = (headers: Record<string, string>) => ({ status: 429, headers: createHttpHeaders(headers), request: createPipelineRequest({ url: "https://graph.microsoft.com" }) });
        expect(retryAfterMs(response({ "retry-after": "7" }))).toBe(7000);
        expect(retryAfterMs(response({ "retry-after-ms": "250" }))).toBe(250);
        expect(retryAfterMs(response({ "retry-after": "Fri, 04 Dec 2026 22:00:30 GMT" }), Date.parse("2026-12-04T22:00:00Z"))).toBe(30_000);
        expect(retryAfterMs(response({}))).toBeUndefined();
        expect(retryAfterMs(response({ "retry-after": "soon" }))).toBeUndefined();
    });
});
