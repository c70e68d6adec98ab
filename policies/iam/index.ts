// AWS least privilege. Findings name the statement and the action, so an exemption can cover
// exactly one permission on one resource: `iam-no-wildcard-write[Action::s3:PutBucketAcl]`.
import { type Finding, type PolicyMeta, resourcePolicy } from "../lib/policy";
import { type Props, knownStrings, whenKnown } from "../lib/values";
import {
    IDENTITY_POLICY_TYPES,
    type Statement,
    classify,
    expand,
    identityDocuments,
    isFullAdmin,
    isReadOnly,
    isServiceWildcard,
    onAnyResource,
    parseDocument,
} from "./analyzer";
import { tagScoped } from "./conditions";
import { escalations } from "./escalation";
import { iamNoPrivilegeEscalationCombined } from "./principal-permissions";
import { iamTrustCrossAccountExternalId, iamTrustNoWildcardPrincipal, iamTrustWebIdentityConditions } from "./trust";

export { iamTrustCrossAccountExternalId, iamTrustNoWildcardPrincipal, iamTrustWebIdentityConditions };

/** Allow statements of every identity document on the resource (Deny statements only narrow access). */
function allowStatements(type: string, props: Props): Statement[] {
    return identityDocuments(type, props).flatMap((d) => whenKnown(() => parseDocument(d.document)) ?? []).filter((s) => s.effect === "Allow");
}

function identityPolicy(meta: PolicyMeta, check: (statements: Statement[], props: Props) => Promise<Finding[]> | Finding[]) {
    return resourcePolicy(meta, IDENTITY_POLICY_TYPES, (props, args) => check(allowStatements(args.type, props), props));
}

export const iamNoFullAdmin = identityPolicy(
    {
        name: "iam-no-full-admin",
        family: "iam",
        description: 'No IAM policy allows every action ("*").',
        severity: "critical",
        enforcementLevel: "mandatory",
        remediationSteps: "List the actions the principal calls, on the resources it calls them on (the lab's grant helpers compute them).",
        refs: { cisAws: "1.16", checkov: ["CKV_AWS_1", "CKV_AWS_62", "CKV_AWS_63", "CKV_AWS_49"], cdkNag: ["AwsSolutions-IAM5", "IAMPolicyNoStatementsWithAdminAccess"] },
    },
    (statements) => statements.filter((s) => s.actions.some(isFullAdmin)).map((s) => ({ finding: "Action::*", message: `${s.label} allows every action on ${s.resources.join(", ") || "?"}` })),
);

export const iamNoServiceWildcard = identityPolicy(
    {
        name: "iam-no-service-wildcard",
        family: "iam",
        description: "No IAM policy allows every action of a service (s3:*, iam:*).",
        severity: "high",
        enforcementLevel: "mandatory",
        remediationSteps: "Replace service:* by the actions the code calls; read-only wildcards such as cloudwatch:Describe* are fine.",
        refs: { checkov: ["CKV2_AWS_40"], cdkNag: ["AwsSolutions-IAM5", "IAMPolicyNoStatementsWithFullAccess"] },
    },
    (statements) =>
        statements.flatMap((s) => s.actions.filter(isServiceWildcard).map((a) => ({ finding: `Action::${a}`, message: `${s.label} allows ${a} on ${s.resources.join(", ") || "?"}` }))),
);

export const iamNoPassRoleWildcard = identityPolicy(
    {
        name: "iam-no-passrole-wildcard",
        family: "iam",
        description: "iam:PassRole is limited to named roles, never Resource *.",
        severity: "high",
        enforcementLevel: "mandatory",
        remediationSteps: "Set Resource to the ARNs of the roles the principal may pass, and add an iam:PassedToService condition.",
        refs: { checkov: ["CKV_AWS_355", "CKV_AWS_286"], cdkNag: ["AwsSolutions-IAM5"] },
    },
    async (statements) => {
        const findings: Finding[] = [];
        for (const s of statements.filter(onAnyResource)) {
            const granted = (await Promise.all(s.actions.filter((a) => !isFullAdmin(a)).map(expand))).flat();
            if (granted.some((a) => a.toLowerCase() === "iam:passrole")) findings.push({ finding: "Action::iam:PassRole", message: `${s.label} allows iam:PassRole on any role` });
        }
        return findings;
    },
);

export const iamNoWildcardWrite = identityPolicy(
    {
        name: "iam-no-wildcard-write",
        family: "iam",
        description: "Write and permissions-management actions that can be scoped to a resource are not granted on Resource *.",
        severity: "high",
        enforcementLevel: "mandatory",
        remediationSteps: "Scope the statement's Resource to the ARNs the action changes (its own bucket, key, role...). Read-only actions on * are fine.",
        refs: { checkov: ["CKV_AWS_290", "CKV_AWS_289", "CKV_AWS_111", "CKV_AWS_109"], cdkNag: ["AwsSolutions-IAM5"] },
    },
    (statements) => wildcardWrites(statements, "mandatory"),
);

/**
 * Scopable write actions granted on any resource, each once per statement. A statement limited by
 * resource tags (tag-based access control) is "advisory" material, except for IAM's own actions:
 * tags never make writes to IAM on `*` acceptable, since whoever can write IAM can change the tags.
 */
