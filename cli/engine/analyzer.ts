// Runs a policy pack the way the Pulumi CLI does: as an analyzer plugin in its own process,
// which prints the port of its gRPC server, then receives GetAnalyzerInfo, Configure, an
// Analyze call for each resource and AnalyzeStack for the whole stack. A pack that fails to
// load or answer here would fail under `pulumi preview --policy-pack` too.
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import * as analyzerRpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import { UserError } from "./errors";
import type { PlannedResource } from "./plan";
import { type WireObject, forAnalyzer } from "./wire";

const sdkRequire = createRequire(require.resolve("@pulumi/pulumi"));
const grpc = sdkRequire("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
const { Struct } = sdkRequire("google-protobuf/google/protobuf/struct_pb") as typeof import("google-protobuf/google/protobuf/struct_pb");
const { Empty } = sdkRequire("google-protobuf/google/protobuf/empty_pb") as typeof import("google-protobuf/google/protobuf/empty_pb");

export type EnforcementLevel = "advisory" | "mandatory" | "disabled" | "remediate";
export type Severity = "unspecified" | "low" | "medium" | "high" | "critical";

export interface PolicyDescription {
    name: string;
    description: string;
    enforcementLevel: EnforcementLevel;
    severity: Severity;
    remediationSteps: string;
    framework?: { name: string; version: string; reference: string };
    tags: string[];
    /** Settings the policy reads, with their JSON schema (type, items, description). */
    configSchema: Record<string, { type?: string; items?: { type?: string }; description?: string }>;
}

export interface Diagnostic {
    policy: string;
    enforcementLevel: EnforcementLevel;
    severity: Severity;
    message: string;
    urn: string;
}

/** Policy-pack config as `pulumi preview --policy-pack-config` takes it: name → level, or {enforcementLevel, ...settings}. */
export type PolicyConfig = Record<string, string | Record<string, unknown>>;

const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "disabled", "remediate"];
const SEVERITIES: Severity[] = ["unspecified", "low", "medium", "high", "critical"];

const HOST = path.join(__dirname, "policy-host.js");

export class PolicyHost {
    private constructor(
        private readonly child: ChildProcess,
        private readonly client: analyzerRpc.AnalyzerClient,
        readonly name: string,
        readonly version: string,
        readonly policies: PolicyDescription[],
    ) {}

