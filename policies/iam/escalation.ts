// Privilege escalation: permissions that let a principal give itself (or a principal it controls)
// more than it was given. The sets are the public privilege-escalation methods first catalogued by
// Rhino Security Labs ("AWS IAM Privilege Escalation – Methods and Mitigation") and kept by
// cloudsplaining (its `privilege_escalation` method table) and Pacu's iam__privesc_scan; the
// encoding below is ours.
//
// An action of a method counts when a statement grants it on a resource pattern that can match
// resources nobody chose one by one: `*`, `user/*`, `function:lab-*`, or a policy variable such as
// `user/${aws:username}` (every caller's own user, which is exactly who must not be able to do it).
// A fixed ARN is a decision someone made about one resource, judged by review, not here.
import { type Statement, expand, isFullAdmin, matchesOpenSet, onAnyResource } from "./analyzer";

export interface EscalationMethod {
    /** The method's name in the public lists, e.g. `CreateNewPolicyVersion`. */
    name: string;
    /** Every action the method needs, as AWS spells it (iam:PassRole and sts:AssumeRole on any role). */
    actions: string[];
}

export const ESCALATION_METHODS: EscalationMethod[] = [
    { name: "CreateNewPolicyVersion", actions: ["iam:CreatePolicyVersion"] },
    { name: "SetExistingDefaultPolicyVersion", actions: ["iam:SetDefaultPolicyVersion"] },
    { name: "CreateAccessKey", actions: ["iam:CreateAccessKey"] },
    { name: "CreateLoginProfile", actions: ["iam:CreateLoginProfile"] },
    { name: "UpdateLoginProfile", actions: ["iam:UpdateLoginProfile"] },
    { name: "AttachUserPolicy", actions: ["iam:AttachUserPolicy"] },
    { name: "AttachGroupPolicy", actions: ["iam:AttachGroupPolicy"] },
    { name: "AttachRolePolicy", actions: ["iam:AttachRolePolicy"] },
    { name: "PutUserPolicy", actions: ["iam:PutUserPolicy"] },
    { name: "PutGroupPolicy", actions: ["iam:PutGroupPolicy"] },
    { name: "PutRolePolicy", actions: ["iam:PutRolePolicy"] },
    { name: "AddUserToGroup", actions: ["iam:AddUserToGroup"] },
    { name: "UpdateRolePolicyToAssumeIt", actions: ["iam:UpdateAssumeRolePolicy"] },
    { name: "UpdateExistingGlueDevEndpoint", actions: ["glue:UpdateDevEndpoint"] },
    { name: "EditExistingLambdaFunctionWithRole", actions: ["lambda:UpdateFunctionCode"] },
    { name: "CreateEC2WithExistingIP", actions: ["iam:PassRole", "ec2:RunInstances"] },
    { name: "PassExistingRoleToNewLambdaThenInvoke", actions: ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"] },
    { name: "PassExistingRoleToNewLambdaThenTriggerWithExistingDynamo", actions: ["iam:PassRole", "lambda:CreateFunction", "lambda:CreateEventSourceMapping"] },
    { name: "PassExistingRoleToNewGlueDevEndpoint", actions: ["iam:PassRole", "glue:CreateDevEndpoint"] },
    { name: "PassExistingRoleToCloudFormation", actions: ["iam:PassRole", "cloudformation:CreateStack"] },
    { name: "PassExistingRoleToNewDataPipeline", actions: ["iam:PassRole", "datapipeline:CreatePipeline"] },
    { name: "PassExistingRoleToNewCodeStarProject", actions: ["iam:PassRole", "codestar:CreateProject"] },
    { name: "PassExistingRoleToNewCodeBuildProject", actions: ["iam:PassRole", "codebuild:CreateProject"] },
    { name: "PassExistingRoleToNewSageMakerNotebook", actions: ["iam:PassRole", "sagemaker:CreateNotebookInstance"] },
    { name: "AssumeAnyRole", actions: ["sts:AssumeRole"] },
];

/** iam:PassRole and sts:AssumeRole act on roles: a method needs them on any role, not on one prefix. */
const ROLE_ACTIONS = ["iam:passrole", "sts:assumerole"];

/**
 * The actions the statements grant on an open set of resources (lower case), each with the
 * statement that grants it. `*` and `service:*` count: `iam:*` on `user/${aws:username}` escalates.
 */
async function openGrants(statements: Statement[]): Promise<Map<string, Statement>> {
    const granted = new Map<string, Statement>();
    for (const s of statements) {
        if (s.effect !== "Allow") continue;
        const open = s.resources.some(matchesOpenSet);
        const anyRole = onAnyResource(s);
        if (!open) continue;
        for (const pattern of s.actions) {
            const actions = isFullAdmin(pattern) ? ["*"] : await expand(pattern);
            for (const a of actions) {
                const key = a.toLowerCase();
                if (ROLE_ACTIONS.includes(key) && !anyRole) continue;
                if (!granted.has(key)) granted.set(key, s);
            }
        }
    }
    return granted;
}

export interface Escalation {
    method: EscalationMethod;
    /** The statements that grant the method's actions, labelled. */
    statements: string[];
}

/**
 * The escalation methods a set of Allow statements (one principal's documents) completes. A
 * service wildcard reaches the method's actions through expansion; `*` alone is left to
 * iam-no-full-admin, which already refuses it.
 */
export async function escalations(statements: Statement[]): Promise<Escalation[]> {
    const granted = await openGrants(statements);
    granted.delete("*");
    return ESCALATION_METHODS.flatMap((method) => {
        const by = method.actions.map((a) => granted.get(a.toLowerCase()));
        if (by.some((s) => s === undefined)) return [];
        return [{ method, statements: [...new Set(by.map((s) => (s as Statement).label))] }];
    });
}
