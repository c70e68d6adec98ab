// The one principal analysis every resource-based document shares: role trust policies, bucket,
// key, queue, topic, secret and repository policies, and Lambda permissions. A statement is open
// to everyone when its principal is `*` (written `"*"`, `{AWS: "*"}`, `{AWS: ["*"]}` or
// `{CanonicalUser: "*"}`) or it is an Allow with NotPrincipal, and no condition pins the caller to
// known accounts, organisations or networks (conditions.ts says which do).
import type { Statement } from "./analyzer";
import { callerLimit } from "./conditions";

export interface OpenStatement {
    statement: Statement;
    /** How the principal is written, for messages: `Principal "*"`, `NotPrincipal`... */
    principal: string;
}

/** Whether the principal as written is everyone, ignoring conditions. */
export function wildcardPrincipal(s: Statement): string | undefined {
    if (s.notPrincipal) return "NotPrincipal (everyone but the principals named)";
    if (s.principal === "*") return 'Principal "*"';
    for (const kind of ["AWS", "CanonicalUser"]) if ((s.principal?.[kind] ?? []).includes("*")) return `Principal {${kind}: "*"}`;
    return undefined;
}

/**
 * Allow statements that let anyone in: a wildcard principal with no condition that limits the
 * caller. A condition not known until the update (preview) is given the benefit of the doubt.
 */
export function openStatements(statements: Statement[]): OpenStatement[] {
    return statements.flatMap((s) => {
        if (s.effect !== "Allow") return [];
        const principal = wildcardPrincipal(s);
        if (!principal || s.condition === undefined || callerLimit(s)) return [];
        return [{ statement: s, principal }];
    });
}
