// Privilege escalation judged by what the resource pattern can match; tag conditions that lower a
// wildcard write to advisory (never for IAM); actions with no required resource type on *.
import { describe, expect, it } from "vitest";
import { classify, matchesOpenSet } from "../../policies/iam/analyzer";
import { ESCALATION_METHODS } from "../../policies/iam/escalation";
import { check, findings, usePack } from "./support";

const doc = (...statements: Record<string, unknown>[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const allow = (action: unknown, resource: unknown = "*", extra: Record<string, unknown> = {}) => ({ Effect: "Allow", Action: action, Resource: resource, ...extra });
const pack = usePack();
const policy = (...statements: Record<string, unknown>[]) => ({ type: "aws:iam/policy:Policy", props: { policy: doc(...statements) } });
const ESC = "iam-no-privilege-escalation";

describe("what a resource pattern can match", () => {
    it.each([
        ["*", true],
        ["arn:aws:iam::*:user/${aws:username}", true],
        ["arn:aws:iam::123456789012:role/lab-*", true],
        ["arn:aws:lambda:us-east-1:123456789012:function:*", true],
        ["arn:aws:*:*:*:*", true],
        ["arn:aws:iam::123456789012:user/deploy", false],
        ["arn:aws:iam::*:role/lab-collector", false],
    ])("%s: an open set %s", (resource, expected) => {
        expect(matchesOpenSet(resource)).toBe(expected);
    });

    it("names every method's actions as AWS's reference data spells them", async () => {
        for (const m of ESCALATION_METHODS) for (const a of m.actions) expect((await classify(a)).action).toBe(a);
    });
});

describe("iam-no-privilege-escalation", () => {
    it("passes a baseline: escalation actions on one named user or role, PassRole to one role, reads on *", async () => {
        const r = await check(pack.host(), [
            policy(
                allow("iam:CreateAccessKey", "arn:aws:iam::123456789012:user/deploy"),
                allow("iam:PassRole", "arn:aws:iam::123456789012:role/lab-fn"),
                allow(["lambda:CreateFunction", "ec2:RunInstances"], "arn:aws:lambda:us-east-1:123456789012:function:lab-fn"),
                allow(["iam:Get*", "iam:List*"]),
            ),
        ]);
        expect(findings(r, ESC)).toEqual([]);
    });

    it.each([
        ["iam:PutUserPolicy on the caller's own user", [allow("iam:PutUserPolicy", "arn:aws:iam::*:user/${aws:username}")], "PutUserPolicy"],
        ["iam:Attach* on a role prefix", [allow("iam:Attach*", "arn:aws:iam::123456789012:role/lab-*")], "AttachRolePolicy"],
        ["iam:CreatePolicyVersion on *", [allow("iam:CreatePolicyVersion")], "CreateNewPolicyVersion"],
        ["iam:* on the caller's own user", [allow("iam:*", "arn:aws:iam::123456789012:user/${aws:username}")], "CreateAccessKey"],
        ["sts:AssumeRole on every role", [allow("sts:AssumeRole", "arn:aws:iam::123456789012:role/*")], "AssumeAnyRole"],
        ["PassRole on any role with RunInstances, in two statements", [allow("iam:PassRole"), allow("ec2:RunInstances")], "CreateEC2WithExistingIP"],
    ])("refuses %s", async (_case, statements, method) => {
        expect(findings(await check(pack.host(), [policy(...statements)]), ESC)).toContain(`${ESC}[Method::${method}]`);
    });

    it("does not count PassRole on a role prefix with a compute create, nor sts:AssumeRole on one role", async () => {
        const r = await check(pack.host(), [policy(allow("iam:PassRole", "arn:aws:iam::123456789012:role/lab-fn"), allow("ec2:RunInstances"), allow("sts:AssumeRole", "arn:aws:iam::123456789012:role/reader"))]);
        expect(findings(r, ESC)).toEqual([]);
    });

    it("names the statements that complete a method", async () => {
        const r = await check(pack.host(), [policy(allow("iam:PassRole", "*", { Sid: "Pass" }), allow(["lambda:CreateFunction", "lambda:InvokeFunction"], "*", { Sid: "Lambda" }))]);
        expect(r.violations.find((v) => v.message.startsWith(`${ESC}[Method::PassExistingRoleToNewLambdaThenInvoke]`))?.message).toContain("Sid 'Pass' and Sid 'Lambda' grant iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction");
    });
});

describe("iam-no-privilege-escalation-combined", () => {
    const ROLE = "urn:pulumi:test::labs::aws:iam/role:Role::deployer";
    const POLICY_URN = "urn:pulumi:test::labs::aws:iam/policy:Policy::run";
    const role = { type: "aws:iam/role:Role", name: "deployer", props: { name: "deployer", assumeRolePolicy: doc({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }) } };
    const passRole = { type: "aws:iam/rolePolicy:RolePolicy", name: "pass", props: { role: "deployer", policy: doc(allow("iam:PassRole")) }, dependsOn: { role: [ROLE] } };
    const run = { type: "aws:iam/policy:Policy", name: "run", props: { policy: doc(allow("ec2:RunInstances")) } };
    const attach = { type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", name: "attach", props: { role: "deployer" }, dependsOn: { role: [ROLE], policyArn: [POLICY_URN] } };

    it("finds a method split between a role policy and an attached policy, on the role", async () => {
        const r = await check(pack.host(), [role, passRole, run, attach]);
        const v = r.violations.filter((x) => x.policy === "iam-no-privilege-escalation-combined");
        expect(v.map((x) => [x.resourceName, x.message.split(":")[0]])).toEqual([["deployer", "iam-no-privilege-escalation-combined[Method"]]);
        expect(v[0].message).toContain("CreateEC2WithExistingIP");
        expect(v[0].message).toContain("pass, run together grant iam:PassRole + ec2:RunInstances");
    });

    it("passes when the halves reach different principals, and leaves single-document methods to iam-no-privilege-escalation", async () => {
        const other = { ...attach, props: { role: "someone-else" }, dependsOn: { policyArn: [POLICY_URN] } };
        expect(findings(await check(pack.host(), [role, passRole, run, other]), "iam-no-privilege-escalation-combined")).toEqual([]);
        const both = { ...passRole, props: { role: "deployer", policy: doc(allow("iam:PassRole"), allow("ec2:RunInstances")) } };
        expect(findings(await check(pack.host(), [role, both, run, attach]), "iam-no-privilege-escalation-combined")).toEqual([]);
    });
});

describe("wildcard writes and what narrows them", () => {
    const abac = { Condition: { StringEquals: { "aws:ResourceTag/team": "${aws:PrincipalTag/team}" } } };

    it("lowers a tag-scoped write on * to the advisory policy", async () => {
        const r = await check(pack.host(), [policy(allow(["ec2:StopInstances"], "*", abac))]);
        expect(findings(r, "iam-no-wildcard-write")).toEqual([]);
        expect(findings(r, "iam-wildcard-write-tag-scoped")).toEqual(["iam-wildcard-write-tag-scoped[Action::ec2:StopInstances]"]);
        expect(r.violations.find((v) => v.policy === "iam-wildcard-write-tag-scoped")?.enforcementLevel).toBe("advisory");
    });

    it("never lowers a write to IAM itself, and does not count a tag condition that IfExists makes optional", async () => {
        expect(findings(await check(pack.host(), [policy(allow("iam:CreateUser", "*", abac))]), "iam-no-wildcard-write")).toEqual(["iam-no-wildcard-write[Action::iam:CreateUser]"]);
        const optional = { Condition: { StringEqualsIfExists: { "aws:ResourceTag/team": "lab" } } };
        expect(findings(await check(pack.host(), [policy(allow("ec2:StopInstances", "*", optional))]), "iam-no-wildcard-write")).toEqual(["iam-no-wildcard-write[Action::ec2:StopInstances]"]);
    });

    it("passes actions whose resource types are all optional, or that have none, on *", async () => {
        expect(await classify("cloudwatch:PutMetricData")).toMatchObject({ level: "Write", scopable: false });
        expect(await classify("ec2:RunInstances")).toMatchObject({ scopable: true });
        const r = await check(pack.host(), [policy(allow(["cloudwatch:PutMetricData", "xray:PutTraceSegments", "ec2:CreateTags"], "*", { Condition: { StringEquals: { "cloudwatch:namespace": "Lab" } } }))]);
        // ec2:CreateTags names required resource types, so it stays a finding.
        expect(findings(r, "iam-no-wildcard-write")).toEqual(["iam-no-wildcard-write[Action::ec2:CreateTags]"]);
    });
});

describe("trust policies read with their conditions", () => {
    const role = (statement: Record<string, unknown>) => ({ type: "aws:iam/role:Role", props: { assumeRolePolicy: doc({ Effect: "Allow", Action: "sts:AssumeRole", ...statement }) } });

    it("accepts a wildcard principal pinned to an organisation or a role ARN, and refuses one pinned by an unrelated key", async () => {
        const ok = await check(pack.host(), [
            role({ Principal: { AWS: "*" }, Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } }),
            role({ Principal: "*", Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::123456789012:role/ci-*" } } }),
        ]);
        expect(findings(ok, "iam-trust-no-wildcard-principal")).toEqual([]);
        const bad = await check(pack.host(), [role({ Principal: "*", Condition: { StringEquals: { "aws:RequestedRegion": "us-east-1" } } })]);
        expect(findings(bad, "iam-trust-no-wildcard-principal")).toEqual(["iam-trust-no-wildcard-principal[Statement::statement #1]"]);
    });

    it("wants a web identity pinned by its issuer's claims: GitHub by sub naming one repository, others by aud", async () => {
        const oidc = (provider: string, condition: Record<string, unknown>) =>
            role({ Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/${provider}` }, Action: "sts:AssumeRoleWithWebIdentity", Condition: condition });
        const gh = "token.actions.githubusercontent.com";
        const ok = await check(pack.host(), [
            oidc(gh, { StringEquals: { [`${gh}:aud`]: "sts.amazonaws.com" }, StringLike: { [`${gh}:sub`]: "repo:contoso/labs:ref:refs/heads/main" } }),
            oidc(gh, { StringLike: { [`${gh}:sub`]: "repo:contoso/labs:*" } }),
            oidc("sts.windows.net/tenant/", { StringEquals: { "sts.windows.net/tenant/:aud": "api://sentinel" } }),
        ]);
        expect(findings(ok, "iam-trust-web-identity-conditions")).toEqual([]);
        for (const condition of [{ StringEquals: { [`${gh}:aud`]: "sts.amazonaws.com" } }, { StringLike: { [`${gh}:sub`]: "repo:contoso/*" } }, { StringLike: { [`${gh}:sub`]: "*" } }, {}]) {
            expect(findings(await check(pack.host(), [oidc(gh, condition)]), "iam-trust-web-identity-conditions")).toEqual(["iam-trust-web-identity-conditions[Statement::statement #1]"]);
        }
        expect(findings(await check(pack.host(), [oidc("sts.windows.net/tenant/", { StringLikeIfExists: { "sts.windows.net/tenant/:aud": "api://sentinel" } })]), "iam-trust-web-identity-conditions")).toEqual([
            "iam-trust-web-identity-conditions[Statement::statement #1]",
        ]);
    });

    it("accepts another account without an ExternalId when the caller is pinned to an organisation or must use MFA, and not when MFA IfExists", async () => {
        const other = { Principal: { AWS: "arn:aws:iam::999988887777:root" } };
        const ok = await check(pack.host(), [
            role({ ...other, Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } }),
            role({ ...other, Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } } }),
            role({ ...other, Condition: { NumericLessThan: { "aws:MultiFactorAuthAge": "3600" } } }),
        ]);
        expect(findings(ok, "iam-trust-cross-account-external-id")).toEqual([]);
        const bad = await check(pack.host(), [role({ ...other, Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "true" } } })]);
        expect(findings(bad, "iam-trust-cross-account-external-id")).toEqual(["iam-trust-cross-account-external-id[Statement::statement #1]"]);
    });
});
