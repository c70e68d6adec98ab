// Identity policies: privilege escalation on narrow-looking resources, wildcards, and the actions
// that have no resource to scope to.
import * as aws from "@pulumi/aws";
import { ACCOUNT, type CorpusCase, LAMBDA_TRUST, doc } from "../case";

const allow = (Action: unknown, Resource: unknown = "*", extra: Record<string, unknown> = {}) => ({ Effect: "Allow", Action, Resource, ...extra });
const policy = (id: string, kind: string, peer: string, policyName: string | "clean", ...statements: Record<string, unknown>[]): CorpusCase => ({
    id,
    kind,
    peer,
    expect: policyName === "clean" ? "clean" : { policy: policyName, on: "policy" },
    build: (n) => {
        new aws.iam.Policy(n("policy"), { policy: doc(...statements) });
    },
});
const ESC = "iam-no-privilege-escalation";

export const IAM_CASES: CorpusCase[] = [
    policy("esc-put-user-self", "iam:PutUserPolicy on the caller's own user", "cloudsplaining PutUserPolicy", ESC, allow("iam:PutUserPolicy", "arn:aws:iam::*:user/${aws:username}")),
    policy("esc-policy-version", "iam:CreatePolicyVersion on every policy", "cloudsplaining CreateNewPolicyVersion", ESC, allow("iam:CreatePolicyVersion", `arn:aws:iam::${ACCOUNT}:policy/*`)),
    policy("esc-default-version", "iam:SetDefaultPolicyVersion on *", "cloudsplaining SetExistingDefaultPolicyVersion", ESC, allow("iam:SetDefaultPolicyVersion")),
    policy("esc-access-key", "iam:CreateAccessKey on every user", "Rhino CreateAccessKey", ESC, allow("iam:CreateAccessKey", `arn:aws:iam::${ACCOUNT}:user/*`)),
    policy("esc-login-profile", "iam:CreateLoginProfile on the caller's own user", "Rhino CreateLoginProfile", ESC, allow("iam:CreateLoginProfile", "arn:aws:iam::*:user/${aws:username}")),
    policy("esc-update-login", "iam:UpdateLoginProfile on *", "Rhino UpdateLoginProfile", ESC, allow("iam:UpdateLoginProfile")),
    policy("esc-attach-role-prefix", "iam:AttachRolePolicy on a role prefix", "KICS role_with_privilege_escalation", ESC, allow("iam:AttachRolePolicy", `arn:aws:iam::${ACCOUNT}:role/lab-*`)),
    policy("esc-passrole-ec2", "iam:PassRole on every role with ec2:RunInstances", "cloudsplaining CreateEC2WithExistingIP", ESC, allow("iam:PassRole", `arn:aws:iam::${ACCOUNT}:role/*`), allow("ec2:RunInstances")),
    policy("esc-passrole-lambda", "iam:PassRole with lambda:CreateFunction and InvokeFunction, in two statements", "cloudsplaining PassExistingRoleToNewLambdaThenInvoke", ESC, allow("iam:PassRole"), allow(["lambda:CreateFunction", "lambda:InvokeFunction"])),
    policy("esc-update-code", "lambda:UpdateFunctionCode on every function", "cloudsplaining EditExistingLambdaFunctionWithRole", ESC, allow("lambda:UpdateFunctionCode", `arn:aws:lambda:us-east-1:${ACCOUNT}:function:*`)),
    policy("esc-assume-any", "sts:AssumeRole on any role", "Checkov CKV_AWS_286", ESC, allow("sts:AssumeRole")),
    policy("esc-trust-update", "iam:UpdateAssumeRolePolicy on every role", "cloudsplaining UpdateRolePolicyToAssumeIt", ESC, allow("iam:UpdateAssumeRolePolicy", `arn:aws:iam::${ACCOUNT}:role/*`)),
    policy("esc-put-wildcard-action", "iam:Put* (a wildcard action) on the caller's own user", "KICS user_with_privilege_escalation_by_actions_iam_PutUserPolicy", ESC, allow("iam:Put*", "arn:aws:iam::*:user/${aws:username}")),
    policy("esc-add-to-group", "iam:AddUserToGroup on every group", "Rhino AddUserToGroup", ESC, allow("iam:AddUserToGroup", `arn:aws:iam::${ACCOUNT}:group/*`)),
    policy("esc-glue-endpoint", "glue:UpdateDevEndpoint on *", "cloudsplaining UpdateExistingGlueDevEndpoint", ESC, allow("glue:UpdateDevEndpoint")),
    {
        id: "esc-policy-document",
        kind: "iam:PutRolePolicy on * in a role policy built with getPolicyDocumentOutput",
        peer: "Checkov CKV_AWS_110 (data source)",
        expect: { policy: ESC, on: "inline" },
        build: (n) => {
            const role = new aws.iam.Role(n("role"), { assumeRolePolicy: LAMBDA_TRUST });
            const document = aws.iam.getPolicyDocumentOutput({ statements: [{ actions: ["iam:PutRolePolicy"], resources: ["*"] }] });
            new aws.iam.RolePolicy(n("inline"), { role: role.name, policy: document.json });
        },
    },
    {
        id: "esc-split-documents",
        kind: "iam:PassRole in a role policy and ec2:RunInstances in an attached customer policy",
        peer: "cloudsplaining CreateEC2WithExistingIP (principal-wide)",
        expect: { policy: "iam-no-privilege-escalation-combined", on: "role" },
        build: (n) => {
            const role = new aws.iam.Role(n("role"), { assumeRolePolicy: LAMBDA_TRUST });
            new aws.iam.RolePolicy(n("pass"), { role: role.name, policy: doc(allow("iam:PassRole")) });
            const run = new aws.iam.Policy(n("run"), { policy: doc(allow("ec2:RunInstances")) });
            new aws.iam.RolePolicyAttachment(n("attach"), { role: role.name, policyArn: run.arn });
        },
    },
    policy("wild-service", "s3:* on a bucket", "Checkov CKV2_AWS_40", "iam-no-service-wildcard", allow("s3:*", "arn:aws:s3:::corpus-data")),
    policy("wild-admin", "every action on every resource", "Checkov CKV_AWS_62", "iam-no-full-admin", allow("*")),
    policy("wild-not-action", "an Allow with NotAction", "Checkov CKV_AWS_289", "iam-no-not-action", { Effect: "Allow", NotAction: "iam:*", Resource: "*" }),
    policy("wild-write", "ec2:TerminateInstances on *", "Checkov CKV_AWS_290", "iam-no-wildcard-write", allow(["ec2:DescribeInstances", "ec2:TerminateInstances"])),
    policy(
        "abac-iam-write",
        "iam:CreateUser on * behind a tag condition (tags never make IAM writes on * acceptable)",
        "Checkov CKV_AWS_289",
        "iam-no-wildcard-write",
        allow("iam:CreateUser", "*", { Condition: { StringEquals: { "aws:ResourceTag/team": "${aws:PrincipalTag/team}" } } }),
    ),
    {
        id: "admin-managed",
        kind: "AdministratorAccess attached to a role",
        peer: "Checkov CKV_AWS_274",
        expect: { policy: "iam-no-admin-managed-policies", on: "attach" },
        build: (n) => {
            const role = new aws.iam.Role(n("role"), { assumeRolePolicy: LAMBDA_TRUST });
            new aws.iam.RolePolicyAttachment(n("attach"), { role: role.name, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });
        },
    },
    policy("clean-put-metric", "cloudwatch:PutMetricData on * (its only resource type is optional)", "cdk-nag AwsSolutions-IAM5 false positive", "clean", allow("cloudwatch:PutMetricData")),
    policy("clean-xray", "xray:PutTraceSegments on * (no resource types)", "Checkov CKV_AWS_355 false positive", "clean", allow(["xray:PutTraceSegments", "xray:PutTelemetryRecords"])),
    policy("clean-read-wildcards", "read-only wildcards on *", "cdk-nag AwsSolutions-IAM5 false positive", "clean", allow(["cloudwatch:Describe*", "cloudwatch:Get*", "cloudwatch:List*", "iam:List*", "iam:Get*", "s3:ListAllMyBuckets"])),
    policy(
        "clean-abac",
        "ec2:StartInstances/StopInstances on * limited by resource tags to the caller's team",
        "Checkov CKV_AWS_290 false positive",
        "clean",
        allow(["ec2:StartInstances", "ec2:StopInstances"], "*", { Condition: { StringEquals: { "aws:ResourceTag/team": "${aws:PrincipalTag/team}" } } }),
    ),
    policy("clean-passrole-named", "iam:PassRole on one named role with lambda:CreateFunction (a deployment role)", "cloudsplaining false positive", "clean", allow("iam:PassRole", `arn:aws:iam::${ACCOUNT}:role/corpus-fn`, { Condition: { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } } }), allow("lambda:CreateFunction", `arn:aws:lambda:us-east-1:${ACCOUNT}:function:corpus-fn`)),
    {
        id: "clean-function-role",
        kind: "a function role writing its own logs and one bucket prefix, built with getPolicyDocumentOutput",
        peer: "Checkov CKV_AWS_111 baseline",
        expect: "clean",
        build: (n) => {
            const role = new aws.iam.Role(n("role"), { assumeRolePolicy: LAMBDA_TRUST });
            const document = aws.iam.getPolicyDocumentOutput({
                statements: [
                    { actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [`arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/corpus-fn:*`] },
                    { actions: ["s3:PutObject"], resources: ["arn:aws:s3:::corpus-data/reports/*"] },
                ],
            });
            new aws.iam.RolePolicy(n("inline"), { role: role.name, policy: document.json });
        },
    },
];
