// The resource monitor a program talks to during an offline evaluation. It answers the
// same gRPC-shaped calls as the Pulumi engine (in process, no network), asks the cloud
// simulator for ids and computed outputs, and records every registration with what the
// engine would know about it: parent, dependencies, options and inputs in wire form.
import { createRequire } from "node:module";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
import { CloudSimulator, type Props } from "./mocks";
import type { PlannedResource } from "./plan";
import { type Wire, type WireObject, isSecret, reveal, secret, toWire } from "./wire";

// The Struct class the SDK itself uses (google-protobuf is the SDK's dependency, not ours).
const { Struct } = createRequire(require.resolve("@pulumi/pulumi"))(
    "google-protobuf/google/protobuf/struct_pb",
) as typeof import("google-protobuf/google/protobuf/struct_pb");

type Callback = (err: Error | null, response?: unknown) => void;

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";
/**
 * What this monitor serves, by the SDK's feature ids (SupportsFeature) and their enum values
 * (GetDeploymentInfo, which SDKs from 3.27x ask first). Output values are off, as in Pulumi's own
 * mock monitor, so inputs arrive resolved; transforms and hooks need callbacks this monitor does
 * not serve, and saying no makes the SDK explain.
 */
const FEATURES = resproto.ResourceMonitorFeature;
const SUPPORTED_FEATURES: Record<string, number> = {
    secrets: FEATURES.RESOURCE_MONITOR_FEATURE_SECRETS,
    resourceReferences: FEATURES.RESOURCE_MONITOR_FEATURE_RESOURCE_REFERENCES,
    aliasSpecs: FEATURES.RESOURCE_MONITOR_FEATURE_ALIAS_SPECS,
    deletedWith: FEATURES.RESOURCE_MONITOR_FEATURE_DELETED_WITH,
    replaceWith: FEATURES.RESOURCE_MONITOR_FEATURE_REPLACE_WITH,
    parameterization: FEATURES.RESOURCE_MONITOR_FEATURE_PARAMETERIZATION,
};

export class RecordingMonitor {
    readonly resources: PlannedResource[] = [];
    readonly byUrn = new Map<string, PlannedResource>();
    stackOutputs: WireObject = {};
    /** Registrations this monitor refused; the real engine fails the update for each. */
    readonly refusals: Error[] = [];
    /** The resources whose registration it refused. */
    readonly refusedResources: Array<{ type: string; name: string }> = [];
    /** Function calls (invokes) the cloud imitation could not answer: each leaves the program short of a value. */
    readonly unansweredInvokes: Array<{ token: string; message: string }> = [];

    constructor(
        private readonly cloud: CloudSimulator,
        private readonly project: string,
        private readonly stack: string,
    ) {}

    // URNs as the engine builds them: the parent's qualified type chain, minus the root stack.
    private urnFor(parent: string, type: string, name: string): string {
        let qualified = type;
        if (parent) {
            const parentQualified = parent.split("::")[2] ?? "";
            if (parentQualified !== ROOT_STACK_TYPE) qualified = `${parentQualified}$${type}`;
        }
        return `urn:pulumi:${this.stack}::${this.project}::${qualified}::${name}`;
    }

    /** The inputs of the explicit provider a reference (`<urn>::<id>`) names, secrets revealed. */
    private providerInputs(providerRef: string): Props | undefined {
        if (!providerRef) return undefined;
        const record = this.byUrn.get(providerRef.split("::").slice(0, -1).join("::"));
        return reveal(record?.inputs ?? {}) as Props;
    }

    async registerResource(req: resproto.RegisterResourceRequest, callback: Callback): Promise<void> {
        try {
            const type: string = req.getType();
            const name: string = req.getName();
            const parent: string = req.getParent();
            const custom: boolean = req.getCustom();
            const urn = this.urnFor(parent, type, name);
            if (this.byUrn.has(urn)) throw new Error(`Duplicate resource URN '${urn}'; try giving it a unique name`);
            if (req.getImportid()) throw new Error(`the offline engine cannot import existing cloud resources (${type} ${name}, import id ${req.getImportid()}): it has no cloud account; plan without the import option`);
            const inputs = toWire(req.getObject()?.toJavaScript() ?? {}) as WireObject;
            const providerRef: string = req.getProvider() ?? "";

            let id = "";
            let outputs: WireObject = {};
            if (custom) {
                const result = this.cloud.newResource(type, name, urn, reveal(inputs) as Props, this.providerInputs(providerRef));
                id = result.id;
                outputs = structuredClone(inputs);
                for (const dropped of result.dropped ?? []) deletePath(outputs, dropped);
                // Computed values replace inputs, but a secret input stays secret when echoed back.
                for (const [key, value] of Object.entries(result.computed)) {
                    if (value !== undefined) outputs[key] = mergeKeepingSecrets(outputs[key], toWire(value));
                }
                // As the engine does: outputs the resource declares secret (e.g. a generated password) come back secret.
                for (const key of req.getAdditionalsecretoutputsList()) {
                    if (outputs[key] !== undefined && !isSecret(outputs[key])) outputs[key] = secret(outputs[key]);
                }
            }

            const timeouts = req.getCustomtimeouts();
            const propertyDependencies: Record<string, string[]> = {};
            req.getPropertydependenciesMap().forEach((deps, key) => {
                propertyDependencies[key] = deps.getUrnsList();
            });
            const record: PlannedResource = {
                urn,
                type,
                name,
                custom,
                parent: parent || undefined,
                provider: providerRef || undefined,
                id: custom ? id : undefined,
                inputs,
                outputs,
                dependencies: [...new Set<string>(req.getDependenciesList())],
                propertyDependencies,
                options: compact({
                    protect: req.getProtect() || undefined,
                    deleteBeforeReplace: req.getDeletebeforereplace() || undefined,
                    retainOnDelete: req.getRetainondelete() || undefined,
                    ignoreChanges: nonEmpty(req.getIgnorechangesList()),
                    replaceOnChanges: nonEmpty(req.getReplaceonchangesList()),
                    additionalSecretOutputs: nonEmpty(req.getAdditionalsecretoutputsList()),
                    deletedWith: req.getDeletedwith() || undefined,
                    aliases: nonEmpty([...req.getAliasurnsList(), ...req.getAliasesList().map(aliasText)]),
                    customTimeouts: timeouts
                        ? compact({ create: timeouts.getCreate() || undefined, update: timeouts.getUpdate() || undefined, delete: timeouts.getDelete() || undefined })
                        : undefined,
                }),
            };
            this.resources.push(record);
            this.byUrn.set(urn, record);

            const response = new resproto.RegisterResourceResponse();
            response.setUrn(urn);
            response.setId(id);
            response.setObject(Struct.fromJavaScript(outputs));
            callback(null, response);
        } catch (err) {
            this.refusals.push(err as Error);
            this.refusedResources.push({ type: req.getType(), name: req.getName() });
            callback(err as Error);
        }
    }

