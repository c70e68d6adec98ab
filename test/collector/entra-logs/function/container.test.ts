// What a Lambda container keeps between invocations (the secret, the Entra token), what never
// reaches a log line or an error (the secret, a token), and how the function refuses a
// deployment that lacks a setting.
import { afterEach, describe, expect, it } from "vitest";
import { CLIENT_SECRET, GRAPH_SCOPE, handlerFor, RECORDS_YESTERDAY, SECRET_PARAMETER, startEntraFakes, TENANT_ID } from "./harness";
import type { EntraFakes } from "./harness";

let fakes: EntraFakes | undefined;
afterEach(async () => {
    await fakes?.close();
    fakes = undefined;
});

describe("a container's invocations", () => {
    it("reads the SSM secret and signs in to Entra once per cold start, not per invocation", async () => {
        fakes = await startEntraFakes();
        const { handler, logs } = handlerFor(fakes);
        for (let i = 0; i < 3; i++) await expect(handler({})).resolves.toMatchObject({ records: RECORDS_YESTERDAY });

        expect(fakes.ssm.statistics.calls.GetParameter).toBe(1);
        expect(fakes.azure.tokenRequests).toBe(1);
        expect(fakes.azure.tokenScopes).toEqual([GRAPH_SCOPE]);
        // MSAL reads the tenant's OpenID configuration, then posts client_credentials, once.
        expect(fakes.azure.requests).toEqual([`GET /${TENANT_ID}/v2.0/.well-known/openid-configuration`, `POST /${TENANT_ID}/oauth2/v2.0/token`]);
        expect(fakes.s3.puts).toBe(3);
        const starts = logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.event === "run-started");
        expect(starts.map((e) => e.coldStart)).toEqual([true, false, false]);
    });

    it("reads the secret again after Entra refuses it, so a rotated secret needs no cold start", async () => {
        fakes = await startEntraFakes();
        fakes.ssm.setParameter(SECRET_PARAMETER, "an-old-secret");
        const { handler } = handlerFor(fakes);
        await expect(handler({})).rejects.toThrow(/^SignInError: Entra did not issue a Microsoft Graph token to application [0-9a-f-]{36} in tenant [0-9a-f-]{36}: .*AADSTS7000215: Invalid client secret provided/);
        expect(fakes.graph.requests).toEqual([]);
        expect(fakes.s3.requests).toEqual([]);

        fakes.ssm.setParameter(SECRET_PARAMETER, CLIENT_SECRET);
        await expect(handler({})).resolves.toMatchObject({ records: RECORDS_YESTERDAY });
        expect(fakes.ssm.statistics.calls.GetParameter).toBe(2);
    });

    it("does not keep a failed secret read: the next invocation reads it again", async () => {
        fakes = await startEntraFakes();
        // The SDK's three attempts of the first invocation.
        fakes.ssm.inject({ action: "GetParameter", code: "InternalServerError", status: 500, times: 3 });
        const { handler } = handlerFor(fakes);
        await expect(handler({})).rejects.toThrow(/InternalServerError/);
        await expect(handler({})).resolves.toMatchObject({ records: RECORDS_YESTERDAY });
        expect(fakes.ssm.statistics.calls.GetParameter).toBe(4);
    });

    it("never writes the secret or a token to a log line or an error, whether the run fails or succeeds", async () => {
        fakes = await startEntraFakes();
        const { handler, logs } = handlerFor(fakes);
        const errors: string[] = [];
        const capture = (e: unknown) => void errors.push(e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ""}` : String(e));

        fakes.graph.fail({ answer: 503, times: Infinity, page: 3 });
        await handler({}).then(() => errors.push("resolved"), capture);
        fakes.s3.fail({ status: 403, code: "AccessDenied", times: 1 });
        await handler({ day: "2026-02-20" }).then(() => errors.push("resolved"), capture);
        await handler({ day: "2026-02-20" });

        expect(errors).toHaveLength(2);
        expect(errors.every((e) => e !== "resolved")).toBe(true);
        expect(logs.every((line) => !line.includes("\n"))).toBe(true);
        const everything = [...logs, ...errors].join("\n");
        expect(fakes.azure.issuedTokens).toHaveLength(1);
        for (const secret of [CLIENT_SECRET, ...fakes.azure.issuedTokens]) expect(everything).not.toContain(secret);
        expect(everything).not.toMatch(/Bearer|authorization/i);
    });
});

describe("settings", () => {
    it("names the missing environment variables in one sentence, before calling anything", async () => {
        fakes = await startEntraFakes();
        const { handler, logs } = handlerFor(fakes, { env: { LOG_TYPE: undefined, BUCKET: " " } });
        await expect(handler({})).rejects.toThrow(
            "ConfigError: The function's environment variables BUCKET, LOG_TYPE are not set: the collector stack sets them, so deploy the stack again rather than editing the function by hand.",
        );
        expect(fakes.ssm.statistics.calls.GetParameter).toBe(0);
        expect(fakes.azure.requests).toEqual([]);
        expect(fakes.graph.requests).toEqual([]);
        expect(JSON.parse(logs[0])).toMatchObject({ level: "ERROR", event: "run-failed", error: expect.stringContaining("BUCKET, LOG_TYPE") });
    });

    it("names each bad value and what it should be", async () => {
        fakes = await startEntraFakes();
        const failure = (env: Record<string, string>) => handlerFor(fakes as EntraFakes, { env }).handler({});
        await expect(failure({ LOG_TYPE: "signIns" })).rejects.toThrow('ConfigError: LOG_TYPE = "signIns": expected one of signins, directoryaudits (one function per log type).');
        await expect(failure({ BUCKET: "arn:aws:s3:::labs-entra-logs" })).rejects.toThrow(/BUCKET = "arn:aws:s3:::labs-entra-logs": expected the bucket's name .* not its ARN or an s3:\/\/ URL\./);
        await expect(failure({ BUCKET: "s3://labs-entra-logs" })).rejects.toThrow(/BUCKET = "s3:\/\/labs-entra-logs"/);
    });
});
