// The function's small pure parts: masking, records, settings, log lines.
import { describe, expect, it } from "vitest";
import { readConfig } from "../../../../stacks/collector/access-key-report/function/config";
import { createLogger, describeError } from "../../../../stacks/collector/shared/runtime/log";
import { maskAccessKeyId, scrubAccessKeyIds } from "../../../../stacks/collector/shared/runtime/mask";
import { accountNumberOf, loggedDateOf, recordIdOf, toRecord } from "../../../../stacks/collector/access-key-report/function/record";
import { STREAM_NAME } from "../../../../stacks/collector/access-key-report/schema";

describe("masking", () => {
    it("keeps the first and last four characters of a key id, as the post's report does", () => {
        expect(maskAccessKeyId("AKIAIOSFODNN7EXAMPLE")).toBe("AKIA...MPLE");
        expect(maskAccessKeyId("ASIAJEXAMPLEXEG2JICEA")).toBe("ASIA...ICEA");
    });

    it("hides a value too short to be a key id instead of revealing most of it", () => {
        expect(maskAccessKeyId("AKIASHORT")).toBe("****");
        expect(maskAccessKeyId("")).toBe("****");
    });

    it("masks every key id in free text, such as IAM's error messages, and leaves masked ids alone", () => {
        expect(scrubAccessKeyIds("The Access Key with id AKIAIOSFODNN7EXAMPLE cannot be found; ASIAJEXAMPLEXEG2JICEA too")).toBe("The Access Key with id AKIA...MPLE cannot be found; ASIA...ICEA too");
        expect(scrubAccessKeyIds("AKIA...MPLE")).toBe("AKIA...MPLE");
        expect(describeError(new Error("key AKIAIOSFODNN7EXAMPLE"))).toBe("Error: key AKIA...MPLE");
    });
});

describe("records", () => {
    const user = { UserName: "alice", Arn: "arn:aws:iam::210987654321:user/team/alice", UserId: "AIDAEXAMPLE", Path: "/team/", CreateDate: new Date("2020-01-01T00:00:00Z") };
    const key = { UserName: "alice", AccessKeyId: "AKIAIOSFODNN7EXAMPLE", Status: "Active" as const, CreateDate: new Date("2024-05-06T07:08:09Z") };
    const collectedAt = new Date("2026-03-02T00:00:01.250Z");

    it("belong to the UTC day the run started, whatever the hour", () => {
        expect(loggedDateOf(new Date("2026-03-01T23:59:59.999Z"))).toBe("2026-03-01T00:00:00.000Z");
        expect(loggedDateOf(new Date("2026-03-02T00:00:00.000Z"))).toBe("2026-03-02T00:00:00.000Z");
    });

    it("take the account number from the user's ARN, in any partition, and refuse an ARN without one", () => {
        expect(accountNumberOf("arn:aws-us-gov:iam::123456789012:user/bob")).toBe("123456789012");
        expect(() => accountNumberOf("arn:aws:iam::aws:policy/x")).toThrow(/without an account number/);
        expect(() => accountNumberOf(undefined)).toThrow(/without an account number/);
    });

    it("carry the last use when there is one", () => {
        const lastUsed = { LastUsedDate: new Date("2026-02-28T08:15:00Z"), Region: "eu-west-1", ServiceName: "s3" };
        expect(toRecord({ user, key, lastUsed, collectedAt, loggedDate: "2026-03-01T00:00:00.000Z" })).toEqual({
            TimeGenerated: "2026-03-02T00:00:01.250Z",
            LoggedDate: "2026-03-01T00:00:00.000Z",
            User: "alice",
            AccountNumber: "210987654321",
            AccessKeyId: "AKIA...MPLE",
            CreateDate: "2024-05-06T07:08:09.000Z",
            LastUsedDate: "2026-02-28T08:15:00.000Z",
            Region: "eu-west-1",
            Status: "Active",
            ServiceName: "s3",
            RecordId: recordIdOf("210987654321", "2026-03-01T00:00:00.000Z", "alice", "AKIAIOSFODNN7EXAMPLE"),
        });
    });

    it("have an id that is the same for the same account, day, user and key, and differs when any of them does", () => {
        const id = recordIdOf("210987654321", "2026-03-01T00:00:00.000Z", "alice", "AKIAIOSFODNN7EXAMPLE");
        expect(id).toMatch(/^[0-9a-f]{32}$/);
        expect(toRecord({ user, key, lastUsed: undefined, collectedAt: new Date(), loggedDate: "2026-03-01T00:00:00.000Z" }).RecordId).toBe(id);
        const others = [
            recordIdOf("123456789012", "2026-03-01T00:00:00.000Z", "alice", "AKIAIOSFODNN7EXAMPLE"),
            recordIdOf("210987654321", "2026-03-02T00:00:00.000Z", "alice", "AKIAIOSFODNN7EXAMPLE"),
            recordIdOf("210987654321", "2026-03-01T00:00:00.000Z", "alice2", "AKIAIOSFODNN7EXAMPLE"),
            // Same masked form (AKIA...MPLE), another key: the id is of the full key id.
            recordIdOf("210987654321", "2026-03-01T00:00:00.000Z", "alice", "AKIAXXXXXXXXXXXXMPLE"),
            // Values that would join to the same text without a separator.
            recordIdOf("210987654321", "2026-03-01T00:00:00.000Z", "alic", "eAKIAIOSFODNN7EXAMPLE"),
        ];
        expect(new Set([id, ...others]).size).toBe(6);
        expect(id).not.toContain("EXAMPLE");
    });

    it("omit the last-use columns of a key never used (IAM answers N/A for its region and service)", () => {
        const record = toRecord({ user, key, lastUsed: { Region: "N/A", ServiceName: "N/A" }, collectedAt, loggedDate: "2026-03-01T00:00:00.000Z" });
        expect(Object.keys(record).sort()).toEqual(["AccessKeyId", "AccountNumber", "CreateDate", "LoggedDate", "RecordId", "Status", "TimeGenerated", "User"]);
    });
});

