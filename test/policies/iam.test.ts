// Least privilege: one analyzer for every document form; read-only wildcards pass where
// cdk-nag would fail them; write and admin rights on * fail, each finding naming its action.
import { describe, expect, it } from "vitest";
import { classify, expand, parseDocument } from "../../policies/iam/analyzer";
import { UNKNOWN, check, findings, usePack } from "./support";

const POLICY = "aws:iam/policy:Policy";
const doc = (...statements: Record<string, unknown>[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const allow = (action: unknown, resource: unknown = "*", extra: Record<string, unknown> = {}) => ({ Effect: "Allow", Action: action, Resource: resource, ...extra });
const tags = { lab: "t", owner: "o", expires: "2999-01-01" };

describe("the IAM analyzer", () => {
    it("reads a document as a JSON string or an object, statements and actions single or listed", () => {
        const a = parseDocument(doc(allow(["s3:GetObject", "s3:PutObject"], ["arn:aws:s3:::b/*"], { Sid: "Rw" })));
        const b = parseDocument({ Version: "2012-10-17", Statement: allow("s3:GetObject") });
        expect(a[0]).toMatchObject({ label: "Sid 'Rw'", effect: "Allow", actions: ["s3:GetObject", "s3:PutObject"], resources: ["arn:aws:s3:::b/*"] });
        expect(b[0]).toMatchObject({ label: "statement #1", actions: ["s3:GetObject"], resources: ["*"] });
        expect(() => parseDocument("{not json")).toThrowError("the policy document is not valid JSON");
    });

    it("classifies actions with AWS's reference data", async () => {
        expect(await classify("cloudwatch:DescribeAlarms")).toEqual({ action: "cloudwatch:DescribeAlarms", level: "Read", scopable: true });
        expect(await classify("s3:ListAllMyBuckets")).toEqual({ action: "s3:ListAllMyBuckets", level: "List", scopable: false });
        expect(await classify("s3:putbucketacl")).toEqual({ action: "s3:PutBucketAcl", level: "Permissions management", scopable: true });
        expect((await classify("iam:NoSuchThing")).level).toBe("Unknown");
    });

    it("expands wildcards as IAM matches them: any case, * as any run, ? as one character", async () => {
        expect(await expand("iam:createlogin*")).toEqual(["iam:CreateLoginProfile"]);
        expect(await expand("IAM:Get?ccessKeyLastUsed")).toEqual(["iam:GetAccessKeyLastUsed"]);
        expect(await expand("iam:deleteaccesskey")).toEqual(["iam:DeleteAccessKey"]);
        const lists = await expand("iam:List*");
        expect(lists.length).toBeGreaterThan(30);
        expect(lists).toContain("iam:ListUsers");
        expect(lists.every((a) => /^iam:List/.test(a))).toBe(true);
        // `*` alone (or for every service) stays one entry: the admin policies judge it.
        expect([await expand("*"), await expand("*:*"), await expand("**")]).toEqual([["*"], ["*"], ["*"]]);
    });

    it("keeps what AWS's data does not know as written, so it is still judged", async () => {
        expect(await expand("iam:NoSuch*")).toEqual(["iam:NoSuch*"]);
        expect(await expand("iam:NoSuchThing")).toEqual(["iam:NoSuchThing"]);
        expect(await expand("nosuchservice:Get*")).toEqual(["nosuchservice:Get*"]);
        expect(await expand("*:Get*")).toEqual(["*:Get*"]);
        expect(await expand("not-an-action")).toEqual(["not-an-action"]);
    });
});

describe("IAM policies", () => {
    const pack = usePack();
    const policy = (...statements: Record<string, unknown>[]) => ({ type: POLICY, props: { policy: doc(...statements), tags } });

    it("pass a baseline: scoped writes, and read-only wildcards on * (which cdk-nag fails)", async () => {
        const r = await check(pack.host(), [
            policy(
                allow(["cloudwatch:Describe*", "cloudwatch:Get*", "cloudwatch:List*", "iam:List*", "iam:Get*", "cloudtrail:LookupEvents", "s3:ListAllMyBuckets"]),
                allow(["s3:PutObject"], "arn:aws:s3:::lab-bucket/*"),
                { Effect: "Deny", Action: "*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } },
            ),
        ]);
        expect(r.violations).toEqual([]);
    });

    it.each([
        ["every action", allow("*"), "iam-no-full-admin", ["iam-no-full-admin[Action::*]"]],
        ["every S3 action", allow("s3:*"), "iam-no-service-wildcard", ["iam-no-service-wildcard[Action::s3:*]"]],
        ["every IAM action, on named resources too", allow("iam:*", "arn:aws:iam::123456789012:user/x"), "iam-no-service-wildcard", ["iam-no-service-wildcard[Action::iam:*]"]],
        ["iam:PassRole on any role", allow("iam:PassRole"), "iam-no-passrole-wildcard", ["iam-no-passrole-wildcard[Action::iam:PassRole]"]],
        ["iam:CreateUser on *", allow("iam:CreateUser"), "iam-no-wildcard-write", ["iam-no-wildcard-write[Action::iam:CreateUser]"]],
        ["a wildcard that expands to writes", allow("iam:CreateLogin*"), "iam-no-wildcard-write", ["iam-no-wildcard-write[Action::iam:CreateLoginProfile]"]],
        ["a permissions-management action on *", allow("s3:PutBucketAcl"), "iam-no-wildcard-write", ["iam-no-wildcard-write[Action::s3:PutBucketAcl]"]],
        ["NotAction in an Allow", { Effect: "Allow", NotAction: "iam:*", Resource: "*" }, "iam-no-not-action", ["iam-no-not-action[Statement::statement #2::NotAction]"]],
        ["NotResource in an Allow", { Effect: "Allow", Action: "s3:GetObject", NotResource: "arn:aws:s3:::secret/*" }, "iam-no-not-action", ["iam-no-not-action[Statement::statement #2::NotResource]"]],
    ])("refuse %s", async (_case, statement, name, expected) => {
        const r = await check(pack.host(), [policy(allow("logs:PutLogEvents", "arn:aws:logs:*:*:log-group:/lab:*"), statement)]);
        expect(findings(r, name)).toEqual(expected);
    });

    it("name each write action found on * separately, so one can be exempted", async () => {
        const r = await check(pack.host(), [policy(allow(["iam:CreateUser", "iam:DeleteUser", "iam:ListUsers"]))]);
        expect(findings(r, "iam-no-wildcard-write")).toEqual(["iam-no-wildcard-write[Action::iam:CreateUser]", "iam-no-wildcard-write[Action::iam:DeleteUser]"]);
    });

    it("read every document form: RolePolicy, UserPolicy, GroupPolicy, a Role's inline policies, an object document", async () => {
        const statement = allow("iam:CreateUser");
        const r = await check(pack.host(), [
            { type: "aws:iam/rolePolicy:RolePolicy", name: "rp", props: { policy: doc(statement) } },
            { type: "aws:iam/userPolicy:UserPolicy", name: "up", props: { policy: { Version: "2012-10-17", Statement: statement } } },
            { type: "aws:iam/groupPolicy:GroupPolicy", name: "gp", props: { policy: doc(statement) } },
            { type: "aws:iam/role:Role", name: "role", props: { assumeRolePolicy: doc({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }), inlinePolicies: [{ name: "inline", policy: doc(statement) }], tags } },
        ]);
        expect(r.violations.filter((v) => v.policy === "iam-no-wildcard-write").map((v) => v.resourceName).sort()).toEqual(["gp", "role", "rp", "up"]);
    });

    it("treat a document not known until the update as not applicable", async () => {
        const r = await check(pack.host(), [{ type: POLICY, props: { policy: UNKNOWN, tags } }]);
        expect(r.violations).toEqual([]);
    });

    it("refuse the AWS managed admin policies, attached, attached exclusively or listed on a role, even next to an unknown ARN", async () => {
        const r = await check(pack.host(), [
            { type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", name: "a", props: { role: "r", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" } },
            { type: "aws:iam/userPolicyAttachment:UserPolicyAttachment", name: "b", props: { user: "u", policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" } },
            { type: "aws:iam/role:Role", name: "c", props: { assumeRolePolicy: doc({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }), managedPolicyArns: [UNKNOWN, "arn:aws:iam::aws:policy/PowerUserAccess"], tags } },
            { type: "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", name: "d", props: { roleName: "r", policyArns: [UNKNOWN, "arn:aws:iam::aws:policy/IAMFullAccess"] } },
        ]);
        expect(findings(r, "iam-no-admin-managed-policies")).toEqual([
            "iam-no-admin-managed-policies[Policy::AdministratorAccess]",
            "iam-no-admin-managed-policies[Policy::IAMFullAccess]",
            "iam-no-admin-managed-policies[Policy::PowerUserAccess]",
        ]);
    });

    it("still check the known statements and actions of a document with unknowns in it", async () => {
        const r = await check(pack.host(), [
            { type: POLICY, props: { policy: { Version: "2012-10-17", Statement: [UNKNOWN, allow(["s3:GetObject", UNKNOWN, "iam:CreateUser"])] }, tags } },
        ]);
        expect(findings(r, "iam-no-wildcard-write")).toEqual(["iam-no-wildcard-write[Action::iam:CreateUser]"]);
    });

    it.each([
        ["every role", "arn:aws:iam::123456789012:role/*"],
        ["every resource of every service", "arn:aws:*:*:*:*"],
        ["every user", "arn:aws:iam::*:user/*"],
        ["every S3 object", "arn:aws:s3:::*/*"],
    ])("treat a Resource of %s as any resource", async (_case, arn) => {
        const r = await check(pack.host(), [policy(allow("iam:PassRole", arn))]);
        expect(findings(r, "iam-no-passrole-wildcard")).toEqual(["iam-no-passrole-wildcard[Action::iam:PassRole]"]);
    });

    it("leave a named resource with region and account wildcards alone", async () => {
        const r = await check(pack.host(), [policy(allow("iam:PassRole", "arn:aws:iam::*:role/lab-collector"))]);
        expect(findings(r, "iam-no-passrole-wildcard")).toEqual([]);
    });
});

describe("trust policies", () => {
    const pack = usePack();
    const role = (statement: Record<string, unknown>) => ({ type: "aws:iam/role:Role", props: { assumeRolePolicy: doc({ Action: "sts:AssumeRole", Effect: "Allow", ...statement }), tags } });
    const pinnedTo = (...accounts: string[]) => ({ type: "pulumi:providers:aws", name: "aws-lab", props: { region: "eu-west-1", allowedAccountIds: accounts } });

    it("accept services, federated identities and the account the AWS provider is pinned to", async () => {
        const r = await check(pack.host(), [
            role({ Principal: { Service: "lambda.amazonaws.com" } }),
            role({ Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/sts.windows.net/tenant/" }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { "sts.windows.net/tenant/:aud": "api://lab" } } }),
            { ...role({ Principal: { AWS: "arn:aws:iam::123456789012:root" } }), provider: pinnedTo("123456789012") },
        ]);
        expect(r.violations).toEqual([]);
    });

    it("read allowedAccountIds as a default provider carries it: a JSON list in a string", async () => {
        const provider = { type: "pulumi:providers:aws", name: "default", props: { allowedAccountIds: '["123456789012"]' } };
        const r = await check(pack.host(), [{ ...role({ Principal: { AWS: "123456789012" } }), provider }]);
        expect(findings(r, "iam-trust-cross-account-external-id")).toEqual([]);
    });

    it("refuse a wildcard principal, written either way, and an Allow with NotPrincipal", async () => {
        const r = await check(pack.host(), [role({ Principal: "*" }), role({ Principal: { AWS: ["*"] } }), role({ NotPrincipal: { AWS: "arn:aws:iam::123456789012:root" } })]);
        expect(findings(r, "iam-trust-no-wildcard-principal")).toEqual(Array(3).fill("iam-trust-no-wildcard-principal[Statement::statement #1]"));
        expect(r.violations.find((v) => v.message.includes("NotPrincipal"))?.message).toContain("every AWS principal but the ones named");
    });

    it("require sts:ExternalId for another account, and accept it with one", async () => {
        const other = { Principal: { AWS: "arn:aws:iam::999999999999:root" } };
        const r = await check(pack.host(), [
            { ...role(other), provider: pinnedTo("123456789012") },
            { ...role({ ...other, Condition: { StringEquals: { "sts:ExternalId": "lab" } } }), provider: pinnedTo("123456789012") },
        ]);
        expect(findings(r, "iam-trust-cross-account-external-id")).toEqual(["iam-trust-cross-account-external-id[Statement::statement #1]"]);
    });

    it.each([
        ["a wildcard ExternalId", { StringLike: { "sts:ExternalId": "*" } }],
        ["StringNotEquals", { StringNotEquals: { "sts:ExternalId": "lab" } }],
        ["only a Null check", { Null: { "sts:ExternalId": "false" } }],
    ])("do not count %s as requiring an ExternalId", async (_case, condition) => {
        const r = await check(pack.host(), [role({ Principal: { AWS: "999999999999" }, Condition: condition })]);
        expect(findings(r, "iam-trust-cross-account-external-id")).toEqual(["iam-trust-cross-account-external-id[Statement::statement #1]"]);
    });

    it("leave a condition not known until the update alone", async () => {
        const statement = { Effect: "Allow", Action: "sts:AssumeRole", Principal: { AWS: "999999999999" }, Condition: UNKNOWN };
        const r = await check(pack.host(), [{ type: "aws:iam/role:Role", props: { assumeRolePolicy: { Version: "2012-10-17", Statement: [statement] }, tags } }]);
        expect(findings(r, "iam-trust-cross-account-external-id")).toEqual([]);
    });

    it("take the own accounts from the policy config", async () => {
        const r = await check(pack.host(), [role({ Principal: { AWS: "999999999999" } })], { "iam-trust-cross-account-external-id": { accountIds: ["999999999999"] } });
        expect(findings(r, "iam-trust-cross-account-external-id")).toEqual([]);
    });
});
