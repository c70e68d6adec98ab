// `labs plan --json`: the document `pulumi preview --json` prints (Pulumi's PreviewDigest),
// so tools that read previews read plans too. Secrets appear as "[secret]", as there.
import type { Plan, PlannedResource } from "../engine/plan";
import { type Wire, type WireObject, mask } from "../engine/wire";

export interface PreviewStep {
    op: "create";
    urn: string;
    provider?: string;
    newState: {
        urn: string;
        custom: boolean;
        delete: boolean;
        id: string;
        type: string;
        inputs: Wire;
        outputs: Wire;
        parent?: string;
        protect: boolean;
        provider?: string;
        dependencies?: string[];
        propertyDependencies?: Record<string, string[]>;
        customTimeouts?: { create?: number; update?: number; delete?: number };
        ignoreChanges?: string[];
        additionalSecretOutputs?: string[];
    };
}

export interface PreviewDigest {
    config: Record<string, string>;
    steps: PreviewStep[];
    diagnostics: Array<{ message: string; severity: string }>;
    changeSummary: { create: number };
    /** Not in Pulumi's digest: the stack outputs `pulumi up` would produce, masked. */
    outputs: Wire;
}

export function toPreviewDigest(plan: Plan, resources: PlannedResource[], outputs: WireObject): PreviewDigest {
    const steps = resources.map((r): PreviewStep => ({
        op: "create",
        urn: r.urn,
        provider: r.provider,
        newState: {
            urn: r.urn,
            custom: r.custom,
            delete: false,
            id: "",
            type: r.type,
            inputs: mask(r.inputs),
            outputs: r.type === "pulumi:pulumi:Stack" ? mask(outputs) : mask(r.outputs),
            parent: r.parent,
            protect: r.options.protect ?? false,
            provider: r.provider,
            dependencies: r.dependencies.length ? r.dependencies : undefined,
            propertyDependencies: Object.keys(r.propertyDependencies).length ? r.propertyDependencies : undefined,
            customTimeouts: r.options.customTimeouts ? toSeconds(r.options.customTimeouts) : undefined,
            ignoreChanges: r.options.ignoreChanges,
            additionalSecretOutputs: r.options.additionalSecretOutputs,
        },
    }));
    return { config: plan.config, steps, diagnostics: [], changeSummary: { create: steps.length }, outputs: mask(outputs) };
}

// Pulumi state records custom timeouts in seconds; programs give Go durations ("90m").
function toSeconds(t: { create?: string; update?: string; delete?: string }): { create?: number; update?: number; delete?: number } {
    const parse = (d?: string) => {
        if (!d) return undefined;
        let total = 0;
        for (const [, n, unit] of d.matchAll(/(\d+(?:\.\d+)?)(h|m|s)/g)) total += Number(n) * (unit === "h" ? 3600 : unit === "m" ? 60 : 1);
        return total;
    };
    return { create: parse(t.create), update: parse(t.update), delete: parse(t.delete) };
}
