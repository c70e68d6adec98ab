// Reading a statement's Condition the way IAM evaluates it, for the two questions the pack asks:
// does it pin the caller to known accounts, organisations or networks (so a wildcard principal is
// not "anyone"), and does it limit a wildcard Resource by tags (attribute-based access control).
//
// Semantics (IAM User Guide, "Condition operators" and "Multivalued context keys"; S3 User Guide,
// "The meaning of public"):
//   - a positive operator (StringEquals, StringLike, ArnEquals, ArnLike, IpAddress...) holds only
//     when the request carries the key with a matching value, so it narrows;
//   - `...IfExists` also holds when the key is absent (an anonymous caller has no aws:SourceAccount),
//     so it does not narrow;
//   - `ForAllValues:` holds when the key is absent, so it does not narrow; `ForAnyValue:` needs a
//     match, so it narrows like the plain operator;
//   - negated operators (StringNotEquals, NotIpAddress, ArnNotLike) and `Null` leave everyone else in;
//   - a value narrows only if it is fixed: no `*` or `?` where the account or organisation sits, no
//     policy variable; an IP range narrows unless it is the whole Internet.
import type { Statement } from "./analyzer";

export interface ConditionTest {
    /** The operator without its set prefix or IfExists, e.g. `StringEquals`. */
    operator: string;
    set?: "ForAnyValue" | "ForAllValues";
    ifExists: boolean;
    /** As written, e.g. `aws:PrincipalOrgID`. */
    key: string;
    values: string[];
}

/** Every (operator, key, values) test of a statement, with the operator's parts split out. */
export function conditionTests(s: Statement): ConditionTest[] {
    return Object.entries(s.condition ?? {}).flatMap(([written, keys]) => {
        const m = /^(?:(ForAnyValue|ForAllValues):)?(.*?)(IfExists)?$/.exec(written) ?? [];
        const set = m[1] as ConditionTest["set"];
        return Object.entries(keys).map(([key, values]) => ({ operator: m[2] ?? written, set, ifExists: m[3] !== undefined, key, values }));
    });
}

/** A test that must hold for the statement to apply, and that a request lacking the key fails. */
function narrows(t: ConditionTest): boolean {
    return !t.ifExists && t.set !== "ForAllValues" && !/Not/.test(t.operator) && t.operator !== "Null" && t.values.length > 0;
}

const hasVariable = (v: string) => v.includes("${");
const hasWildcard = (v: string) => /[*?]/.test(v);

/** Account-valued keys: the value must be a fixed 12-digit account. */
// Not aws:ResourceAccount: it names the account that owns the resource, which a resource policy always matches, so it limits no caller.
const ACCOUNT_KEYS = ["aws:sourceaccount", "aws:sourceowner", "aws:principalaccount", "kms:calleraccount", "s3:dataaccesspointaccount"];
/** Organisation-valued keys: a fixed organisation id or path. */
const ORG_KEYS = ["aws:principalorgid", "aws:principalorgpaths", "aws:sourceorgid", "aws:sourceorgpaths"];
/** ARN-valued keys: the ARN must name a fixed account (or, for S3 ARNs, which hold none, be fixed). */
const ARN_KEYS = ["aws:sourcearn", "aws:principalarn"];
/** Network keys AWS counts as non-public with fixed values. */
const NETWORK_KEYS = ["aws:sourcevpc", "aws:sourcevpce"];

function fixedArnAccount(arn: string): boolean {
    if (hasVariable(arn)) return false;
    const parts = arn.split(":");
    if (parts[0] !== "arn" || parts.length < 6) return /^\d{12}$/.test(arn);
    // S3 bucket ARNs carry no account: only a fully fixed one names a known resource.
    if (parts[2] === "s3" && parts[4] === "") return !hasWildcard(arn);
    return /^\d{12}$/.test(parts[4]);
}

