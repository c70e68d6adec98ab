// The upload side: Azure's throttling and outages retried, and records that still could not
// be delivered counted in the invocation's error.
import { afterEach, describe, expect, it } from "vitest";
import type { AccessKeyRecord } from "../../../../stacks/collector/access-key-report/schema";
import { STREAM_NAME } from "../../../../stacks/collector/access-key-report/schema";
import { createIngestion, uploadRecords } from "../../../../stacks/collector/access-key-report/function/upload";
import { CLIENT_ID, CLIENT_SECRET, DCR_IMMUTABLE_ID, expectedPairs, handlerFor, receivedPairs, startFakes, TENANT_ID } from "./harness";
import type { Fakes } from "./harness";

let fakes: Fakes | undefined;
afterEach(async () => {
    await fakes?.close();
    fakes = undefined;
});

describe("through the handler", () => {
    it("retries a storm of 429s (Retry-After: 0) and 503s, and delivers every record once", async () => {
        fakes = await startFakes({ users: 50 });
        fakes.azure.fail({ status: 429, times: 2, retryAfterSeconds: 0 });
        fakes.azure.fail({ status: 503, times: 1 });
        const { handler } = handlerFor(fakes);
        await expect(handler({})).resolves.toMatchObject({ recordsDelivered: 100 });
        expect(fakes.azure.uploads.map((u) => u.status)).toEqual([429, 429, 503, 204]);
        expect(receivedPairs(fakes.azure)).toEqual(expectedPairs(fakes.iam));
    });

    it("waits as long as Retry-After says before trying again", async () => {
        fakes = await startFakes({ users: 2 });
        fakes.azure.fail({ status: 429, times: 1, retryAfterSeconds: 1 });
        await expect(handlerFor(fakes).handler({})).resolves.toMatchObject({ recordsDelivered: 4 });
        const [throttled, accepted] = fakes.azure.uploads;
        expect([throttled.status, accepted.status]).toEqual([429, 204]);
        expect(accepted.at - throttled.at).toBeGreaterThanOrEqual(950);
    });

    it("fails the invocation when the service keeps failing, saying how many records were not delivered", async () => {
        fakes = await startFakes({ users: 60 });
        fakes.azure.fail({ status: 503, times: Infinity });
        const { handler, logs } = handlerFor(fakes);
        await expect(handler({})).rejects.toThrow(
            `120 of 120 records were not delivered to stream ${STREAM_NAME} of data collection rule ${DCR_IMMUTABLE_ID} (1 failed upload call): HTTP 503 RestError: The service is temporarily unavailable.; 60 users and 120 keys listed, 0 records delivered by this attempt and 0 by earlier ones`,
        );
        // The client's own retries: one call and three retries (core-rest-pipeline's default).
        expect(fakes.azure.uploads.map((u) => u.status)).toEqual([503, 503, 503, 503]);
        expect(JSON.parse(logs.at(-1) ?? "{}")).toMatchObject({ level: "ERROR", event: "run-failed", error: expect.stringContaining("120 of 120 records were not delivered") });
    });
});

describe("uploadRecords", () => {
    const records = (count: number): AccessKeyRecord[] =>
        Array.from({ length: count }, (_, i) => ({
            TimeGenerated: "2026-03-01T12:00:00.000Z",
            LoggedDate: "2026-03-01T00:00:00.000Z",
            User: `user-${String(i).padStart(5, "0")}-with-a-longer-name-like-real-ones`,
            AccountNumber: "123456789012",
            AccessKeyId: `AKIA...${i.toString(36).toUpperCase().padStart(4, "0")}`,
            CreateDate: "2024-01-01T00:00:00.000Z",
            LastUsedDate: "2026-02-28T08:15:00.000Z",
            Region: "eu-west-1",
            Status: "Active",
            ServiceName: "s3",
            RecordId: i.toString(16).padStart(32, "0"),
        }));
    const ingestionFor = (f: Fakes) =>
        createIngestion(
            { dceEndpoint: f.azure.url, dcrImmutableId: DCR_IMMUTABLE_ID, streamName: STREAM_NAME },
            { tenantId: TENANT_ID, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
            {
                credential: { authorityHost: f.azure.url, disableInstanceDiscovery: true, tlsOptions: { ca: f.azure.ca } },
                client: { tlsOptions: { ca: f.azure.ca }, retryOptions: { retryDelayInMs: 5, maxRetryDelayInMs: 20 } },
            },
        );
    const target = { dceEndpoint: "", dcrImmutableId: DCR_IMMUTABLE_ID, streamName: STREAM_NAME };

    it("splits more than 1 MB of records into calls under the limit, all delivered", async () => {
        fakes = await startFakes({ users: 0 });
        const all = records(8000);
        await uploadRecords(ingestionFor(fakes).client, target, all);
        expect(fakes.azure.uploads.length).toBeGreaterThan(1);
        expect(fakes.azure.uploads.every((u) => u.status === 204 && u.compressedBytes <= 1024 * 1024)).toBe(true);
        expect(fakes.azure.bodies.every((b) => Buffer.byteLength(b) <= 1024 * 1024)).toBe(true);
        expect(fakes.azure.records.map((r) => r.AccessKeyId).sort()).toEqual(all.map((r) => r.AccessKeyId).sort());
    });

    it("drops a column the planned stream does not declare, as Azure does, silently: the fake counts it", async () => {
        fakes = await startFakes({ users: 0 });
        const [record] = records(1);
        const { RecordId, ...rest } = record;
        const misspelt = { ...rest, RecordID: RecordId } as unknown as AccessKeyRecord;
        await uploadRecords(ingestionFor(fakes).client, target, [misspelt]);
        expect(fakes.azure.uploads.map((u) => u.status)).toEqual([204]);
        expect([...fakes.azure.droppedColumns]).toEqual([["RecordID", 1]]);
        expect(fakes.azure.records[0].RecordId).toBeUndefined();
    });

    it("answers 413 to a body over 1 MB (here one record the client cannot split)", async () => {
        fakes = await startFakes({ users: 0 });
        const all = records(1);
        const huge = [{ ...all[0], User: "x".repeat(1_100_000) }];
        await expect(uploadRecords(ingestionFor(fakes).client, target, huge)).rejects.toMatchObject({ name: "UploadError", notDelivered: 1 });
        expect(fakes.azure.uploads.map((u) => u.status)).toContain(413);
    });

    it("counts exactly the records of the calls that failed for good", async () => {
        fakes = await startFakes({ users: 0 });
        const all = records(8000);
        // Every call holding the first record fails for good; the other calls go through.
        fakes.azure.fail({ status: 500, times: Infinity, match: (batch) => batch.some((r) => r.AccessKeyId === all[0].AccessKeyId) });
        const error = await uploadRecords(ingestionFor(fakes).client, target, all).then(
            () => undefined,
            (e: unknown) => e,
        );
        const delivered = fakes.azure.records.length;
        expect(delivered).toBeGreaterThan(0);
        expect(delivered).toBeLessThan(8000);
        expect(error).toMatchObject({ name: "UploadError", notDelivered: 8000 - delivered, total: 8000 });
        expect(String(error)).toContain(`${8000 - delivered} of 8000 records were not delivered`);
    });
});
