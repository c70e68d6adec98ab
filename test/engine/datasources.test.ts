// The data sources real programs read are answered as the providers answer them, so a program
// built on them plans whole, and `labs check` judges the resources built from their results.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { evaluateInChild } from "../../cli/engine/fork";
import { CloudSimulator } from "../../cli/engine/mocks";
import type { Plan } from "../../cli/engine/plan";
import { LABS_CLI, ROOT, input, one, stackOutput } from "../support";

const FIXTURE = path.join(ROOT, "test", "fixtures", "programs", "datasources");

describe("a program built on data sources", () => {
    let plan: Plan;
    beforeAll(async () => {
        plan = (await evaluateInChild({ programDir: FIXTURE, stack: "dev" })).plan;
    });

    it("registers the policy built from getPolicyDocument, with the provider's rendering", () => {
        const policy = JSON.parse(input<string>(one(plan, "aws:iam/rolePolicy:RolePolicy", "everything"), "policy"));
        expect(policy).toEqual({
            Version: "2012-10-17",
            Statement: [
                { Sid: "Everything", Effect: "Allow", Action: "*", Resource: "*" },
                { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket-us-east-1/*" },
            ],
        });
        expect(JSON.parse(input<string>(one(plan, "aws:iam/role:Role", "worker"), "assumeRolePolicy"))).toEqual({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "lambda.amazonaws.com" } }],
        });
    });

    it("answers the identity, region, partition, zone and session functions consistently", () => {
        expect(stackOutput(plan, "account")).toBe("123456789012");
        expect(stackOutput(plan, "regionName")).toBe("us-east-1");
        expect(stackOutput(plan, "dnsSuffix")).toBe("amazonaws.com");
        expect(stackOutput(plan, "zoneNames")).toEqual(["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"]);
        expect(stackOutput(plan, "issuer")).toBe("arn:aws:iam::123456789012:user/lab-operator");
    });

    it("gives AWS-managed policies their real document, and Entra's well-known ids", () => {
        expect(JSON.parse(String(stackOutput(plan, "adminPolicy")))).toEqual({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] });
        expect(input(one(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "admin"), "policyArn")).toBe("arn:aws:iam::aws:policy/AdministratorAccess");
        expect(stackOutput(plan, "graphAppId")).toBe("00000003-0000-0000-c000-000000000000");
        expect(stackOutput(plan, "subscription")).toMatch(/^[0-9a-f-]{36}$/);
        expect(stackOutput(plan, "tenant")).toMatch(/^[0-9a-f-]{36}$/);
    });

    it("is judged whole by labs check: the mandatory violations sit on the resources built from the data sources", () => {
        const r = spawnSync(process.execPath, [LABS_CLI, "check", "--program", FIXTURE, "--json"], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
        expect(r.status).toBe(1);
        const report = JSON.parse(r.stdout) as { violations: Array<{ policy: string; resourceName: string; enforcementLevel: string }> };
        const mandatory = report.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => `${v.resourceName}: ${v.policy}`);
        expect(mandatory).toEqual(expect.arrayContaining(["everything: iam-no-full-admin", "admin: iam-no-admin-managed-policies"]));
    });
});

describe("an output the cloud imitation does not compute", () => {
    it("is unknown, as in pulumi preview, not a made-up undefined; the plan names the callback that did not run", () => {
        const r = spawnSync(process.execPath, [LABS_CLI, "plan", "--program", path.join(ROOT, "test", "fixtures", "programs", "uncomputed"), "--json"], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
        expect(r.status).toBe(0);
        expect(r.stdout).not.toContain("undefined/32");
        const rule = JSON.parse(r.stdout).steps.find((s: { urn: string }) => s.urn.endsWith("::ssh"));
        expect(rule.newState.inputs.cidrBlocks).toEqual(["[unknown]"]);
        expect(r.stderr).toMatch(/note: 1 of the program's callbacks \(apply\) did not run[^\n]*\n {2}at .*uncomputed\/index\.ts:12:/);
    });
});

describe("a function called with a provider of its own", () => {
    it("is answered with that provider's region", () => {
        const cloud = new CloudSimulator({ "aws:region": "ap-southeast-2" }, "provider");
        expect(cloud.call("aws:index/getRegion:getRegion", {}, { region: "eu-west-1" }).name).toBe("eu-west-1");
        expect(cloud.call("aws:index/getAvailabilityZones:getAvailabilityZones", {}, { region: "eu-west-1" }).zoneIds).toEqual(["euw1-az1", "euw1-az2", "euw1-az3"]);
        expect(cloud.call("aws:index/getRegion:getRegion", {}).name).toBe("ap-southeast-2");
    });
});

describe("the README's list of answered data sources", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const table = readme.slice(readme.indexOf("<!-- the data sources the engine answers"), readme.indexOf("Any other function fails the plan"));
    const listed = [...table.matchAll(/`([\w-]+:[\w/]+:\w+)`/g)].map((m) => m[1]);
    // The least input each function needs; the rest take none.
    const SAMPLE: Record<string, Record<string, unknown>> = {
        "aws:iam/getPolicy:getPolicy": { arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
        "aws:iam/getSessionContext:getSessionContext": { arn: "arn:aws:sts::123456789012:assumed-role/r/s" },
        "aws:iam/getPolicyDocument:getPolicyDocument": { statements: [{ actions: ["s3:GetObject"], resources: ["*"] }] },
        "azuread:index/getServicePrincipal:getServicePrincipal": { clientId: "00000003-0000-0000-c000-000000000000" },
    };

    it("names only functions the engine answers", () => {
        expect(listed.length).toBeGreaterThanOrEqual(11);
        const cloud = new CloudSimulator({}, "readme");
        for (const token of listed) expect({ token, answered: typeof cloud.call(token, SAMPLE[token] ?? {}) }).toEqual({ token, answered: "object" });
    });

    it("names every function the engine answers", () => {
        const mocks = ["aws.ts", "azure.ts", "azuread.ts", "random.ts"].map((f) => fs.readFileSync(path.join(ROOT, "cli", "engine", "mocks", f), "utf8")).join("\n");
        const answered = [...mocks.matchAll(/"((?:aws|azure-native|azuread|random):[\w/]+:\w+)"/g)].map((m) => m[1]).filter((t) => /:get[A-Z]\w*$/.test(t));
        expect([...new Set(answered)].sort()).toEqual([...new Set(listed)].sort());
    });
});
