// What a Lambda container keeps between invocations (the secret, the Entra token) and how the
// function refuses a deployment that lacks a setting.
import { afterEach, describe, expect, it } from "vitest";
import { CLIENT_SECRET, handlerFor, SECRET_PARAMETER, startFakes, TENANT_ID } from "./harness";
import type { Fakes } from "./harness";
import { FAKE_CREDENTIALS } from "./fake-iam";

let fakes: Fakes | undefined;
afterEach(async () => {
    await fakes?.close();
    fakes = undefined;
});

describe("a container's invocations", () => {
    it("reads the SSM secret and signs in to Entra once per cold start, not per invocation", async () => {
        fakes = await startFakes({ users: 5 });
        const { handler, logs } = handlerFor(fakes);
        // Three days, so each run has records to send (a second run of one day sends none).
        for (const day of ["2026-11-20", "2026-11-21", "2026-11-22"]) await expect(handler({ time: `${day}T06:00:00Z` })).resolves.toMatchObject({ recordsDelivered: 10 });

        expect(fakes.iam.statistics.calls.GetParameter).toBe(1);
        expect(fakes.azure.tokenRequests).toBe(1);
        expect(fakes.azure.requests.filter((r) => r.startsWith("POST /dataCollectionRules/"))).toHaveLength(3);
        expect(fakes.iam.statistics.calls.ListUsers).toBe(3);
        const starts = logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.event === "run-started");
        expect(starts.map((e) => e.coldStart)).toEqual([true, false, false]);
    });

    it("asks Entra for an Azure Monitor token, client credentials, once", async () => {
        fakes = await startFakes({ users: 1 });
        await handlerFor(fakes).handler({});
        // MSAL reads the tenant's OpenID configuration, then posts client_credentials.
        expect(fakes.azure.requests.slice(0, 2)).toEqual([`GET /${TENANT_ID}/v2.0/.well-known/openid-configuration`, `POST /${TENANT_ID}/oauth2/v2.0/token`]);
        expect(fakes.azure.tokenScopes).toEqual(["https://monitor.azure.com/.default"]);
    });

    it("does not keep a failed secret read: the next invocation reads it again", async () => {
        // SSM fails three times: the SDK's three attempts of the first invocation.
        fakes = await startFakes({ users: 3, failures: [{ action: "GetParameter", code: "InternalServerError", status: 500, times: 3 }] });
        const { handler } = handlerFor(fakes, { deps: { ssm: { endpoint: fakes.iam.url, region: "us-east-1", credentials: FAKE_CREDENTIALS, maxAttempts: 3 } } });
        await expect(handler({})).rejects.toThrow(/InternalServerError/);
        expect(fakes.azure.uploads).toEqual([]);
        await expect(handler({})).resolves.toMatchObject({ recordsDelivered: 6 });
        expect(fakes.iam.statistics.calls.GetParameter).toBe(4);
    });

    it("reads the secret again after Entra refuses it, so a rotated secret needs no cold start", async () => {
        fakes = await startFakes({ users: 120, latencyMs: 3 });
        fakes.iam.setParameter(SECRET_PARAMETER, "an-old-secret");
        const { handler, logs } = handlerFor(fakes);
        await expect(handler({})).rejects.toThrow(/AADSTS7000215: Invalid client secret provided/);
        // The sign-in failed first and stopped the IAM listing early.
        expect(fakes.iam.statistics.calls.GetAccessKeyLastUsed).toBeLessThan(240);
        expect(fakes.azure.uploads).toEqual([]);

        // Read twice in that invocation: once at the start, once more after Entra refused it.
        expect(fakes.iam.statistics.calls.GetParameter).toBe(2);

        fakes.iam.setParameter(SECRET_PARAMETER, CLIENT_SECRET);
        await expect(handler({})).resolves.toMatchObject({ recordsDelivered: 240 });
        expect(fakes.iam.statistics.calls.GetParameter).toBe(3);
        const everything = logs.join("\n");
        expect(everything).not.toContain("an-old-secret");
        expect(everything).not.toContain(CLIENT_SECRET);
    });
});

describe("secret rotation", () => {
    it("survives a rotation between runs: Entra refuses the cached secret, the function reads the new one and goes on in the same invocation", async () => {
        // Short-lived tokens, so the second run asks Entra again (as a run does once its token expired).
        fakes = await startFakes({ users: 30, latencyMs: 1 }, { tokenLifetimeSeconds: 60 });
        const { handler } = handlerFor(fakes);
        await expect(handler({ time: "2026-11-21T06:00:00Z" })).resolves.toMatchObject({ recordsDelivered: 60 });
        // pulumi up rotated the secret: the parameter holds the new one, Entra no longer takes the old one.
        fakes.azure.rotateClientSecret("the-new-secret");
        fakes.iam.setParameter(SECRET_PARAMETER, "the-new-secret");
        await expect(handler({ time: "2026-11-22T06:00:00Z" })).resolves.toMatchObject({ recordsDelivered: 60 });
        expect(fakes.iam.statistics.calls.GetParameter).toBe(2);
    });

    it("reports the day the run was scheduled for, not the day a retry ran", async () => {
        fakes = await startFakes({ users: 2, latencyMs: 1 });
        const { handler } = handlerFor(fakes);
        await handler({ "detail-type": "Scheduled Event", time: "2026-11-22T23:59:00Z" });
        expect(new Set(fakes.azure.records.map((r) => r.LoggedDate))).toEqual(new Set(["2026-11-22T00:00:00.000Z"]));
    });
});

describe("settings", () => {
    it("names the one missing environment variable in one sentence, before calling anything", async () => {
        fakes = await startFakes({ users: 1 });
        const { handler, logs } = handlerFor(fakes, { env: { DCR_IMMUTABLE_ID: undefined } });
        await expect(handler({})).rejects.toThrow(
            "ConfigError: The function's environment variable DCR_IMMUTABLE_ID is not set: the collector stack sets it, so deploy the stack again rather than editing the function by hand.",
        );
        expect(fakes.iam.statistics.calls).toEqual({ ListUsers: 0, ListAccessKeys: 0, GetAccessKeyLastUsed: 0, GetParameter: 0 });
        expect(fakes.azure.requests).toEqual([]);
        expect(JSON.parse(logs[0])).toMatchObject({ level: "ERROR", event: "run-failed", error: expect.stringContaining("DCR_IMMUTABLE_ID") });
    });

    it("names each bad value and what it should be", async () => {
        fakes = await startFakes({ users: 1 });
        const failure = (env: Record<string, string>) => handlerFor(fakes as Fakes, { env }).handler({});
        await expect(failure({ IAM_CONCURRENCY: "0" })).rejects.toThrow(/IAM_CONCURRENCY = "0": expected a whole number from 1 to 50/);
        await expect(failure({ DCE_ENDPOINT: "http://dce.example" })).rejects.toThrow(/DCE_ENDPOINT = "http:\/\/dce.example": expected .* https:\/\//);
        await expect(failure({ DCR_IMMUTABLE_ID: "/subscriptions/x/dataCollectionRules/dcr-a" })).rejects.toThrow(/DCR_IMMUTABLE_ID = .*: expected the data collection rule's immutable id/);
        await expect(failure({ STREAM_NAME: "Custom-Other_CL" })).rejects.toThrow(/STREAM_NAME = "Custom-Other_CL": .* set it to Custom-AWS_Access_Key_Report_CL/);
    });
});
