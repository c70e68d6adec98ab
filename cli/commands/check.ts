// `labs check`: the policy pack over a stack, offline. The program runs through the offline
// engine while the pack starts in its own process (as the Pulumi CLI runs it); every resource
// is analyzed, then the stack. Exit 0: no mandatory violation; 1: some; 2: program or pack failed.
import * as fs from "node:fs";
import * as path from "node:path";
import { type Diagnostic, type PolicyConfig, type PolicyDescription, PolicyHost } from "../engine/analyzer";
import { UserError } from "../engine/errors";
import type { Plan, PlannedResource } from "../engine/plan";
import { PROJECT_ROOT } from "../locate";
import { typecheckPolicyPack } from "../engine/typecheck";

export interface CheckOptions {
    stack: string;
    program?: string;
    lab?: string;
    config?: string[];
    /** `key=value` settings that hold secrets, as `pulumi config set --secret` would store them. */
    secretConfig?: string[];
    policyPack?: string;
    policyConfig?: string;
    json?: boolean;
}

export interface Violation {
    policy: string;
    enforcementLevel: string;
    severity: string;
    resourceName: string;
    type: string;
    urn: string;
    message: string;
}

export interface CheckReport {
    pack: { name: string; version: string; policies: number };
    resources: number;
    violations: Violation[];
    exemptions: Violation[];
}

export const DEFAULT_PACK = path.join(PROJECT_ROOT, "policies");
const EXEMPTIONS_POLICY = "exemptions-applied";

export async function checkCommand(options: CheckOptions, write: (text: string) => void): Promise<number> {
    const policyConfig = readPolicyConfig(options.policyConfig);
    // Start the pack first: it loads in its own process while the program is evaluated here.
    const packDir = options.policyPack ?? DEFAULT_PACK;
    const starting = PolicyHost.start(packDir);
    starting.catch(() => undefined);
    const packTypes = typecheckPolicyPack(packDir);
    packTypes.catch(() => undefined);
    let plan: Plan;
    try {
        // Loaded now, not at the top: the SDK it brings takes as long to load as the pack.
        const { evaluateForLab } = require("./plan") as typeof import("./plan");
        plan = await evaluateForLab(options);
    } catch (err) {
        starting.then((h) => h.close(), () => undefined);
        throw err;
    }
    const host = await starting;
    try {
        const typeProblems = await packTypes;
        if (typeProblems.length) {
            throw new UserError(
                [`the policy pack in ${path.resolve(packDir)} does not type-check, and pulumi preview --policy-pack type-checks it before it loads:`, ...typeProblems.map((p) => `  ${p}`)].join("\n"),
            );
        }
        const report = await runChecks(host, plan, policyConfig);
        write(options.json ? JSON.stringify(report, null, 2) : renderReport(report, host.policies, plan));
        return failsCheck(report) ? 1 : 0;
    } finally {
        host.close();
    }
}

/**
 * Whether `pulumi preview` would fail on these diagnostics: any mandatory one, the
 * exemptions-applied reports included when config made that policy mandatory.
 */
export function failsCheck(report: Pick<CheckReport, "violations" | "exemptions">): boolean {
    return [...report.violations, ...report.exemptions].some((v) => v.enforcementLevel === "mandatory");
}

/** Configures the pack, analyzes each resource and then the stack, and sorts the diagnostics. */
export async function runChecks(host: PolicyHost, plan: Plan, config: PolicyConfig = {}): Promise<CheckReport> {
    await host.configure(config);
    await host.configureStack(plan.stack, plan.project);
    const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
    const providerOf = (r: PlannedResource) => (r.provider ? byUrn.get(r.provider.split("::").slice(0, -1).join("::")) : undefined);
    const perResource = await Promise.all(plan.resources.map((r) => packCall(`analyzing ${r.urn}`, () => host.analyze(r, providerOf(r)))));
    const stack = await packCall("analyzing the stack", () => host.analyzeStack(plan.resources, providerOf));
    const descriptions = new Map(host.policies.map((p) => [p.name, p.description]));
    const toViolation = (d: Diagnostic): Violation => {
        const r = byUrn.get(d.urn);
        // The pack puts the policy's description before the message; the report shows the description apart.
        const description = descriptions.get(d.policy);
        const message = description && d.message.startsWith(`${description}\n`) ? d.message.slice(description.length + 1) : d.message;
        return { policy: d.policy, enforcementLevel: d.enforcementLevel, severity: d.severity, resourceName: r?.name ?? "", type: r?.type ?? "", urn: d.urn, message };
    };
    const all = [...perResource.flat(), ...stack].map(toViolation);
    return {
        pack: { name: host.name, version: host.version, policies: host.policies.length },
        resources: plan.resources.length,
        violations: all.filter((v) => v.policy !== EXEMPTIONS_POLICY),
        exemptions: all.filter((v) => v.policy === EXEMPTIONS_POLICY),
    };
}