async function wildcardWrites(statements: Statement[], want: "mandatory" | "advisory"): Promise<Finding[]> {
    const findings: Finding[] = [];
    for (const s of statements.filter(onAnyResource)) {
        const tags = tagScoped(s);
        // `*` and `service:*` are findings of their own policies; here, the named and partly-wildcarded actions.
        const patterns = s.actions.filter((a) => !isFullAdmin(a) && !isServiceWildcard(a));
        const seen = new Set<string>();
        for (const action of (await Promise.all(patterns.map(expand))).flat()) {
            const info = await classify(action);
            // iam:PassRole on * is iam-no-passrole-wildcard's finding.
            if (isReadOnly(info) || !info.scopable || seen.has(info.action) || info.action === "iam:PassRole") continue;
            const lowered = tags !== undefined && !info.action.startsWith("iam:");
            if ((want === "advisory") !== lowered) continue;
            seen.add(info.action);
            const level = info.level === "Unknown" ? "an action IAM's reference data does not know" : `a ${info.level.toLowerCase()} action`;
            findings.push({ finding: `Action::${info.action}`, message: `${s.label} allows ${info.action} (${level}) on any resource${lowered ? ` whose tags match (${tags})` : ""}` });
        }
    }
    return findings;
}

export const iamWildcardWriteTagScoped = identityPolicy(
    {
        name: "iam-wildcard-write-tag-scoped",
        family: "iam",
        description: "Write actions on Resource * that only tag conditions (aws:ResourceTag) limit are reported for review.",
        severity: "medium",
        enforcementLevel: "advisory",
        remediationSteps: "Prefer the ARNs the action changes; if tags must decide, make sure the principal cannot set those tags itself (deny aws:TagKeys on tag and create actions).",
        refs: { checkov: ["CKV_AWS_290"], cloudsplaining: ["InfrastructureModification"] },
    },
    (statements) => wildcardWrites(statements, "advisory"),
);

export const iamNoPrivilegeEscalation = identityPolicy(
    {
        name: "iam-no-privilege-escalation",
        family: "iam",
        description: "No IAM policy grants a known privilege-escalation method (iam:Put*Policy, iam:CreateAccessKey, iam:PassRole with a compute create...) on resources it does not name one by one.",
        severity: "critical",
        enforcementLevel: "mandatory",
        remediationSteps: "Remove the permission, or name the exact user, role, policy or function it applies to; never ${aws:username}, a prefix wildcard or *.",
        refs: { checkov: ["CKV_AWS_286", "CKV_AWS_110"], kics: ["user_with_privilege_escalation_by_actions_iam_PutUserPolicy"], cloudsplaining: ["PrivilegeEscalation"] },
    },
    async (statements) =>
        (await escalations(statements)).map((e) => ({
            finding: `Method::${e.method.name}`,
            message: `${e.statements.join(" and ")} grant${e.statements.length > 1 ? "" : "s"} ${e.method.actions.join(" + ")} on resources chosen by pattern: the ${e.method.name} privilege escalation`,
        })),
);

export const iamNoNotAction = identityPolicy(
    {
        name: "iam-no-not-action",
        family: "iam",
        description: "No Allow statement uses NotAction or NotResource (they grant everything not listed).",
        severity: "high",
        enforcementLevel: "mandatory",
        remediationSteps: "List what is allowed (Action, Resource) instead of what is not.",
    },
    (statements) =>
        statements.flatMap((s) => [
            ...(s.notActions.length ? [{ finding: `Statement::${s.label}::NotAction`, message: `${s.label} allows every action except ${s.notActions.join(", ")}` }] : []),
            ...(s.notResources.length ? [{ finding: `Statement::${s.label}::NotResource`, message: `${s.label} allows its actions on every resource except ${s.notResources.join(", ")}` }] : []),
        ]),
);

const ADMIN_MANAGED = ["AdministratorAccess", "PowerUserAccess", "IAMFullAccess"];

export const iamNoAdminManagedPolicies = resourcePolicy(
    {
        name: "iam-no-admin-managed-policies",
        family: "iam",
        description: "The AWS managed AdministratorAccess, PowerUserAccess and IAMFullAccess policies are never attached.",
        severity: "critical",
        enforcementLevel: "mandatory",
        remediationSteps: "Attach a customer policy with the actions the principal needs instead.",
        refs: { cisAws: "1.16", checkov: ["CKV_AWS_274", "CKV_AWS_275"], cdkNag: ["AwsSolutions-IAM4"] },
    },
    [
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "aws:iam/userPolicyAttachment:UserPolicyAttachment",
        "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
        "aws:iam/policyAttachment:PolicyAttachment",
        "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
        "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive",
        "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive",
        "aws:iam/role:Role",
    ],
    (props) => {
        const arns = [...knownStrings(() => props.policyArn), ...knownStrings(() => props.managedPolicyArns), ...knownStrings(() => props.policyArns)];
        return arns
            .filter((arn) => ADMIN_MANAGED.some((name) => new RegExp(`^arn:aws[a-z-]*:iam::aws:policy/(.*/)?${name}$`).test(arn)))
            .map((arn) => ({ finding: `Policy::${arn.split("/").pop() ?? arn}`, message: `attaches ${arn}` }));
    },
);

export const IAM_POLICIES = [iamNoFullAdmin, iamNoServiceWildcard, iamNoPassRoleWildcard, iamNoWildcardWrite, iamWildcardWriteTagScoped, iamNoPrivilegeEscalation, iamNoPrivilegeEscalationCombined, iamNoNotAction, iamNoAdminManagedPolicies, iamTrustNoWildcardPrincipal, iamTrustWebIdentityConditions, iamTrustCrossAccountExternalId];