    registerResourceOutputs(req: resproto.RegisterResourceOutputsRequest, callback: Callback): void {
        try {
            const urn: string = req.getUrn();
            const record = this.byUrn.get(urn);
            if (!record) throw new Error(`unknown resource ${urn}`);
            const outputs = toWire(req.getOutputs()?.toJavaScript() ?? {}) as WireObject;
            record.outputs = outputs;
            if (record.type === ROOT_STACK_TYPE) this.stackOutputs = outputs;
            callback(null, {});
        } catch (err) {
            callback(err as Error);
        }
    }

    async readResource(req: resproto.ReadResourceRequest, callback: Callback): Promise<void> {
        callback(new Error(`the offline engine cannot read existing cloud resources (${req.getType()} ${req.getId()}): it has no cloud account`));
    }

    async invoke(req: resproto.ResourceInvokeRequest, callback: Callback): Promise<void> {
        try {
            const token: string = req.getTok();
            const args = reveal(toWire(req.getArgs()?.toJavaScript() ?? {})) as Props;
            let result: Props;
            if (token === "pulumi:pulumi:getResource") {
                const record = this.byUrn.get(String(args.urn));
                if (!record) throw new Error(`unknown resource ${String(args.urn)}`);
                result = { urn: record.urn, id: record.id ?? null, state: record.outputs };
            } else {
                // An invoke given a provider (e.g. one for another region) is answered with that provider's settings.
                result = this.cloud.call(token, args, this.providerInputs(req.getProvider() ?? ""));
            }
            const response = new provproto.InvokeResponse();
            response.setReturn(Struct.fromJavaScript(toWire(result) as WireObject));
            callback(null, response);
        } catch (err) {
            this.unansweredInvokes.push({ token: req.getTok(), message: (err as Error).message });
            callback(err as Error);
        }
    }

    supportsFeature(req: resproto.SupportsFeatureRequest, callback: Callback): void {
        const hasSupport = req.getId() in SUPPORTED_FEATURES;
        callback(null, { getHassupport: () => hasSupport });
    }

    getDeploymentInfo(_req: unknown, callback: Callback): void {
        const response = new resproto.DeploymentInfo();
        response.setSupportedfeaturesList(Object.values(SUPPORTED_FEATURES));
        callback(null, response);
    }

    registerPackage(_req: resproto.RegisterPackageRequest, callback: Callback): void {
        const response = new resproto.RegisterPackageResponse();
        response.setRef("offline-package");
        callback(null, response);
    }
}

/** An alias as the plan shows it: its URN, or its spec's name, type, stack, project and parent. */
function aliasText(alias: import("@pulumi/pulumi/proto/alias_pb").Alias): string {
    const spec = alias.getSpec();
    if (!spec) return alias.getUrn();
    const parts = [["name", spec.getName()], ["type", spec.getType()], ["stack", spec.getStack()], ["project", spec.getProject()], ["parent", spec.getParenturn()]].filter(([, v]) => v);
    if (spec.getNoparent()) parts.push(["parent", "(none)"]);
    return parts.map(([k, v]) => `${k}=${v}`).join(" ");
}

function mergeKeepingSecrets(input: Wire | undefined, computed: Wire): Wire {
    if (isSecret(input)) return { ...(input as WireObject), value: computed };
    return computed;
}

function deletePath(target: WireObject, dotted: string): void {
    const parts = dotted.split(".");
    let current: Wire | undefined = target;
    for (const part of parts.slice(0, -1)) {
        if (current === null || typeof current !== "object" || Array.isArray(current)) return;
        current = current[part];
    }
    if (current !== null && typeof current === "object" && !Array.isArray(current)) delete current[parts[parts.length - 1]];
}

function nonEmpty(list: string[]): string[] | undefined {
    return list.length ? list : undefined;
}

function compact<T extends object>(obj: T): T {
    return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}
