// Credentials in plain configuration outside Lambda: containers, user data, app settings, the AWS
// provider, SSM String parameters. A baseline per resource type, then one credential per case.
import { describe, expect, it } from "vitest";
import { type Spec, check, findings, usePack } from "./support";

const pack = usePack();
const POLICY = "no-plaintext-credentials";

describe("no-plaintext-credentials", () => {
    const task = (environment: Array<{ name: string; value: string }>): Spec => ({
        type: "aws:ecs/taskDefinition:TaskDefinition",
        props: { family: "lab", containerDefinitions: JSON.stringify([{ name: "app", image: "app:1", environment, secrets: [{ name: "DB_PASSWORD", valueFrom: "arn:aws:ssm:us-east-1:123456789012:parameter/db" }] }]) },
    });
    const instance = (userData: string, base64 = false): Spec => ({ type: base64 ? "aws:ec2/launchTemplate:LaunchTemplate" : "aws:ec2/instance:Instance", props: { userData: base64 ? Buffer.from(userData).toString("base64") : userData } });
    const webApp = (appSettings: Array<{ name: string; value: string }>): Spec => ({ type: "azure-native:web:WebApp", props: { resourceGroupName: "rg", siteConfig: { appSettings } } });

    it("passes a baseline: container secrets by reference, a plain script, Key Vault references, a provider without keys", async () => {
        const r = await check(pack.host(), [
            task([{ name: "LOG_LEVEL", value: "info" }]),
            instance("#!/bin/bash\nyum install -y httpd\nsystemctl start httpd\n"),
            webApp([{ name: "DB_PASSWORD", value: "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/db/)" }, { name: "WEBSITE_RUN_FROM_PACKAGE", value: "1" }]),
            { type: "pulumi:providers:aws", name: "east", props: { region: "us-east-1" } },
        ]);
        expect(findings(r, POLICY)).toEqual([]);
    });

    it.each([
        ["a container variable named like a password", [task([{ name: "DB_PASSWORD", value: "hunter2" }])], "Variable::DB_PASSWORD"],
        ["an access key id in a container variable", [task([{ name: "UPLOADER", value: "AKIAIOSFODNN7EXAMPLE" }])], "Variable::UPLOADER"],
        ["an access key in user data", [instance("#!/bin/bash\naws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE\n")], "UserData::credential"],
        ["a password set in base64 user data", [instance("#!/bin/bash\nexport DB_PASSWORD=Summer2026\n", true)], "UserData::DB_PASSWORD"],
        ["a connection string in an app setting", [webApp([{ name: "SQL", value: "Server=tcp:db;Database=lab;User ID=lab;Password=Summer2026!;" }])], "Variable::SQL"],
        ["an AWS provider with a secret key", [{ type: "pulumi:providers:aws", name: "hard", props: { region: "us-east-1", secretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" } }], "Property::secretKey"],
    ])("refuses %s", async (_case, specs, finding) => {
        expect(findings(await check(pack.host(), specs as Spec[]), POLICY)).toContain(`${POLICY}[${finding}]`);
    });
});

describe("ssm-secrets-secure-string by value", () => {
    it("refuses a String parameter holding a credential under an innocent name, and passes an ordinary value", async () => {
        const param = (value: string): Spec => ({ type: "aws:ssm/parameter:Parameter", props: { name: "/lab/uploader", type: "String", value } });
        expect(findings(await check(pack.host(), [param("AKIAIOSFODNN7EXAMPLE")]), "ssm-secrets-secure-string")).toEqual(["ssm-secrets-secure-string[Property::type]"]);
        expect(findings(await check(pack.host(), [param("us-east-1")]), "ssm-secrets-secure-string")).toEqual([]);
    });
});
