// Lab hygiene (advisory by default): every lab resource says whose it is and until when, and
// no Windows VM runs all night by accident.
import * as fs from "node:fs";
import * as path from "node:path";
import type { PolicyResource } from "@pulumi/policy";
import { resourcePolicy, stackPolicy } from "../lib/policy";
import { asObject, asString, whenKnown } from "../lib/values";

export const REQUIRED_TAGS = ["lab", "owner", "expires"];

const taggable = new Map<string, boolean>();

/** Whether a resource type takes tags, read from its SDK's type declarations (its `<Name>Args` has `tags`). */
export function takesTags(type: string): boolean {
    let known = taggable.get(type);
    if (known === undefined) {
        known = false;
        const [pkg, module = "", name = ""] = type.split(":");
        if (pkg === "azure-native" || pkg === "aws") {
            const [dir, file = name.charAt(0).toLowerCase() + name.slice(1)] = module.split("/");
            try {
                const root = path.dirname(require.resolve(`@pulumi/${pkg}/package.json`));
                const text = fs.readFileSync(path.join(root, dir, `${file}.d.ts`), "utf8");
                const args = text.slice(text.indexOf(`export interface ${name}Args {`));
                known = /\n {4}tags\?:/.test(args.slice(0, args.indexOf("\n}")));
            } catch {
                known = false;
            }
        }
        taggable.set(type, known);
    }
    return known;
}

/** Tags as a map, or as the list some resources take (`[{name, value}]`, e.g. saved searches). */
function tagMap(tags: unknown): Record<string, unknown> {
    if (!Array.isArray(tags)) return asObject(tags) ?? {};
    return Object.fromEntries(tags.map((t) => asObject(t) ?? {}).map((t) => [String(t.name ?? t.key ?? ""), t.value]));
}

/** An AWS provider's defaultTags.tags; providers carry object-valued settings as JSON text. */
function providerDefaultTags(defaultTags: unknown): Record<string, unknown> {
    let value = defaultTags;
    if (typeof value === "string") {
        try {
            value = JSON.parse(value);
        } catch {
            return {};
        }
    }
    return asObject(asObject(value)?.tags) ?? {};
}

export const labsRequiredTags = resourcePolicy(
    {
        name: "labs-required-tags",
        family: "hygiene",
        description: "Every taggable resource carries the lab, owner and expires tags.",
        severity: "low",
        enforcementLevel: "advisory",
        remediationSteps: "Pass the lab's tags (lib/common.ts labTags) to the resource; for AWS set them once as the provider's defaultTags.",
    },
    takesTags,
    (props, args) => {
        const tags = { ...providerDefaultTags(whenKnown(() => args.provider?.props.defaultTags)), ...tagMap(whenKnown(() => props.tags)) };
        const missing = REQUIRED_TAGS.filter((t) => !asString(tags[t]));
        return missing.length ? [{ finding: `Tags::${missing.join(",")}`, message: `has no ${missing.join(", ")} tag${missing.length > 1 ? "s" : ""}` }] : [];
    },
);

function isWindows(vm: PolicyResource): boolean {
    const windowsConfig = whenKnown(() => asObject(vm.props.osProfile)?.windowsConfiguration);
    const publisher = whenKnown(() => asString(asObject(asObject(vm.props.storageProfile)?.imageReference)?.publisher)) ?? "";
    return windowsConfig !== undefined || /windows/i.test(publisher);
}

export const labsVmAutoShutdown = stackPolicy(
    {
        name: "labs-vm-auto-shutdown",
        family: "hygiene",
        description: "Every Windows VM has an enabled auto-shutdown schedule.",
        severity: "low",
        enforcementLevel: "advisory",
        remediationSteps: "Add a devtestlab GlobalSchedule named shutdown-computevm-<vm> with taskType ComputeVmShutdownTask (lib/windows-vm.ts WindowsVm does).",
    },
    (resources) => {
        const all = resources.filter((r) => r.type === "azure-native:devtestlab:GlobalSchedule");
        const targets = (s: PolicyResource, vm: PolicyResource) => {
            const vmName = whenKnown(() => asString(vm.props.vmName));
            return (s.propertyDependencies?.targetResourceId ?? []).some((d) => d.urn === vm.urn) || (vmName !== undefined && whenKnown(() => s.props.name) === `shutdown-computevm-${vmName}`);
        };
        return resources
            .filter((r) => r.type === "azure-native:compute:VirtualMachine" && isWindows(r))
            .flatMap((vm) => {
                const own = all.filter((s) => targets(s, vm));
                if (own.some((s) => whenKnown(() => s.props.status) !== "Disabled")) return [];
                // A schedule that exists but is disabled holds the defect: report it there.
                const disabled = own[0];
                return disabled
                    ? [{ finding: "Schedule::status", message: `the auto-shutdown schedule of VM ${vm.name} is Disabled`, resource: { urn: disabled.urn, name: disabled.name } }]
                    : [{ finding: "Schedule::auto-shutdown", message: `VM ${vm.name} has no enabled auto-shutdown schedule`, resource: { urn: vm.urn, name: vm.name } }];
            });
    },
);

export const HYGIENE_POLICIES = [labsRequiredTags, labsVmAutoShutdown];
