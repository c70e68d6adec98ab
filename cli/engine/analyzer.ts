// Runs a policy pack the way the Pulumi CLI does: as an analyzer plugin in its own process,
// which prints the port of its gRPC server, then receives GetAnalyzerInfo, Configure, an
// Analyze call for each resource and AnalyzeStack for the whole stack. A pack that fails to
// load or answer here would fail under `pulumi preview --policy-pack` too.
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import { createRequire } from "node:module";
import * as path from "node:path";
import * as analyzerRpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import Ajv from "ajv";
import * as yaml from "js-yaml";
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
    /** Settings the policy's schema requires. */
    requiredSettings?: string[];
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
        /** The pack's own config, set in its code; `configure` applies it under the user's. */
        readonly initialConfig: ReconciledConfig,
        private readonly output: PackOutput,
    ) {}

    /** The enforcement each policy ends up with after the last `configure`, as the Pulumi CLI reconciles it. */
    effective: ReconciledConfig = new Map();

    /**
     * Starts the pack in `packDir` and connects to it. `loader: "pulumi"` starts it exactly as the
     * Pulumi CLI does (its run-policy-pack entry, TypeScript through ts-node with type checking):
     * slower, and the proof that `pulumi preview --policy-pack` loads the pack as it is.
     */
    static async start(packDir: string, options: { env?: Record<string, string>; loader?: "labs" | "pulumi" } = {}): Promise<PolicyHost> {
        const dir = path.resolve(packDir);
        checkPackFolder(dir);
        const args = options.loader === "pulumi" ? [path.join(path.dirname(require.resolve("@pulumi/pulumi")), "cmd", "run-policy-pack"), "127.0.0.1:0", "."] : [HOST, dir];
        const output = new PackOutput();
        const child = spawn(process.execPath, args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...options.env, LABS_POLICY_MARKERS: output.markerFile } });
        child.stderr?.on("data", (d: Buffer) => output.add(d.toString()));
        const startSeconds = secondsFromEnv("LABS_POLICY_START_SECONDS", 120);
        const port = await new Promise<number>((resolve, reject) => {
            let stdout = "";
            const timer = setTimeout(() => {
                child.kill();
                reject(new UserError(`the policy pack in ${dir} did not start its analyzer within ${startSeconds} s (a PolicyPack prints its port as soon as it is created).`));
            }, startSeconds * 1000);
            child.stdout?.on("data", (d: Buffer) => {
                stdout += d.toString();
                const line = /^(\d+)\s*$/m.exec(stdout);
                if (line) {
                    clearTimeout(timer);
                    resolve(Number(line[1]));
                }
            });
            child.on("close", (code) => {
                clearTimeout(timer);
                const cause = output.loadError() ?? lastLine(output.text || stdout) ?? `its process exited with code ${code} and said nothing`;
                output.remove();
                reject(new UserError(`the policy pack in ${dir} failed to load: ${cause}.`));
            });
            child.on("error", (err) => {
                clearTimeout(timer);
                reject(new UserError(`the policy pack in ${dir} could not be started: ${err.message}.`));
            });
        });
        const client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { "grpc.max_receive_message_length": 400 * 1024 * 1024 });
        let info: analyzerProto.AnalyzerInfo;
        try {
            info = await call<analyzerProto.AnalyzerInfo>((cb) => client.getAnalyzerInfo(new Empty(), cb));
        } catch (err) {
            // e.g. a policy with an enforcement level @pulumi/policy does not know ("Unknown enforcement level type").
            child.kill();
            output.remove();
            throw new UserError(`the policy pack in ${dir} could not describe its policies: ${grpcDetail(err)}.`);
        }
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
                requiredSettings: p.getConfigschema()?.getRequiredList() ?? [],
            }),
        );
        // The enforcement a pack sets in code (`new AwsGuard({ all: "mandatory" })`) arrives as its initial config.
        const initialConfig: ReconciledConfig = new Map();
        info.getInitialconfigMap().forEach((entry, name) => {
            initialConfig.set(name, { level: LEVELS[entry.getEnforcementlevel()] ?? "advisory", properties: (entry.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown> });
        });
        return new PolicyHost(child, client, info.getName(), info.getVersion(), policies, initialConfig, output);
    }

    /**
     * Sets every policy's enforcement level and settings as the Pulumi CLI reconciles them
     * (ReconcilePolicyPackConfig in pkg/resource/analyzer/config.go): each policy's own level and
     * its schema's defaults, then the pack's initial config, then `config` (the user's
     * --policy-config), each applying "all" first and then policy by policy.
     */
    async configure(config: PolicyConfig): Promise<void> {
        const names = new Set(this.policies.map((p) => p.name));
        const unknown = Object.keys(config).filter((k) => k !== "all" && !names.has(k));
        if (unknown.length) throw new UserError(`the policy config names ${unknown.join(", ")}, which ${this.name} does not have; its policies are: ${[...names].join(", ")}.`);
        if (typeof config.all === "object" && Object.keys(config.all).some((k) => k !== "enforcementLevel")) {
            throw new UserError(`the policy config's "all" entry may only set enforcementLevel; put other settings under the policy that reads them.`);
        }
        const given: ReconciledConfig = new Map();
        for (const [name, entry] of Object.entries(config)) {
            const level = levelOf(name, entry);
            const settings = typeof entry === "object" && entry !== null ? { ...entry } : {};
            delete settings.enforcementLevel;
            const policy = this.policies.find((p) => p.name === name);
            if (policy) checkSettings(policy, settings);
            given.set(name, { level, properties: settings });
        }
        let result: ReconciledConfig = new Map();
        for (const policy of this.policies) {
            const defaults = Object.fromEntries(Object.entries(policy.configSchema).filter(([, s]) => s && "default" in s).map(([k, s]) => [k, (s as { default?: unknown }).default]));
            result.set(policy.name, { level: policy.enforcementLevel, properties: defaults });
        }
        result = applyConfig(result, this.initialConfig);
        result = applyConfig(result, given);
        for (const policy of this.policies) validateSettings(policy, result.get(policy.name)!.properties);
        this.effective = result;

        const request = new analyzerProto.ConfigureAnalyzerRequest();
        const map = request.getPolicyconfigMap();
        for (const policy of this.policies) {
            const { level, properties } = result.get(policy.name)!;
            const entry = new analyzerProto.PolicyConfig();
            entry.setEnforcementlevel(LEVELS.indexOf(level ?? policy.enforcementLevel));
            entry.setProperties(Struct.fromJavaScript(properties as WireObject));
            map.set(policy.name, entry);
        }
        try {
            await call((cb) => this.client.configure(request, cb));
        } catch (err) {
            throw new UserError(`the policy pack ${this.name} refused its configuration: ${grpcDetail(err)}.`);
        }
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
        const response = await this.timed<analyzerProto.AnalyzeResponse>(`analyzing ${resource.urn}`, (deadline, cb) => this.client.analyze(request, new grpc.Metadata(), { deadline }, cb));
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
        const response = await this.timed<analyzerProto.AnalyzeResponse>("analyzing the stack", (deadline, cb) => this.client.analyzeStack(request, new grpc.Metadata(), { deadline }, cb));
        return diagnostics(response, "");
    }

    /** A call that must answer within LABS_POLICY_TIMEOUT_SECONDS (default 60): a policy that never returns is named. */
    private async timed<T>(what: string, invoke: (deadline: Date, cb: (err: Error | null, response: T) => void) => unknown): Promise<T> {
        const seconds = secondsFromEnv("LABS_POLICY_TIMEOUT_SECONDS", 60);
        try {
            return await call<T>((cb) => invoke(new Date(Date.now() + seconds * 1000), cb));
        } catch (err) {
            if ((err as { code?: number }).code !== grpc.status.DEADLINE_EXCEEDED) {
                const crash = this.output.crash();
                if (!crash) throw err;
                const running = this.output.running();
                throw new UserError(`the policy pack ${this.name} stopped while ${what}${running.length ? ` (policy ${running.join(", ")} was running)` : ""}: ${crash}.`);
            }
            const running = this.output.running();
            throw new UserError(
                `the policy pack ${this.name} did not answer within ${seconds} s while ${what}` +
                    (running.length ? `: ${running.length === 1 ? "policy" : "policies"} ${running.join(", ")} never returned` : "") +
                    ` (LABS_POLICY_TIMEOUT_SECONDS sets the limit).`,
            );
        }
    }

    close(): void {
        this.client.close();
        this.child.kill();
        this.output.remove();
    }
}

