// `labs policies`: the pack's policies with their metadata, as the pack itself reports them.
import { type PolicyDescription, PolicyHost } from "../engine/analyzer";
import { DEFAULT_PACK } from "./check";

export interface PoliciesOptions {
    policyPack?: string;
    json?: boolean;
    markdown?: boolean;
}

export async function policiesCommand(options: PoliciesOptions, write: (text: string) => void): Promise<number> {
    const host = await PolicyHost.start(options.policyPack ?? DEFAULT_PACK);
    try {
        write(options.json ? JSON.stringify(host.policies, null, 2) : options.markdown ? policiesMarkdown(host.policies) : policiesText(host.policies));
        return 0;
    } finally {
        host.close();
    }
}

function refs(p: PolicyDescription): string {
    const cis = p.framework ? [`CIS ${p.framework.name.includes("Azure") ? "Azure" : "AWS"} ${p.framework.reference}${p.framework.version === "3.0.0" ? "" : ` (v${p.framework.version})`}`] : [];
    // Checkov and cdk-nag ids speak for themselves; the other tools' names are prefixed with the tool.
    const tools = p.tags
        .filter((t) => /^(checkov|cdk-nag|cis-aws|kics|awsguard|cloudsplaining):/.test(t))
        .map((t) => t.replace(/^cis-aws:/, "CIS AWS ").replace(/^(checkov|cdk-nag):/, "").replace(/^kics:/, "KICS ").replace(/^awsguard:/, "awsguard ").replace(/^cloudsplaining:/, "cloudsplaining "));
    return [...cis, ...tools].join(", ") || "-";
}

function family(p: PolicyDescription): string {
    return p.tags.find((t) => t.startsWith("family:"))?.slice("family:".length) ?? "";
}

/** The table README.md shows (a test keeps the two the same). */
export function policiesMarkdown(policies: PolicyDescription[]): string {
    const rows = policies.map((p) => `| \`${p.name}\` | ${family(p)} | ${p.enforcementLevel} | ${p.severity} | ${p.description} | ${refs(p)} |`);
    return ["| policy | family | default | severity | what it checks | same as |", "|---|---|---|---|---|---|", ...rows].join("\n");
}

function policiesText(policies: PolicyDescription[]): string {
    return policies.map((p) => `${p.name}  [${p.enforcementLevel}, ${p.severity}]\n  ${p.description}\n  fix: ${p.remediationSteps}\n  same as: ${refs(p)}`).join("\n\n");
}
