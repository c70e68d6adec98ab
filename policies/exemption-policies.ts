// The exemptions themselves, checked and reported like everything else.
import { exemptions } from "./lib/exemptions";
import { registry, stackPolicy } from "./lib/policy";

export const exemptionsValid = stackPolicy(
    {
        name: "exemptions-valid",
        family: "exemptions",
        description: "Every exemption names a policy of this pack and one resource, gives a reason of 20 characters or more, and an expiry date at most a year ahead.",
        severity: "medium",
        enforcementLevel: "mandatory",
        remediationSteps: "Fix the entry in policies/exemptions.yaml: policy, resource (URN or name glob), optional finding, reason, expires (YYYY-MM-DD).",
    },
    () => {
        const names = new Set(registry.map((p) => p.name));
        return [
            ...exemptions.problems.map((p) => ({ finding: `Exemption::${p.source}`, message: p.message })),
            ...exemptions.entries.filter((e) => !names.has(e.policy)).map((e) => ({ finding: `Exemption::${e.source}`, message: `exemption names policy '${e.policy}', which this pack does not have` })),
            ...exemptions.tooWide().map(({ exemption: e, urns }) => ({
                finding: `Exemption::${e.source}`,
                message: `exemption ${e.policy} on '${e.resource}' exempts ${urns.length} resources (${urns.join(", ")}); an exemption covers one resource, write one per resource`,
            })),
        ];
    },
);

export const exemptionsApplied = stackPolicy(
    {
        name: "exemptions-applied",
        family: "exemptions",
        description: "Reports every exemption applied in this run, with its reason and expiry.",
        severity: "low",
        enforcementLevel: "advisory",
        remediationSteps: "Nothing to do until the exemption expires; then fix the finding or renew the exemption with a reason.",
    },
    () =>
        exemptions.takeApplied().map((a) => ({
            finding: `Exemption::${a.exemption.policy}${a.finding ? `[${a.finding}]` : ""}`,
            message: `${a.exemption.policy}${a.finding ? `[${a.finding}]` : ""} is exempted until ${a.exemption.expires}: ${a.exemption.reason} (${a.exemption.source})`,
            resource: { urn: a.urn, name: a.name },
        })),
);

/** Last in the pack, after every other policy has run: they report on what those did. */
export const EXEMPTION_POLICIES = [exemptionsValid, exemptionsApplied];