describe("settings", () => {
    const env = {
        DCE_ENDPOINT: "https://dce-labs-abcd.westeurope-1.ingest.monitor.azure.com",
        DCR_IMMUTABLE_ID: "dcr-0123456789abcdef0123456789abcdef",
        STREAM_NAME,
        AZURE_TENANT_ID: "t",
        AZURE_CLIENT_ID: "c",
        CLIENT_SECRET_PARAMETER: "/labs/dev/collector/entra-client-secret",
        CHECKPOINT_BUCKET: "labs-checkpoints-dev-20261204000000000000000001",
    };

    it("reads every setting, with IAM_CONCURRENCY 10 unless set", () => {
        expect(readConfig(env)).toEqual({
            dceEndpoint: env.DCE_ENDPOINT,
            dcrImmutableId: env.DCR_IMMUTABLE_ID,
            streamName: STREAM_NAME,
            tenantId: "t",
            clientId: "c",
            clientSecretParameter: env.CLIENT_SECRET_PARAMETER,
            iamConcurrency: 10,
            checkpointBucket: env.CHECKPOINT_BUCKET,
        });
        expect(readConfig({ ...env, IAM_CONCURRENCY: "25" }).iamConcurrency).toBe(25);
    });

    it("names every missing variable at once; blank counts as missing", () => {
        expect(() => readConfig({ ...env, AZURE_TENANT_ID: " ", CLIENT_SECRET_PARAMETER: undefined })).toThrow(
            "The function's environment variables AZURE_TENANT_ID, CLIENT_SECRET_PARAMETER are not set: the collector stack sets them, so deploy the stack again rather than editing the function by hand.",
        );
    });

    it("refuses a checkpoint bucket given as an ARN or URL, naming the variable", () => {
        for (const bad of ["arn:aws:s3:::labs-checkpoints-dev", "s3://labs-checkpoints-dev"]) {
            expect(() => readConfig({ ...env, CHECKPOINT_BUCKET: bad })).toThrow(`CHECKPOINT_BUCKET = ${JSON.stringify(bad)}: expected the bucket's name`);
        }
    });

    it("refuses a concurrency that is not a whole number from 1 to 50", () => {
        for (const bad of ["0", "51", "2.5", "ten"]) expect(() => readConfig({ ...env, IAM_CONCURRENCY: bad })).toThrow(/IAM_CONCURRENCY/);
    });
});

describe("log lines", () => {
    it("are one JSON object each, with timestamp, level, event and the context", () => {
        const lines: string[] = [];
        createLogger((l) => lines.push(l), { requestId: "r-1" }).warn("key-deleted-during-run", { user: "bob", accessKeyId: "AKIAIOSFODNN7EXAMPLE" });
        expect(lines).toHaveLength(1);
        expect(JSON.parse(lines[0])).toEqual({ timestamp: expect.any(String), level: "WARN", event: "key-deleted-during-run", requestId: "r-1", user: "bob", accessKeyId: "AKIA...MPLE" });
    });
});