    /**
     * Starts the pack in `packDir` and connects to it. `loader: "pulumi"` starts it exactly as the
     * Pulumi CLI does (its run-policy-pack entry, TypeScript through ts-node with type checking):
     * slower, and the proof that `pulumi preview --policy-pack` loads the pack as it is.
     */
    static async start(packDir: string, options: { env?: Record<string, string>; loader?: "labs" | "pulumi" } = {}): Promise<PolicyHost> {
        const dir = path.resolve(packDir);
        if (!fs.existsSync(path.join(dir, "PulumiPolicy.yaml"))) throw new UserError(`${dir} is not a policy pack: it has no PulumiPolicy.yaml.`);
        const args = options.loader === "pulumi" ? [path.join(path.dirname(require.resolve("@pulumi/pulumi")), "cmd", "run-policy-pack"), "127.0.0.1:0", "."] : [HOST, dir];
        const child = spawn(process.execPath, args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...options.env } });
        let stderr = "";
        child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
        const port = await new Promise<number>((resolve, reject) => {
            let stdout = "";
            child.stdout?.on("data", (d: Buffer) => {
                stdout += d.toString();
                const line = /^(\d+)\s*$/m.exec(stdout);
                if (line) resolve(Number(line[1]));
            });
            child.on("exit", (code) => reject(new UserError(`the policy pack in ${packDir} failed to load (exit ${code}):\n${(stderr || stdout).trim()}`)));
            child.on("error", reject);
        });
        const client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { "grpc.max_receive_message_length": 400 * 1024 * 1024 });
        const info = await call<analyzerProto.AnalyzerInfo>((cb) => client.getAnalyzerInfo(new Empty(), cb));
        const policies = info.getPoliciesList().map(
            (p): PolicyDescription => ({
                name: p.getName(),
                description: p.getDescription(),
                enforcementLevel: LEVELS[p.getEnforcementlevel()] ?? "advisory",
                severity: SEVERITIES[p.getSeverity()] ?? "unspecified",
                remediationSteps: p.getRemediationSteps(),
                framework: p.getFramework() ? { name: p.getFramework()!.getName(), version: p.getFramework()!.getVersion(), reference: p.getFramework()!.getReference() } : undefined,
                tags: p.getTagsList(),
                configSchema: (p.getConfigschema()?.getProperties()?.toJavaScript() ?? {}) as PolicyDescription["configSchema"],
            }),
        );
        return new PolicyHost(child, client, info.getName(), info.getVersion(), policies);
    }

    /** Sets enforcement levels and settings; "all" sets every policy's level first, as the Pulumi CLI reads it. */
    async configure(config: PolicyConfig): Promise<void> {
        const names = new Set(this.policies.map((p) => p.name));
        const unknown = Object.keys(config).filter((k) => k !== "all" && !names.has(k));
        if (unknown.length) throw new UserError(`the policy config names ${unknown.join(", ")}, which ${this.name} does not have; its policies are: ${[...names].join(", ")}.`);
        const request = new analyzerProto.ConfigureAnalyzerRequest();
        const map = request.getPolicyconfigMap();
        const all = levelOf("all", config.all);
        if (typeof config.all === "object" && Object.keys(config.all).some((k) => k !== "enforcementLevel")) {
            throw new UserError(`the policy config's "all" entry may only set enforcementLevel; put other settings under the policy that reads them.`);
        }
        for (const policy of this.policies) {
            const own = config[policy.name];
            const settings = typeof own === "object" && own !== null ? { ...own } : {};
            const level = levelOf(policy.name, own) ?? all;
            delete settings.enforcementLevel;
            checkSettings(policy, settings);
            if (level === undefined && Object.keys(settings).length === 0) continue;
            const entry = new analyzerProto.PolicyConfig();
            entry.setEnforcementlevel(LEVELS.indexOf((level ?? policy.enforcementLevel) as EnforcementLevel));
            entry.setProperties(Struct.fromJavaScript(settings as WireObject));
            map.set(policy.name, entry);
        }
        await call((cb) => this.client.configure(request, cb));
    }

    /** Tells the pack which stack it is looking at (the CLI does this before analyzing). */
    async configureStack(stack: string, project: string): Promise<void> {
        const request = new analyzerProto.AnalyzerStackConfigureRequest();
        request.setStack(stack);
        request.setProject(project);
        request.setOrganization("organization");
        request.setDryRun(true);
        await call((cb) => this.client.configureStack(request, cb));
    }

    /** One resource, as `pulumi preview` sends it: its inputs, options and provider. */
    async analyze(resource: PlannedResource, provider?: PlannedResource): Promise<Diagnostic[]> {
        const request = new analyzerProto.AnalyzeRequest();
        request.setType(resource.type);
        request.setUrn(resource.urn);
        request.setName(resource.name);
        request.setProperties(properties(resource));
        request.setOptions(options(resource));
        if (provider) request.setProvider(providerOf(provider));
        const response = await call<analyzerProto.AnalyzeResponse>((cb) => this.client.analyze(request, cb));
        return diagnostics(response, resource.urn);
    }

    /** Every resource at once, with parents and dependencies, for the stack policies. */
    async analyzeStack(resources: PlannedResource[], providerOf_: (r: PlannedResource) => PlannedResource | undefined): Promise<Diagnostic[]> {
        const request = new analyzerProto.AnalyzeStackRequest();
        request.setResourcesList(
            resources.map((r) => {
                const a = new analyzerProto.AnalyzerResource();
                a.setType(r.type);
                a.setUrn(r.urn);
                a.setName(r.name);
                a.setProperties(properties(r));
                a.setOptions(options(r));
                if (r.parent) a.setParent(r.parent);
                a.setDependenciesList(r.dependencies);
                const deps = a.getPropertydependenciesMap();
                for (const [key, urns] of Object.entries(r.propertyDependencies)) {
                    const d = new analyzerProto.AnalyzerPropertyDependencies();
                    d.setUrnsList(urns);
                    deps.set(key, d);
                }
                const provider = providerOf_(r);
                if (provider) a.setProvider(providerOf(provider));
                return a;
            }),
        );
        const response = await call<analyzerProto.AnalyzeResponse>((cb) => this.client.analyzeStack(request, cb));
        return diagnostics(response, "");
    }

    close(): void {
        this.client.close();
        this.child.kill();
    }
}