/** `0.0.0.0/0`, `::/0` and any other /0: every address. */
function internetWide(cidr: string): boolean {
    return /\/0$/.test(cidr.trim());
}

/** Why one test limits the caller to known accounts, organisations or networks, or undefined if it does not. */
function limitsCaller(t: ConditionTest): string | undefined {
    if (!narrows(t)) return undefined;
    const key = t.key.toLowerCase();
    const like = /Like$/.test(t.operator);
    if (ACCOUNT_KEYS.includes(key) && t.values.every((v) => /^\d{12}$/.test(v))) return `${t.key} ${t.values.join(", ")}`;
    if (ORG_KEYS.includes(key) && t.values.every((v) => /^o-[a-z0-9]{10,32}(\/|$)/.test(v) && !hasVariable(v) && !/^o-[^/]*[*?]/.test(v))) return `${t.key} ${t.values.join(", ")}`;
    if (ARN_KEYS.includes(key) && t.values.every(fixedArnAccount)) return `${t.key} ${t.values.join(", ")}`;
    if (NETWORK_KEYS.includes(key) && t.values.every((v) => !hasWildcard(v) && !hasVariable(v))) return `${t.key} ${t.values.join(", ")}`;
    if (key === "aws:sourceip" && /^IpAddress$/.test(t.operator) && t.values.every((v) => !internetWide(v))) return `${t.key} ${t.values.join(", ")}`;
    // A fixed aws:userid names one user or session; S3 does not count the `AROA...:*` pattern (every
    // session of a role) as fixed, and neither does this.
    if (key === "aws:userid" && !like && t.values.every((v) => !hasWildcard(v) && !hasVariable(v))) return `${t.key} ${t.values.join(", ")}`;
    return undefined;
}

/** The condition that pins the caller to known accounts, organisations or networks, described; undefined if none does. */
export function callerLimit(s: Statement): string | undefined {
    for (const t of conditionTests(s)) {
        const why = limitsCaller(t);
        if (why) return why;
    }
    return undefined;
}

/**
 * Whether the statement limits its resources by their tags: a narrowing test on
 * `aws:ResourceTag/<key>` or `<service>:ResourceTag/<key>`, with fixed values or the caller's own
 * tag (`${aws:PrincipalTag/<key>}`). An action whose resources carry no tags then matches nothing.
 */
export function tagScoped(s: Statement): string | undefined {
    for (const t of conditionTests(s)) {
        if (!narrows(t) || !/^String(Equals|EqualsIgnoreCase|Like)$/.test(t.operator)) continue;
        if (!/^[a-z0-9-]+:resourcetag\/.+/i.test(t.key)) continue;
        const fixed = t.values.every((v) => (!hasWildcard(v) && !hasVariable(v)) || /^\$\{aws:PrincipalTag\/[^}]+\}$/i.test(v));
        if (fixed) return `${t.key} ${t.values.join(", ")}`;
    }
    return undefined;
}

/**
 * Whether the statement pins the caller to an organisation (aws:PrincipalOrgID or
 * aws:PrincipalOrgPaths with fixed values): accounts of one organisation, not a third party.
 */
export function pinsOrganisation(s: Statement): boolean {
    return conditionTests(s).some((t) => ORG_KEYS.slice(0, 2).includes(t.key.toLowerCase()) && limitsCaller(t) !== undefined);
}

/** Whether the statement requires MFA: Bool aws:MultiFactorAuthPresent true, or a NumericLessThan(Equals) on aws:MultiFactorAuthAge, neither IfExists. */
export function requiresMfa(s: Statement): boolean {
    return conditionTests(s).some(
        (t) =>
            narrows(t) &&
            ((t.operator === "Bool" && t.key.toLowerCase() === "aws:multifactorauthpresent" && t.values.every((v) => v.toLowerCase() === "true")) ||
                (/^NumericLessThan(Equals)?$/.test(t.operator) && t.key.toLowerCase() === "aws:multifactorauthage")),
    );
}
