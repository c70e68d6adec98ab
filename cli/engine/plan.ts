// The result of an offline evaluation: every resource `pulumi up` would create, in the
// order the program registered them, with what the engine knows about each.
import type { WireObject } from "./wire";

export interface ResourceOptions {
    protect?: boolean;
    deleteBeforeReplace?: boolean;
    retainOnDelete?: boolean;
    ignoreChanges?: string[];
    replaceOnChanges?: string[];
    additionalSecretOutputs?: string[];
    deletedWith?: string;
    /** The program's own aliases (URNs, or specs as `name=... type=...`); provider type aliases are left out. */
    aliases?: string[];
    customTimeouts?: { create?: string; update?: string; delete?: string };
}

export interface PlannedResource {
    urn: string;
    type: string;
    /** Logical (Pulumi) name. */
    name: string;
    /** False for component resources. */
    custom: boolean;
    parent?: string;
    /** Provider reference (`<urn>::<id>`) when the resource names an explicit provider. */
    provider?: string;
    /** Physical id as the cloud simulator assigned it (custom resources only). */
    id?: string;
    /** Inputs in wire form: secrets are `{<sig>: <secret sig>, value}` objects. */
    inputs: WireObject;
    /** Inputs plus what the cloud computes, in wire form. */
    outputs: WireObject;
    /** URNs this resource depends on (explicit `dependsOn` and every resource its inputs came from). */
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    options: ResourceOptions;
}

export interface Plan {
    project: string;
    stack: string;
    resources: PlannedResource[];
    /** Stack outputs in wire form. */
    outputs: WireObject;
    /** The configuration the program ran with (values of secret keys replaced by `[secret]`). */
    config: Record<string, string>;
    /** `@pulumi/...` modules the program imported (for the benchmark's baseline). */
    sdkModules: string[];
}

/** Everything except the root stack resource. */
export function planResources(plan: Plan): PlannedResource[] {
    return plan.resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
}

export function childrenOf(plan: Plan, urn: string | undefined): PlannedResource[] {
    return plan.resources.filter((r) => r.parent === urn);
}

/** The resource and everything under it. */
export function subtree(plan: Plan, urn: string): PlannedResource[] {
    const result: PlannedResource[] = [];
    const walk = (u: string) => {
        const r = plan.resources.find((x) => x.urn === u);
        if (!r) return;
        result.push(r);
        for (const child of childrenOf(plan, u)) walk(child.urn);
    };
    walk(urn);
    return result;
}