/** A pack that fails while analyzing is a failed check (exit 2) with the pack's own message, not a crash. */
async function packCall<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
        return await call();
    } catch (err) {
        if (err instanceof UserError) throw err; // already says what and where (e.g. a policy that never returned)
        const detail = (err as { details?: string }).details || (err as Error).message;
        // The pack's message without its stack frames: the message is the useful part.
        const message = detail
            .split("\n")
            .filter((line) => !/^\s+at /.test(line))
            .join("\n")
            .trim();
        throw new UserError(`the policy pack failed while ${what}: ${message}`);
    }
}

function readPolicyConfig(file: string | undefined): PolicyConfig {
    if (!file) return {};
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch {
        throw new UserError(`--policy-config ${file}: no such file.`);
    }
    try {
        const parsed: unknown = JSON.parse(text);
        if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not an object");
        return parsed as PolicyConfig;
    } catch (err) {
        throw new UserError(`--policy-config ${file} is not a JSON object of policy settings (${(err as Error).message}).`);
    }
}

export function renderReport(report: CheckReport, policies: PolicyDescription[], plan: Plan): string {
    const lines = [`Policy check of stack '${plan.stack}' (offline): ${report.pack.name} ${report.pack.version}, ${report.pack.policies} policies, ${report.resources} resources analyzed`, ""];
    const fixes = new Map(policies.map((p) => [p.name, p.remediationSteps]));
    const byResource = new Map<string, Violation[]>();
    for (const v of report.violations) byResource.set(v.urn, [...(byResource.get(v.urn) ?? []), v]);
    const order = (v: Violation) => (v.enforcementLevel === "mandatory" ? 0 : 1);
    for (const [urn, violations] of byResource) {
        const first = violations[0];
        lines.push(urn ? `${first.type}  ${first.resourceName}` : "the stack");
        for (const v of violations.sort((a, b) => order(a) - order(b))) {
            lines.push(`  ${v.enforcementLevel.padEnd(9)} ${v.severity.padEnd(8)} ${v.message}`);
            if (fixes.get(v.policy)) lines.push(`  ${"".padEnd(18)} fix: ${fixes.get(v.policy)}`);
        }
        lines.push("");
    }
    if (report.exemptions.length) {
        lines.push(`Exemptions applied (${report.exemptions.length}):`);
        for (const e of report.exemptions) lines.push(`  ${e.resourceName}: ${e.message.replace(/^exemptions-applied\[[^\]]*\]\]?: /, "")}`);
        lines.push("");
    }
    const mandatory = report.violations.filter((v) => v.enforcementLevel === "mandatory").length;
    const advisory = report.violations.length - mandatory;
    const mandatoryExemptions = report.exemptions.filter((v) => v.enforcementLevel === "mandatory").length;
    if (mandatoryExemptions) lines.push(`exemptions-applied is mandatory in the policy config, so its ${mandatoryExemptions} report${mandatoryExemptions === 1 ? "" : "s"} fail the check as they would fail pulumi preview; set "exemptions-applied": "advisory".`);
    lines.push(
        mandatory || mandatoryExemptions
            ? `${mandatory} mandatory violation${mandatory === 1 ? "" : "s"} (and ${advisory} advisory): the check fails.`
            : `No mandatory violations${advisory ? `; ${advisory} advisory` : ""}: the check passes.`,
    );
    return lines.join("\n");
}
