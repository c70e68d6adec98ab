// What the function does when IAM pages, throttles, refuses or loses a user or key mid-run.
import { afterEach, describe, expect, it } from "vitest";
import { IAMClient, ListAccessKeysCommand, ListUsersCommand } from "@aws-sdk/client-iam";
import { expectedPairs, fastStandardRetry, handlerFor, leakedKeyParts, receivedPairs, startFakes } from "./harness";
import type { Fakes } from "./harness";
import { FAKE_CREDENTIALS, FakeIam } from "./fake-iam";
import type { FakeIamOptions } from "./fake-iam";

let fakes: Fakes | undefined;
afterEach(async () => {
    await fakes?.close();
    fakes = undefined;
});
async function start(options: Omit<FakeIamOptions, "parameters">): Promise<Fakes> {
    fakes = await startFakes(options);
    return fakes;
}
const events = (logs: string[]) => logs.map((line) => JSON.parse(line) as Record<string, unknown>);

describe("the fake, as strict as IAM", () => {
    let iam: FakeIam;
    afterEach(() => iam?.close());
    const client = () => new IAMClient({ endpoint: iam.url, region: "us-east-1", credentials: FAKE_CREDENTIALS, maxAttempts: 1 });
    const refusal = (promise: Promise<unknown>) => promise.then(() => "accepted", (e: { name?: string; message?: string; $metadata?: { httpStatusCode?: number } }) => `${e.$metadata?.httpStatusCode} ${e.name}: ${e.message}`);

    it("takes MaxItems from 1 to 1,000 and refuses others with IAM's ValidationError", async () => {
        iam = await FakeIam.start({ users: 1 });
        expect(await refusal(client().send(new ListUsersCommand({ MaxItems: 0 })))).toBe("400 ValidationError: 1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1");
        expect(await refusal(client().send(new ListUsersCommand({ MaxItems: 1001 })))).toBe("400 ValidationError: 1 validation error detected: Value '1001' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000");
        expect(await refusal(client().send(new ListAccessKeysCommand({ UserName: "no spaces allowed" })))).toMatch(/^400 ValidationError: 1 validation error detected: Value 'no spaces allowed' at 'userName' failed to satisfy constraint/);
        expect(await refusal(client().send(new ListUsersCommand({ MaxItems: 1000 })))).toBe("accepted");
    });

    it("answers Throttling as IAM does: HTTP 400, Type Sender, Code Throttling, Rate exceeded", async () => {
        iam = await FakeIam.start({ users: 1, failures: [{ action: "ListUsers", code: "Throttling", times: 1 }] });
        const fetched = await fetch(iam.url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", authorization: `AWS4-HMAC-SHA256 Credential=${FAKE_CREDENTIALS.accessKeyId}/20261204/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=${"0".repeat(64)}` }, body: "Action=ListUsers&Version=2010-05-08" });
        expect(fetched.status).toBe(400);
        expect(await fetched.text()).toMatch(/<ErrorResponse xmlns="https:\/\/iam\.amazonaws\.com\/doc\/2010-05-08\/"><Error><Type>Sender<\/Type><Code>Throttling<\/Code><Message>Rate exceeded<\/Message><\/Error><RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>$/);
    });

    it("serves users with paths and IAM's whole name alphabet, XML-escaped; the report carries each name and account exactly", async () => {
        const { iam: fake, azure } = await start({ users: 16 });
        expect(new Set(fake.users.map((u) => u.path))).toEqual(new Set(["/", "/division/team/", "/r&d/<lab>/"]));
        expect(fake.users.some((u) => /[+=,.@_]/.test(u.userName))).toBe(true);
        await expect(handlerFor(fakes as Fakes).handler({})).resolves.toMatchObject({ users: 16, recordsDelivered: 32 });
        expect(receivedPairs(azure)).toEqual(expectedPairs(fake));
        expect(new Set(azure.records.map((r) => r.AccountNumber))).toEqual(new Set(["123456789012"]));
    });

    it("pages as large as MaxItems asks: the function lists 2,500 users in 3 pages", async () => {
        const { iam: fake } = await start({ users: 2500, keysPerUser: 0 });
        await expect(handlerFor(fakes as Fakes).handler({})).resolves.toMatchObject({ users: 2500, keys: 0 });
        expect(fake.statistics.calls.ListUsers).toBe(3);
    });
});

describe("paging", () => {
    it("follows ListAccessKeys' Marker when IAM returns a user's keys one per page", async () => {
        const { iam, azure } = await start({ users: 30, keysPageSize: 1, usersPageSize: 7 });
        const { handler } = handlerFor(fakes as Fakes);
        await expect(handler({})).resolves.toMatchObject({ users: 30, keys: 60, recordsDelivered: 60 });
        expect(receivedPairs(azure)).toEqual(expectedPairs(iam));
        expect(iam.statistics.calls).toMatchObject({ ListUsers: Math.ceil(30 / 7), ListAccessKeys: 60, GetAccessKeyLastUsed: 60 });
    });

    it("reports users without keys as nothing, and users with one key once", async () => {
        const { iam, azure } = await start({ users: 9, keysPerUser: (i) => i % 3 });
        const { handler } = handlerFor(fakes as Fakes);
        await expect(handler({})).resolves.toMatchObject({ users: 9, keys: 9, recordsDelivered: 9 });
        expect(receivedPairs(azure)).toEqual(expectedPairs(iam));
    });

    it("succeeds with nothing to upload when no user has a key", async () => {
        const { azure } = await start({ users: 3, keysPerUser: 0 });
        await expect(handlerFor(fakes as Fakes).handler({})).resolves.toMatchObject({ users: 3, keys: 0, recordsDelivered: 0 });
        expect(azure.uploads).toEqual([]);
    });
});

describe("concurrency", () => {
    it("runs up to IAM_CONCURRENCY requests at once, even above Node's 10-listener warning, without warning", async () => {
        const warnings: string[] = [];
        const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
        process.on("warning", onWarning);
        try {
            const { iam } = await start({ users: 40, latencyMs: 25 });
            await expect(handlerFor(fakes as Fakes, { env: { IAM_CONCURRENCY: "30" } }).handler({})).resolves.toMatchObject({ recordsDelivered: 80 });
            await new Promise((resolve) => setImmediate(resolve));
            expect(iam.statistics.peakConcurrency).toBe(30);
            expect(warnings.filter((w) => w.startsWith("MaxListenersExceededWarning"))).toEqual([]);
        } finally {
            process.off("warning", onWarning);
        }
    });
});

describe("throttling", () => {
    it("retries IAM's Throttling answers (HTTP 400, <Code>Throttling</Code>) on every call and still reports every key", async () => {
        const { iam, azure } = await start({
            users: 40,
            latencyMs: 1,
            failures: [
                { action: "ListUsers", code: "Throttling", times: 2 },
                { action: "ListAccessKeys", code: "Throttling", times: 5, after: 20 },
                { action: "GetAccessKeyLastUsed", code: "Throttling", times: 8, after: 30 },
            ],
        });
        const { handler } = handlerFor(fakes as Fakes);
        await expect(handler({})).resolves.toMatchObject({ users: 40, keys: 80, recordsDelivered: 80 });
        expect(receivedPairs(azure)).toEqual(expectedPairs(iam));
        const { calls, failed } = iam.statistics;
        expect(failed).toMatchObject({ ListUsers: 2, ListAccessKeys: 5, GetAccessKeyLastUsed: 8 });
        // Each throttled call was sent again: calls = the run's calls + the throttled ones.
        expect(calls).toMatchObject({ ListUsers: 1 + 2, ListAccessKeys: 40 + 5, GetAccessKeyLastUsed: 80 + 8 });
    });

    it("rides out a server that throttles above a request rate", async () => {
        // A one-second window stays full for up to a second: the backoff must outlast it, as
        // the SDK's real one (up to 1 s x 2^attempt) does; here 150 ms x attempt.
        const { iam, azure } = await start({ users: 40, latencyMs: 1, maxRequestsPerSecond: 120 });
        const { handler } = handlerFor(fakes as Fakes, { iamRetry: () => fastStandardRetry({ backoffMs: (attempt) => 150 * attempt }) });
        await expect(handler({})).resolves.toMatchObject({ recordsDelivered: 80 });
        expect(receivedPairs(azure)).toEqual(expectedPairs(iam));
        expect(iam.statistics.failed.GetAccessKeyLastUsed + iam.statistics.failed.ListAccessKeys).toBeGreaterThan(0);
    });
});

describe("a call that still fails after the SDK's retries", () => {
    it("fails the invocation and stops calling IAM, after delivering what it had, so the retry does only the rest", async () => {
        const { iam, azure } = await start({ users: 400, latencyMs: 1, failures: [{ action: "GetAccessKeyLastUsed", code: "ServiceFailure", times: Infinity, after: 40 }] });
        const { handler, logs } = handlerFor(fakes as Fakes);
        const error = String(await handler({}).catch((e: unknown) => e));
        const delivered = azure.records.length;
        expect(delivered).toBeGreaterThanOrEqual(40);
        expect(error).toMatch(new RegExp(`^CollectorError: ServiceFailureException: injected ServiceFailure; ${delivered} records delivered by this attempt and 0 by earlier ones; the checkpoint s3://\\S+ holds ${delivered}; the next attempt continues from there$`));
        // 6 attempts for the failing call, then the run stopped instead of calling on for 400 users.
        expect(iam.statistics.calls.GetAccessKeyLastUsed).toBeLessThan(200);
        expect(events(logs).at(-1)).toMatchObject({ level: "ERROR", event: "run-failed", error: expect.stringMatching(/^ServiceFailureException: injected ServiceFailure; /) });
    });

    it("does not retry a refusal (AccessDenied) and says what was refused", async () => {
        const { iam } = await start({ users: 10, failures: [{ action: "ListUsers", code: "AccessDenied", times: Infinity }] });
        const { handler } = handlerFor(fakes as Fakes);
        await expect(handler({})).rejects.toThrow(/AccessDenied/);
        expect(iam.statistics.calls.ListUsers).toBe(1);
    });
});

describe("users and keys deleted during the run", () => {
    it("skips them, counts them in the summary and logs them with the key id masked", async () => {
        const { iam, azure } = await start({ users: 20 });
        const goneUser = iam.users[3];
        const goneKey = iam.users[7].keys[1];
        iam.inject({ action: "ListAccessKeys", code: "NoSuchEntity", times: Infinity, match: (p) => p.UserName === goneUser.userName });
        iam.inject({ action: "GetAccessKeyLastUsed", code: "NoSuchEntity", times: Infinity, match: (p) => p.AccessKeyId === goneKey.accessKeyId });
        const { handler, logs } = handlerFor(fakes as Fakes);

        await expect(handler({})).resolves.toMatchObject({ users: 20, keys: 38, recordsDelivered: 37, skippedUsers: 1, skippedKeys: 1 });
        const expected = expectedPairs(iam).filter((pair) => !pair.startsWith(`${goneUser.userName} `) && pair !== `${iam.users[7].userName} AKIA...${goneKey.accessKeyId.slice(-4)}`);
        expect(receivedPairs(azure)).toEqual(expected);
        const warnings = events(logs).filter((e) => e.level === "WARN");
        expect(warnings).toEqual([
            expect.objectContaining({ event: "user-deleted-during-run", user: goneUser.userName }),
            expect.objectContaining({ event: "key-deleted-during-run", user: iam.users[7].userName, accessKeyId: `AKIA...${goneKey.accessKeyId.slice(-4)}` }),
        ]);
        expect(leakedKeyParts(logs.join("\n"), iam)).toEqual([]);
    });

    it("masks the key id IAM's own error message quotes when such an error fails the run", async () => {
        const { iam } = await start({ users: 5 });
        const key = iam.users[2].keys[0];
        // An error the function does not expect from this call, quoting the key as IAM does.
        iam.inject({ action: "GetAccessKeyLastUsed", code: "AccessDenied", times: Infinity, match: (p) => p.AccessKeyId === key.accessKeyId, message: (p) => `Access to the key with id ${p.AccessKeyId} is denied.` });
        const { handler, logs } = handlerFor(fakes as Fakes);
        const error = await handler({}).then(
            () => undefined,
            (e: unknown) => e,
        );
        expect(String(error)).toMatch(/AccessDenied: Access to the key with id AKIA\.\.\.\w{4} is denied\./);
        expect(leakedKeyParts(`${String(error)}\n${logs.join("\n")}`, iam)).toEqual([]);
    });
});
