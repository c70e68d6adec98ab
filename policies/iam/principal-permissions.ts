// What one principal may do, across every document that reaches it: a role's inline policies,
// the RolePolicy resources written for it and the customer policies attached to it (users and
// groups alike). Privilege-escalation methods are often split across documents (iam:PassRole in
// one, ec2:RunInstances in another), which no single document shows.
import type { PolicyResource } from "@pulumi/policy";
import { type Finding, stackPolicy } from "../lib/policy";
import { asString, knownStrings, whenKnown } from "../lib/values";
import { type Statement, identityDocuments, parseDocument } from "./analyzer";
import { escalations } from "./escalation";

interface PrincipalKind {
    type: string;
    /** The input of inline policies and attachments that names the principal. */
    key: "role" | "user" | "group";
    /** The principal's own name input. */
    nameProperty: string;
    inline: string;
    attachment: string;
}

const KINDS: PrincipalKind[] = [
    { type: "aws:iam/role:Role", key: "role", nameProperty: "name", inline: "aws:iam/rolePolicy:RolePolicy", attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment" },
    { type: "aws:iam/user:User", key: "user", nameProperty: "name", inline: "aws:iam/userPolicy:UserPolicy", attachment: "aws:iam/userPolicyAttachment:UserPolicyAttachment" },
    { type: "aws:iam/group:Group", key: "group", nameProperty: "name", inline: "aws:iam/groupPolicy:GroupPolicy", attachment: "aws:iam/groupPolicyAttachment:GroupPolicyAttachment" },
];

/** Whether `r` names the principal in its `key` input: by dependency on it, or by its name. */
function names(r: PolicyResource, key: string, principal: PolicyResource, name: string | undefined): boolean {
    if ((r.propertyDependencies?.[key] ?? []).some((d) => d.urn === principal.urn)) return true;
    const value = whenKnown(() => asString(r.props[key]));
    return name !== undefined && value !== undefined && (value === name || value.endsWith(`/${name}`));
}

function statementsOf(r: PolicyResource): Statement[] {
    return identityDocuments(r.type, r.props).flatMap((d) => whenKnown(() => parseDocument(d.document)) ?? []).filter((s) => s.effect === "Allow");
}

/** The documents that reach a principal, each with the resource that holds it. */
export function documentsReaching(principal: PolicyResource, kind: PrincipalKind, resources: PolicyResource[]): Array<{ holder: PolicyResource; statements: Statement[] }> {
    const name = whenKnown(() => asString(principal.props[kind.nameProperty]));
    const inline = resources.filter((r) => r.type === kind.inline && names(r, kind.key, principal, name));
    const policiesNamed = (from: PolicyResource, key: string, arns: string[]) =>
        resources.filter((p) => p.type === "aws:iam/policy:Policy" && ((from.propertyDependencies?.[key] ?? []).some((d) => d.urn === p.urn) || arns.includes(String(whenKnown(() => p.props.arn)))));
    const attached = resources.filter((r) => r.type === kind.attachment && names(r, kind.key, principal, name)).flatMap((a) => policiesNamed(a, "policyArn", knownStrings(() => a.props.policyArn)));
    // A role may also list customer policies itself (managedPolicyArns).
    const listed = kind.key === "role" ? policiesNamed(principal, "managedPolicyArns", knownStrings(() => principal.props.managedPolicyArns)) : [];
    return [principal, ...inline, ...new Set([...attached, ...listed])].map((holder) => ({ holder, statements: statementsOf(holder) })).filter((d) => d.statements.length > 0);
}

export const iamNoPrivilegeEscalationCombined = stackPolicy(
    {
        name: "iam-no-privilege-escalation-combined",
        family: "iam",
        description: "No role, user or group completes a privilege-escalation method across the documents that reach it (inline policies, RolePolicy resources, attached customer policies).",
        severity: "critical",
        enforcementLevel: "mandatory",
        remediationSteps: "Remove one of the method's permissions from the principal, or name the exact roles and resources in them; the message lists the documents that together complete the method.",
        refs: { checkov: ["CKV_AWS_286"], cloudsplaining: ["PrivilegeEscalation"] },
    },
    async (resources) => {
        const findings: Finding[] = [];
        for (const kind of KINDS) {
            for (const principal of resources.filter((r) => r.type === kind.type)) {
                const documents = documentsReaching(principal, kind, resources);
                if (documents.length < 2) continue;
                // Methods one document completes alone are that document's finding (iam-no-privilege-escalation).
                const alone = new Set((await Promise.all(documents.map((d) => escalations(d.statements)))).flat().map((e) => e.method.name));
                for (const e of await escalations(documents.flatMap((d) => d.statements))) {
                    if (alone.has(e.method.name)) continue;
                    findings.push({
                        finding: `Method::${e.method.name}`,
                        message: `${documents.map((d) => d.holder.name).join(", ")} together grant ${e.method.actions.join(" + ")} on resources chosen by pattern: the ${e.method.name} privilege escalation`,
                        resource: { urn: principal.urn, name: principal.name },
                    });
                }
            }
        }
        return findings;
    },
);