const ajv = new Ajv({ allErrors: true, strict: false });

/**
 * The whole settings object against the policy's JSON schema (required settings, ranges, enums,
 * patterns), as the Pulumi CLI validates the reconciled config (validatePolicyPackConfig, with a
 * JSON Schema validator) before it sends it to the pack.
 */
function validateSettings(policy: PolicyDescription, properties: Record<string, unknown>): void {
    const schema = { type: "object", properties: policy.configSchema, required: policy.requiredSettings ?? [] };
    let validate;
    try {
        validate = ajv.compile(schema);
    } catch (err) {
        throw new UserError(`the policy ${policy.name} declares a settings schema that is not valid JSON Schema: ${(err as Error).message}.`);
    }
    if (validate(properties)) return;
    const problems = (validate.errors ?? []).map((e) => {
        const where = e.instancePath ? e.instancePath.slice(1).replace(/\//g, ".") : "";
        return `${policy.name}${where ? `.${where}` : ""} ${e.keyword === "required" ? `needs the setting ${String((e.params as { missingProperty?: string }).missingProperty)}` : (e.message ?? "is not valid")}`;
    });
    throw new UserError(`the policy config does not fit what the pack declares: ${problems.join("; ")} (give it with --policy-config).`);
}

/** Per policy: its enforcement level (undefined: unchanged) and its settings. */
export type ReconciledConfig = Map<string, { level?: EnforcementLevel; properties: Record<string, unknown> }>;

/** As the Pulumi CLI's applyConfig: "all" sets every policy's level, then each entry its own level and settings. */
function applyConfig(result: ReconciledConfig, toApply: ReconciledConfig): ReconciledConfig {
    const next: ReconciledConfig = new Map([...result].map(([k, v]) => [k, { level: v.level, properties: { ...v.properties } }]));
    const all = toApply.get("all");
    if (all?.level) for (const v of next.values()) v.level = all.level;
    for (const [name, given] of toApply) {
        if (name === "all") continue;
        const current = next.get(name) ?? { properties: {} };
        next.set(name, { level: given.level ?? current.level, properties: { ...current.properties, ...given.properties } });
    }
    return next;
}

/** What the Pulumi CLI checks before it starts a pack: PulumiPolicy.yaml with a nodejs runtime, and package.json. */
function checkPackFolder(dir: string): void {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new UserError(`--policy-pack ${dir}: no such folder.`);
    const manifest = path.join(dir, "PulumiPolicy.yaml");
    if (!fs.existsSync(manifest)) throw new UserError(`${dir} is not a policy pack: it has no PulumiPolicy.yaml.`);
    let doc: unknown;
    try {
        doc = yaml.load(fs.readFileSync(manifest, "utf8"));
    } catch (err) {
        throw new UserError(`the policy pack in ${dir} has a PulumiPolicy.yaml that is not YAML: ${(err as Error).message.split("\n")[0]}.`);
    }
    const runtime = (doc as { runtime?: unknown } | null)?.runtime;
    const runtimeName = typeof runtime === "object" && runtime !== null ? (runtime as { name?: unknown }).name : runtime;
    if (runtimeName !== "nodejs") throw new UserError(`the policy pack in ${dir} declares runtime ${JSON.stringify(runtimeName ?? null)} in PulumiPolicy.yaml: labs check runs nodejs packs (runtime: nodejs).`);
    if (!fs.existsSync(path.join(dir, "package.json"))) throw new UserError(`the policy pack in ${dir} has no package.json: a nodejs pack needs one (its name, version and main), as the Pulumi CLI requires.`);
}

/** The pack's stderr, and the host's markers (cli/engine/policy-host.js): which policies are running, why loading failed. */
class PackOutput {
    text = "";
    readonly markerFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "labs-pack-")), "markers");

    add(chunk: string): void {
        this.text += chunk;
    }

    private markers(): string[][] {
        let text = "";
        try {
            text = fs.readFileSync(this.markerFile, "utf8");
        } catch {
            return [];
        }
        return text
            .split("\n")
            .filter((l) => l.startsWith("\0"))
            .map((l) => l.slice(1).split(" "));
    }

    /** Policies that began and have not returned, each named once. */
    running(): string[] {
        const started = new Map<string, string>();
        for (const [kind, id, ...rest] of this.markers()) {
            if (kind === "labs-policy-start") started.set(id, rest.join(" "));
            else if (kind === "labs-policy-end") started.delete(id);
        }
        return [...new Set(started.values())];
    }

    /** Why a pack that was serving stopped, if it said (the first report: a throw comes before the exit it causes). */
    crash(): string | undefined {
        const crash = this.markers().find(([kind]) => kind === "labs-pack-crash");
        return crash ? (JSON.parse(crash.slice(1).join(" ")) as { message: string }).message : undefined;
    }

    loadError(): string | undefined {
        const failure = this.markers().find(([kind]) => kind === "labs-load-error");
        if (!failure) return undefined;
        const { message, where } = JSON.parse(failure.slice(1).join(" ")) as { message: string; where?: string };
        return `${message}${where ? ` (${where})` : ""}`;
    }

    remove(): void {
        fs.rmSync(path.dirname(this.markerFile), { recursive: true, force: true });
    }
}

/** A gRPC error's own text, without the status prefix ("2 UNKNOWN: ") and stack frames. */
function grpcDetail(err: unknown): string {
    const e = err as { details?: string; message?: string };
    return (e.details || e.message || String(err))
        .replace(/^\d+ [A-Z_]+: /, "")
        .split("\n")
        .filter((l) => !/^\s+at /.test(l))
        .join(" ")
        .trim();
}

function lastLine(text: string): string | undefined {
    return text
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l && !/^at /.test(l))
        .pop();
}

function secondsFromEnv(name: string, fallback: number): number {
    const value = Number(process.env[name]);
    return Number.isFinite(value) && value > 0 ? value : fallback;
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