/** The level a config entry sets (`"mandatory"` or `{enforcementLevel: "mandatory", ...}`), checked. */
function levelOf(name: string, entry: PolicyConfig[string] | undefined): EnforcementLevel | undefined {
    if (entry === undefined) return undefined;
    if (entry === null || (typeof entry !== "string" && (typeof entry !== "object" || Array.isArray(entry)))) {
        throw new UserError(`the policy config entry for ${name} is ${JSON.stringify(entry)}; give a level ("mandatory") or an object of settings.`);
    }
    const level = typeof entry === "string" ? entry : entry.enforcementLevel;
    if (level === undefined) return undefined;
    if (!LEVELS.includes(level as EnforcementLevel)) throw new UserError(`the policy config gives ${name} the level ${JSON.stringify(level)}; use one of ${LEVELS.join(", ")}.`);
    return level as EnforcementLevel;
}

const JSON_TYPES: Record<string, (v: unknown) => boolean> = {
    string: (v) => typeof v === "string",
    number: (v) => typeof v === "number",
    integer: (v) => Number.isInteger(v),
    boolean: (v) => typeof v === "boolean",
    array: Array.isArray,
    object: (v) => typeof v === "object" && v !== null && !Array.isArray(v),
};

/** Settings must be ones the policy declares, of the declared type (the Pulumi CLI validates the same schema). */
function checkSettings(policy: PolicyDescription, settings: Record<string, unknown>): void {
    for (const [key, value] of Object.entries(settings)) {
        const schema = policy.configSchema[key];
        if (!schema) {
            const known = Object.keys(policy.configSchema);
            throw new UserError(`the policy config sets ${policy.name}.${key}, which the policy does not read; ${known.length ? `its settings are: ${known.join(", ")}` : "it has no settings besides enforcementLevel"}.`);
        }
        const ok = (type: string | undefined, v: unknown) => type === undefined || (JSON_TYPES[type]?.(v) ?? true);
        if (!ok(schema.type, value) || (Array.isArray(value) && !value.every((v) => ok(schema.items?.type, v)))) {
            const wanted = schema.type === "array" && schema.items?.type ? `a list of ${schema.items.type}s` : `a ${schema.type}`;
            throw new UserError(`the policy config sets ${policy.name}.${key} to ${JSON.stringify(value)}; it must be ${wanted}.`);
        }
    }
}

function properties(r: PlannedResource) {
    return Struct.fromJavaScript(forAnalyzer(r.inputs) as WireObject);
}

function options(r: PlannedResource): analyzerProto.AnalyzerResourceOptions {
    const o = new analyzerProto.AnalyzerResourceOptions();
    o.setProtect(r.options.protect ?? false);
    o.setIgnorechangesList(r.options.ignoreChanges ?? []);
    o.setDeletebeforereplace(r.options.deleteBeforeReplace ?? false);
    o.setAdditionalsecretoutputsList(r.options.additionalSecretOutputs ?? []);
    if (r.parent) o.setParent(r.parent);
    return o;
}

function providerOf(p: PlannedResource): analyzerProto.AnalyzerProviderResource {
    const a = new analyzerProto.AnalyzerProviderResource();
    a.setType(p.type);
    a.setUrn(p.urn);
    a.setName(p.name);
    a.setProperties(properties(p));
    return a;
}

function diagnostics(response: analyzerProto.AnalyzeResponse, fallbackUrn: string): Diagnostic[] {
    return response.getDiagnosticsList().map((d) => ({
        policy: d.getPolicyname(),
        enforcementLevel: LEVELS[d.getEnforcementlevel()] ?? "advisory",
        severity: SEVERITIES[d.getSeverity()] ?? "unspecified",
        message: d.getMessage(),
        urn: d.getUrn() || fallbackUrn,
    }));
}

function call<T>(invoke: (cb: (err: Error | null, response: T) => void) => unknown): Promise<T> {
    return new Promise((resolve, reject) => invoke((err, response) => (err ? reject(err) : resolve(response))));
}
