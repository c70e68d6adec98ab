// The collector's AWS audit half: the CloudTrail trail logs and delivers, the Defender for
// Cloud Apps principal can make the connector's read calls and no write (IAM's policy
// simulator, so nothing is called as that principal), and Sentinel's role trusts only this
// workspace's session.
import { type Check, type Outcome, type Probe, commandLine } from "../../../cli/verify/model";
import { runJson } from "../../../cli/verify/runner";
import type { CollectorTargets } from "./targets";

const LAB = "collector";

/**
 * Calls Microsoft's AWS connector makes, one concrete action per wildcard of its documented
 * policy (learn: defender-cloud-apps/protect-aws): trails, CloudWatch and IAM read, buckets.
 */
export const CONNECTOR_READS = [
    "cloudtrail:DescribeTrails",
    "cloudtrail:LookupEvents",
    "cloudtrail:GetTrailStatus",
    "cloudwatch:DescribeAlarms",
    "cloudwatch:GetMetricData",
    "cloudwatch:ListMetrics",
    "iam:ListUsers",
    "iam:GetUser",
    "iam:ListAccessKeys",
    "iam:GetAccountAuthorizationDetails",
    "s3:ListAllMyBuckets",
    "s3:GetBucketAcl",
    "s3:GetBucketLocation",
];
/** Writes the principal must not make: creating identities, changing data, stopping the trail. */
export const FORBIDDEN_WRITES = ["iam:CreateUser", "iam:CreateAccessKey", "iam:AttachUserPolicy", "s3:PutObject", "s3:DeleteBucket", "cloudtrail:StopLogging", "cloudtrail:DeleteTrail"];
const GOVERNANCE = "s3:PutBucketAcl";

interface TrailStatus {
    IsLogging?: boolean;
    LatestDeliveryError?: string;
    LatestDeliveryTime?: string;
}

export function trailProbe(t: CollectorTargets): Probe {
    const args = ["cloudtrail", "get-trail-status", "--region", t.region, "--name", t.trail, "--output", "json"];
    const check: Check = {
        kind: "trail-logging",
        lab: LAB,
        target: t.trail,
        expected: "IsLogging, no LatestDeliveryError",
        cause: "the trail was stopped (aws cloudtrail start-logging), or its bucket or KMS key policy refuses CloudTrail",
        log: `${commandLine("aws", args)} (LatestDeliveryError, LatestDigestDeliveryError)`,
    };
    return {
        lab: LAB,
        label: "CloudTrail trail (aws)",
        clis: ["aws"],
        checks: [check],
        commands: () => [commandLine("aws", args)],
        async run(ctx) {
            const status = await runJson<TrailStatus>(ctx.runner, "aws", args);
            if (!status.ok) return [{ pass: false, got: status.error }];
            const s = status.value ?? {};
            const delivery = s.LatestDeliveryError ? `delivery error ${s.LatestDeliveryError}` : s.LatestDeliveryTime ? `latest delivery ${s.LatestDeliveryTime}` : "no delivery yet";
            return [{ pass: s.IsLogging === true && !s.LatestDeliveryError, got: `IsLogging ${s.IsLogging === true}, ${delivery}` }];
        },
    };
}

interface Simulation {
    EvaluationResults?: Array<{ EvalActionName?: string; EvalDecision?: string }>;
}

export function auditPrincipalProbe(t: CollectorTargets): Probe {
    const reads = t.governance ? [...CONNECTOR_READS, GOVERNANCE] : CONNECTOR_READS;
    const writes = t.governance ? FORBIDDEN_WRITES : [...FORBIDDEN_WRITES, GOVERNANCE];
    const args = ["iam", "simulate-principal-policy", "--policy-source-arn", t.auditUserArn, "--action-names", ...reads, ...writes, "--output", "json"];
    const log = `${commandLine("aws", ["iam", "list-attached-user-policies", "--user-name", t.auditUserArn.split("/").at(-1) ?? ""])}; policies/exemptions.yaml for the governance write`;
    const checks: Check[] = [
        { kind: "mdca-read", lab: LAB, target: `${t.auditUserArn}: ${reads.length} read calls`, expected: "all allowed", cause: "the connector policy is not attached or lost an action", log },
        { kind: "mdca-no-write", lab: LAB, target: `${t.auditUserArn}: ${writes.length} writes`, expected: "all denied", cause: "another policy or group gives the user a write: the connector must stay read-only", log },
    ];
    return {
        lab: LAB,
        label: "Defender for Cloud Apps principal (IAM simulation)",
        clis: ["aws"],
        checks,
        commands: () => [commandLine("aws", args)],
        async run(ctx, selected) {
            const sim = await runJson<Simulation>(ctx.runner, "aws", args);
            return selected.map((c): Outcome => {
                if (!sim.ok) return { pass: false, got: sim.error };
                const decision = new Map((sim.value?.EvaluationResults ?? []).map((r) => [r.EvalActionName ?? "", r.EvalDecision ?? ""]));
                if (c.kind === "mdca-read") {
                    const denied = reads.filter((a) => decision.get(a) !== "allowed");
                    return { pass: denied.length === 0, got: denied.length ? `not allowed: ${denied.map((a) => `${a} (${decision.get(a) ?? "not evaluated"})`).join(", ")}` : `${reads.length} allowed` };
                }
                // A write the simulator did not evaluate is not proven denied.
                const allowed = writes.filter((a) => decision.get(a) !== "implicitDeny" && decision.get(a) !== "explicitDeny");
                return { pass: allowed.length === 0, got: allowed.length ? `not denied: ${allowed.map((a) => `${a} (${decision.get(a) ?? "not evaluated"})`).join(", ")}` : `${writes.length} denied` };
            });
        },
    };
}

export function sentinelProbe(t: CollectorTargets, sentinel: { roleArn: string }): Probe {
    const roleName = sentinel.roleArn.split("/").at(-1) ?? sentinel.roleArn;
    const args = ["iam", "get-role", "--role-name", roleName, "--output", "json"];
    const session = `MicrosoftSentinel_${t.workspaceId}`;
    const check: Check = {
        kind: "sentinel-trust",
        lab: LAB,
        target: roleName,
        expected: `sts:RoleSessionName ${session}`,
        cause: "the role's trust was edited, or the workspace was recreated (a new customer id): run pulumi up",
        log: commandLine("aws", args),
    };
    return {
        lab: LAB,
        label: "Sentinel OIDC role (aws)",
        clis: ["aws"],
        checks: [check],
        commands: () => [commandLine("aws", args)],
        async run(ctx) {
            // The CLI prints the trust policy decoded, as a JSON object.
            const role = await runJson<{ Role?: { AssumeRolePolicyDocument?: { Statement?: Array<{ Condition?: Record<string, Record<string, unknown>> }> } } }>(ctx.runner, "aws", args);
            if (!role.ok) return [{ pass: false, got: role.error }];
            const sessions = (role.value?.Role?.AssumeRolePolicyDocument?.Statement ?? []).flatMap((s) => [s.Condition?.StringEquals?.["sts:RoleSessionName"] ?? []].flat()).map(String);
            return [{ pass: sessions.includes(session), got: sessions.length ? `sts:RoleSessionName ${sessions.join(", ")}` : "no sts:RoleSessionName condition" }];
        },
    };
}
