// `labs plan` for people: the resource tree by parent (as `pulumi preview` draws it), counts
// by type, and the stack outputs with secrets shown as [secret].
import { dump } from "js-yaml";
import { type Plan, type PlannedResource, childrenOf } from "../engine/plan";
import { type WireObject, mask } from "../engine/wire";

export function renderPlan(plan: Plan, roots: PlannedResource[], outputs: WireObject): string {
    const rows: Array<[prefix: string, type: string, name: string]> = [];
    const walk = (r: PlannedResource, lead: string, last: boolean, top: boolean) => {
        rows.push([top ? "" : `${lead}${last ? "└─ " : "├─ "}`, r.type, r.name]);
        // Resources before components, each in registration order: a lab reads top-down.
        const kids = [...childrenOf(plan, r.urn).filter((k) => k.custom), ...childrenOf(plan, r.urn).filter((k) => !k.custom)];
        kids.forEach((k, i) => walk(k, top ? "" : `${lead}${last ? "   " : "│  "}`, i === kids.length - 1, false));
    };
    roots.forEach((r) => walk(r, "", true, true));
    const typeWidth = Math.max(...rows.map(([p, t]) => p.length + t.length), 4);

    const lines: string[] = [];
    lines.push(`Plan for stack '${plan.stack}' of project '${plan.project}' (offline: nothing is created, no cloud is called)`);
    lines.push("");
    lines.push(`     ${"Type".padEnd(typeWidth)}  Name`);
    for (const [prefix, type, name] of rows) lines.push(` +   ${(prefix + type).padEnd(typeWidth)}  ${name}`);

    const counted = countByType(roots.flatMap((r) => [r, ...descendants(plan, r)]).filter((r) => r.type !== "pulumi:pulumi:Stack"));
    const total = counted.reduce((n, [, c]) => n + c, 0);
    lines.push("");
    lines.push(`Resources: ${total} to create`);
    for (const [type, count] of counted) lines.push(`  ${String(count).padStart(4)}  ${type}`);

    lines.push("");
    if (Object.keys(outputs).length === 0) {
        lines.push("Outputs: none");
    } else {
        lines.push("Outputs:");
        lines.push(indent(dump(mask(outputs), { lineWidth: -1, noRefs: true }).trimEnd(), 4));
    }
    return lines.join("\n");
}

export function descendants(plan: Plan, r: PlannedResource): PlannedResource[] {
    return childrenOf(plan, r.urn).flatMap((c) => [c, ...descendants(plan, c)]);
}

function countByType(resources: PlannedResource[]): Array<[string, number]> {
    const counts = new Map<string, number>();
    for (const r of resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

function indent(text: string, n: number): string {
    return text
        .split("\n")
        .map((l) => " ".repeat(n) + l)
        .join("\n");
}
