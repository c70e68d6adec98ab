// Exemptions, done so they stay exceptions: each names one policy, one resource (URN or
// logical-name glob, never everything), optionally one finding, a reason of 20 characters or
// more, and an expiry date. They live in policies/exemptions.yaml, reviewed like code.
// An applied exemption is reported (policy exemptions-applied), an expired one turns back into
// the violation, and a malformed one is itself a violation (policy exemptions-valid).
import * as fs from "node:fs";
import * as path from "node:path";
import { CORE_SCHEMA, load } from "js-yaml";

export interface Exemption {
    policy: string;
    /** A URN, or a glob (`*`, `?`) over the resource's URN or logical name. */
    resource: string;
    /** One finding, e.g. `Action::s3:PutBucketAcl`; without it the exemption covers every finding of the policy on the resource. */
    finding?: string;
    reason: string;
    /** YYYY-MM-DD; the exemption applies up to and including this day (UTC). */
    expires: string;
    /** Where it was written, e.g. `exemptions.yaml#2`. */
    source: string;
}

export interface AppliedExemption {
    exemption: Exemption;
    urn: string;
    name: string;
    finding?: string;
}

export type Verdict = { kind: "none" } | { kind: "exempt"; exemption: Exemption } | { kind: "expired"; expires: string };

export const MIN_REASON_LENGTH = 20;
/** How far ahead an exemption may expire: a year (and a day, for leap years). */
export const MAX_DAYS = 366;

export class Exemptions {
    readonly entries: Exemption[] = [];
    /** Entries that could not be used, and why. */
    readonly problems: Array<{ source: string; message: string }> = [];
    private applied: AppliedExemption[] = [];
    /** The resources each exemption (by source) has exempted a finding on, this run. */
    private readonly reach = new Map<string, Set<string>>();

    constructor(
        raw: unknown,
        file: string,
        private readonly today: () => string = () => new Date().toISOString().slice(0, 10),
    ) {
        const list = (raw as { exemptions?: unknown } | null)?.exemptions ?? [];
        if (!Array.isArray(list)) {
            this.problems.push({ source: file, message: "expected `exemptions:` to be a list" });
            return;
        }
        list.forEach((item: unknown, i: number) => {
            const source = `${file}#${i + 1}`;
            const e = (item ?? {}) as Record<string, unknown>;
            const text = (k: string) => (typeof e[k] === "string" ? (e[k] as string).trim() : e[k] instanceof Date ? (e[k] as Date).toISOString().slice(0, 10) : "");
            const entry: Exemption = { policy: text("policy"), resource: text("resource"), finding: text("finding") || undefined, reason: text("reason"), expires: text("expires"), source };
            const problems: string[] = [];
            if (!entry.policy) problems.push("names no policy");
            if (!entry.resource) problems.push("names no resource");
            else if (/^[*?]+$/.test(entry.resource)) problems.push(`resource '${entry.resource}' would exempt every resource; name one resource`);
            else if (entry.resource.startsWith("urn:") && /[*?]/.test(entry.resource)) problems.push(`resource '${entry.resource}' is a URN with a wildcard; give the exact URN, or a logical name`);
            if (entry.reason.length < MIN_REASON_LENGTH) problems.push(`has a reason of ${entry.reason.length} characters; write why, in ${MIN_REASON_LENGTH} or more`);
            if (!/^\d{4}-\d{2}-\d{2}$/.test(entry.expires) || Number.isNaN(Date.parse(`${entry.expires}T00:00:00Z`))) problems.push(`expires '${entry.expires}' is not a date YYYY-MM-DD`);
            else if (entry.expires > this.latestExpiry()) problems.push(`expires ${entry.expires}, more than ${MAX_DAYS} days ahead; exemptions are reviewed at least yearly, set ${this.latestExpiry()} or earlier`);
            const unknownFields = Object.keys(e).filter((k) => !["policy", "resource", "finding", "reason", "expires"].includes(k));
            if (unknownFields.length) problems.push(`has unknown fields ${unknownFields.join(", ")}`);
            if (problems.length) this.problems.push({ source, message: `exemption ${entry.policy || "?"} on ${entry.resource || "?"} ${problems.join("; ")}` });
            else this.entries.push(entry);
        });
    }

    private latestExpiry(): string {
        return new Date(Date.parse(`${this.today()}T00:00:00Z`) + MAX_DAYS * 24 * 3600 * 1000).toISOString().slice(0, 10);
    }

    /** Whether a finding is exempt (an unexpired exemption wins over an expired one); an exempt one is remembered for the report. */
    check(policy: string, resource: { urn: string; name: string }, finding: string | undefined): Verdict {
        const candidates = this.entries.filter((e) => e.policy === policy && (e.finding === undefined || e.finding === finding) && (matches(e.resource, resource.urn) || matches(e.resource, resource.name)));
        if (!candidates.length) return { kind: "none" };
        const today = this.today();
        const match = candidates.find((e) => e.expires >= today);
        if (!match) return { kind: "expired", expires: candidates.map((e) => e.expires).sort().at(-1) ?? "" };
        this.applied.push({ exemption: match, urn: resource.urn, name: resource.name, finding });
        this.reach.set(match.source, (this.reach.get(match.source) ?? new Set()).add(resource.urn));
        return { kind: "exempt", exemption: match };
    }

    /** Exemptions that exempted findings on more than one resource this run: each must name one. */
    tooWide(): Array<{ exemption: Exemption; urns: string[] }> {
        return this.entries.flatMap((e) => {
            const urns = [...(this.reach.get(e.source) ?? [])];
            return urns.length > 1 ? [{ exemption: e, urns }] : [];
        });
    }

    /** The exemptions applied since the last call (one stack analysis). */
    takeApplied(): AppliedExemption[] {
        const applied = this.applied;
        this.applied = [];
        return applied;
    }
}

function matches(glob: string, value: string): boolean {
    if (!/[*?]/.test(glob)) return glob === value;
    const pattern = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    return new RegExp(`^${pattern}$`).test(value);
}

export function loadExemptions(file: string): Exemptions {
    const name = path.basename(file);
    if (!fs.existsSync(file)) return new Exemptions({ exemptions: [] }, name);
    try {
        return new Exemptions(load(fs.readFileSync(file, "utf8"), { schema: CORE_SCHEMA }), name);
    } catch (err) {
        const broken = new Exemptions({ exemptions: [] }, name);
        broken.problems.push({ source: name, message: `is not valid YAML: ${(err as Error).message.split("\n")[0]}` });
        return broken;
    }
}

/** The pack's exemptions: policies/exemptions.yaml, or the file LABS_POLICY_EXEMPTIONS names. */
export const exemptions = loadExemptions(process.env.LABS_POLICY_EXEMPTIONS ?? path.join(__dirname, "..", "exemptions.yaml"));
