// How every policy in this pack is defined: its metadata once (name, description, severity,
// default enforcement, the fix, and the matching CIS / Checkov / cdk-nag ids), and a check
// that returns findings. The wrapper does the rest the same way for all of them:
//   - a value not known until `pulumi up` (a preview unknown) makes the policy not applicable,
//     never a violation;
//   - a check that throws reports a violation naming the failure instead of crashing the run;
//   - each finding gets an id `policy[Kind::detail]` that an exemption can name;
//   - an exempted finding is recorded (the exemptions-applied policy reports it), an expired
//     exemption is reported with the finding.
import type {
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { exemptions } from "./exemptions";

export interface PolicyRefs {
    /** CIS Microsoft Azure Foundations Benchmark control, e.g. "7.1" (of v3.0.0), or "5.1.2@1.1.0" for another version. */
    cisAzure?: string;
    /** CIS AWS Foundations Benchmark control, e.g. "3.2" (of v3.0.0), or "2.1.1@1.5.0" for another version. */
    cisAws?: string;
    checkov?: string[];
    cdkNag?: string[];
    /** KICS queries by their folder in KICS's assets/queries (its ids are UUIDs), e.g. "cloudtrail_logging_disabled". */
    kics?: string[];
    /** @pulumi/awsguard policy names, e.g. "cmk-backing-key-rotation-enabled". */
    awsguard?: string[];
    /** cloudsplaining finding types: PrivilegeEscalation, ResourceExposure, DataExfiltration, CredentialsExposure, InfrastructureModification. */
    cloudsplaining?: string[];
}

export interface PolicyMeta {
    /** Stable, id-like: findings and exemptions name it. */
    name: string;
    /** One line. */
    description: string;
    severity: Severity;
    enforcementLevel: EnforcementLevel;
    /** What to change, in a sentence or two. */
    remediationSteps: string;
    /** The family the policy belongs to (nsg, iam, data, hygiene, exemptions). */
    family: string;
    refs?: PolicyRefs;
    /** Settings the policy reads (besides enforcementLevel), for the policy-pack config file. */
    configSchema?: PolicyConfigSchema;
}

export interface Finding {
    /** What exactly is wrong, as `Kind::detail` (e.g. `Action::iam:CreateUser`, `Rule::allow-rdp`). */
    finding?: string;
    message: string;
    /** For stack policies: the resource the finding is about. */
    resource?: { urn: string; name: string };
}

export const CIS_AZURE = { name: "CIS Microsoft Azure Foundations Benchmark", version: "3.0.0" };
export const CIS_AWS = { name: "CIS Amazon Web Services Foundations Benchmark", version: "3.0.0" };

// @pulumi/policy throws this when a check reads a value that is unknown during preview.
const { UnknownValueError } = require("@pulumi/policy/proxy") as { UnknownValueError: new (...args: unknown[]) => Error };

/** Every policy defined so far, in definition order (the pack and the docs read this). */
export const registry: PolicyMeta[] = [];

function metadata(meta: PolicyMeta) {
    registry.push(meta);
    const refs = meta.refs ?? {};
    const cis = (bench: { name: string; version: string }, ref: string) => {
        const [reference, version = bench.version] = ref.split("@");
        return { name: bench.name, version, reference, specification: meta.description };
    };
    const framework = refs.cisAzure ? cis(CIS_AZURE, refs.cisAzure) : refs.cisAws ? cis(CIS_AWS, refs.cisAws) : undefined;
    const tags = [
        `family:${meta.family}`,
        ...(refs.cisAzure && refs.cisAws ? [`cis-aws:${refs.cisAws}`] : []),
        ...(refs.checkov ?? []).map((id) => `checkov:${id}`),
        ...(refs.cdkNag ?? []).map((id) => `cdk-nag:${id}`),
        ...(refs.kics ?? []).map((id) => `kics:${id}`),
        ...(refs.awsguard ?? []).map((id) => `awsguard:${id}`),
        ...(refs.cloudsplaining ?? []).map((id) => `cloudsplaining:${id}`),
    ];
    return {
        name: meta.name,
        description: meta.description,
        enforcementLevel: meta.enforcementLevel,
        severity: meta.severity,
        remediationSteps: meta.remediationSteps,
        framework,
        tags,
        configSchema: meta.configSchema,
    };
}

function report(meta: PolicyMeta, reportViolation: ReportViolation, resource: { urn: string; name: string }, f: Finding): void {
    const id = f.finding ? `${meta.name}[${f.finding}]` : meta.name;
    const verdict = exemptions.check(meta.name, resource, f.finding);
    if (verdict.kind === "exempt") return;
    const expired = verdict.kind === "expired" ? ` (its exemption expired on ${verdict.expires}: fix it or renew the exemption with a new date)` : "";
    reportViolation(`${id}: ${f.message}${expired}`, resource.urn);
}

function failed(meta: PolicyMeta, err: unknown, notApplicable: (reason: string) => never, reportViolation: ReportViolation, urn?: string): void {
    // A check that called notApplicable() itself: the framework expects that error, let it through.
    if (err instanceof Error && err.constructor.name === "NotApplicableError") throw err;
    if (err instanceof UnknownValueError) notApplicable(`a value it checks is not known until the resource exists (${(err as Error).message})`);
    reportViolation(`${meta.name}: the policy could not check this resource: ${err instanceof Error ? err.message : String(err)}`, urn);
}

/** A policy that looks at one resource at a time; `types` limits it to those resource types (or a test of the type). */
export function resourcePolicy(
    meta: PolicyMeta,
    types: string[] | ((type: string) => boolean),
    check: (props: Record<string, unknown>, args: ResourceValidationArgs) => Finding[] | Promise<Finding[]>,
): ResourceValidationPolicy {
    const applies = typeof types === "function" ? types : (type: string) => types.includes(type);
    return {
        ...metadata(meta),
        validateResource: async (args, reportViolation) => {
            if (!applies(args.type)) args.notApplicable(typeof types === "function" ? "not a resource type it checks" : `applies to ${types.join(", ")}`);
            let findings: Finding[];
            try {
                findings = await check(args.props, args);
            } catch (err) {
                failed(meta, err, args.notApplicable, reportViolation, args.urn);
                return;
            }
            for (const f of findings) report(meta, reportViolation, { urn: args.urn, name: args.name }, f);
        },
    };
}

/** A policy that looks at the whole stack (relations between resources). */
export function stackPolicy(meta: PolicyMeta, check: (resources: PolicyResource[], args: StackValidationArgs) => Finding[] | Promise<Finding[]>): StackValidationPolicy {
    return {
        ...metadata(meta),
        validateStack: async (args, reportViolation) => {
            let findings: Finding[];
            try {
                findings = await check(args.resources, args);
            } catch (err) {
                failed(meta, err, args.notApplicable, reportViolation);
                return;
            }
            for (const f of findings) {
                if (f.resource) report(meta, reportViolation, f.resource, f);
                else reportViolation(f.finding ? `${meta.name}[${f.finding}]: ${f.message}` : `${meta.name}: ${f.message}`);
            }
        },
    };
}
