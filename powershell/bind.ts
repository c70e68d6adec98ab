// Parameter binding of one command against its signature, as PowerShell binds: named
// parameters by full name, alias or unique prefix; switches take a value only as -Name:value;
// splatted hashtables by key; the rest by position in a parameter set that can take them all;
// then every mandatory parameter of at least one possible set must be bound (or come from the
// pipeline). What it cannot know (a splat of a computed hashtable) it does not judge.
import type { SyntaxNode } from "./parse";
import { type Param, type Signature, literalText, useIn } from "./signatures";

export type BindRule = "unknown-parameter" | "ambiguous-parameter" | "switch-value" | "missing-value" | "parameter-set" | "extra-argument" | "missing-mandatory" | "value-not-accepted" | "splat-unknown-key";

export interface BindFinding {
    rule: BindRule;
    node: SyntaxNode;
    message: string;
}

/** One element of a command line, as the binder sees it. */
export type Arg =
    | { kind: "named"; node: SyntaxNode; name: string; colon: boolean; value?: SyntaxNode }
    | { kind: "positional"; node: SyntaxNode }
    | { kind: "splat"; node: SyntaxNode; variable: string };

/** Literal keys of the hashtable a splat refers to, or undefined when they cannot be known. */
export type SplatKeys = (variable: string, at: SyntaxNode) => Array<{ key: string; node: SyntaxNode }> | undefined;

export function commandArgs(command: SyntaxNode, takesValue: (name: string) => boolean): Arg[] {
    const elements = command.namedChildren.find((c) => c.type === "command_elements")?.namedChildren ?? [];
    const args: Arg[] = [];
    let open: Extract<Arg, { kind: "named" }> | undefined;
    let previous: Arg | undefined;
    for (const el of elements) {
        if (el.type === "command_argument_sep") {
            // `-Name:value`: the colon binds the next element to the parameter, a switch's too.
            if (el.text.includes(":") && previous?.kind === "named" && !previous.value) {
                previous.colon = true;
                open = previous;
            }
            continue;
        }
        if (el.type === "comment" || el.type.includes("redirection")) continue;
        if (el.type === "command_parameter") {
            const name = el.text.replace(/^[-\u2013\u2014]/, "").replace(/:$/, "");
            open = { kind: "named", node: el, name, colon: el.text.endsWith(":") };
            args.push(open);
            previous = open;
            if (!open.colon && !takesValue(name)) open = undefined;
            continue;
        }
        if (open && !open.value) {
            open.value = el;
            open = undefined;
            previous = undefined;
            continue;
        }
        const splat = /^@([A-Za-z_][A-Za-z0-9_]*)$/.exec(el.text.trim());
        previous = splat ? { kind: "splat", node: el, variable: splat[1] } : { kind: "positional", node: el };
        args.push(previous);
    }
    return args;
}

/** A parameter by its full name, an alias, or a unique prefix of either (case-insensitive). */
export function resolveParam(sig: Signature, name: string): { param?: Param; ambiguous?: Param[] } {
    const lower = name.toLowerCase();
    const exact = sig.params.find((p) => p.name.toLowerCase() === lower || p.aliases.some((a) => a.toLowerCase() === lower));
    if (exact) return { param: exact };
    const matches = sig.params.filter((p) => p.name.toLowerCase().startsWith(lower) || p.aliases.some((a) => a.toLowerCase().startsWith(lower)));
    if (matches.length === 1) return { param: matches[0] };
    return matches.length > 1 ? { ambiguous: matches } : {};
}

function valueAccepted(p: Param, node: SyntaxNode): string | undefined {
    if (!p.values?.length) return undefined;
    const text = literalText(node);
    // Numbers stand for enum values (DomainMode 7 = WinThreshold); only names are compared.
    if (text === undefined || /^-?\d+$/.test(text)) return undefined;
    const accepted = new Set(p.values.map((v) => v.toLowerCase()));
    // A flags value may list several: "Domain,Private".
    const bad = text.split(",").map((s) => s.trim()).filter((s) => s && !accepted.has(s.toLowerCase()));
    return bad.length ? bad.join(",") : undefined;
}

const dash = (p: Param) => `-${p.name}`;

/**
 * Binds one `command` node against `sig` and returns what PowerShell would refuse (an empty list
 * when it binds). `piped`: something is piped into the command, so a mandatory parameter that
 * takes pipeline input counts as given. `splatKeys` answers `@name` with its literal keys.
 */
export function bindCommand(sig: Signature, command: SyntaxNode, piped: boolean, splatKeys: SplatKeys): BindFinding[] {
    const findings: BindFinding[] = [];
    const takesValue = (name: string) => {
        const { param } = resolveParam(sig, name);
        return param ? !param.isSwitch : true;
    };
    const args = commandArgs(command, takesValue);
    const bound = new Map<Param, SyntaxNode>();
    let unknowable = false;
    const bindNamed = (name: string, node: SyntaxNode, how: string) => {
        const { param, ambiguous } = resolveParam(sig, name);
        if (ambiguous) {
            findings.push({ rule: "ambiguous-parameter", node, message: `${how ? "the splatted key " : ""}-${name} of ${sig.name} is ambiguous: it could be ${ambiguous.map(dash).join(", ")}; write the whole name` });
            return undefined;
        }
        if (!param) {
            const where = sig.kind === "function" ? `${sig.name}'s param block` : sig.name;
            if (how) findings.push({ rule: "splat-unknown-key", node, message: `the splatted key ${name} is not a parameter of ${where}` });
            else findings.push({ rule: "unknown-parameter", node, message: `${where} has no parameter -${name}` });
            return undefined;
        }
        bound.set(param, node);
        return param;
    };
    const positional: SyntaxNode[] = [];
    for (const arg of args) {
        if (arg.kind === "positional") positional.push(arg.node);
        else if (arg.kind === "splat") {
            const keys = splatKeys(arg.variable, arg.node);
            if (!keys) unknowable = true;
            else for (const k of keys) bindNamed(k.key, k.node, "splat");
        } else {
            const param = bindNamed(arg.name, arg.node, "");
            if (!param) continue;
            if (param.isSwitch) {
                const text = arg.value ? literalText(arg.value) : undefined;
                if (arg.colon && text !== undefined && !/^\d+$/.test(text)) findings.push({ rule: "switch-value", node: arg.value!, message: `${dash(param)} is a switch: give it $true or $false (-${param.name}:$false), not "${text}"` });
            } else if (!arg.value) {
                findings.push({ rule: "missing-value", node: arg.node, message: `${dash(param)} of ${sig.name} needs a value` });
            } else {
                const bad = valueAccepted(param, arg.value);
                if (bad) findings.push({ rule: "value-not-accepted", node: arg.value, message: `${dash(param)} of ${sig.name} does not accept "${bad}"; accepted: ${param.values!.join(", ")}` });
            }
        }
    }
    // A switch followed by $true/$false with a space binds that value by position: PowerShell
    // fails ("A positional parameter cannot be found") or gives it to another parameter.
    for (const [i, arg] of args.entries()) {
        const next = args[i + 1];
        if (arg.kind === "named" && !arg.colon && next?.kind === "positional" && /^\$(true|false)$/i.test(next.node.text.trim())) {
            const { param } = resolveParam(sig, arg.name);
            if (param?.isSwitch) findings.push({ rule: "switch-value", node: next.node, message: `${dash(param)} is a switch: ${next.node.text.trim()} after a space is a separate argument; write -${param.name}:${next.node.text.trim()}` });
        }
    }
    if (findings.some((f) => f.rule === "unknown-parameter" || f.rule === "ambiguous-parameter" || f.rule === "splat-unknown-key")) return findings;

    const named = [...bound.keys()];
    const sets = sig.sets.filter((s) => named.every((p) => useIn(p, s)));
    if (sets.length === 0) {
        findings.push({ rule: "parameter-set", node: command, message: `${sig.name}: ${named.map(dash).join(", ")} are in no parameter set together` });
        return findings;
    }
    if (unknowable) return findings;
    const outcomes = sets.map((set) => {
        const free = sig.params
            .filter((p) => !bound.has(p) && useIn(p, set)?.position !== undefined)
            .sort((a, b) => useIn(a, set)!.position! - useIn(b, set)!.position!);
        const byPosition = new Set(free.slice(0, positional.length));
        // Left-over arguments go to a ValueFromRemainingArguments parameter. The older doc pages
        // do not say which parameter is one (Write-Output's -InputObject is), so a last positional
        // parameter of an array type is given the benefit of the doubt.
        const last = free[free.length - 1];
        const takesRest = last && (useIn(last, set)?.remaining || last.isArray);
        const extra = takesRest ? [] : positional.slice(free.length);
        const missing = sig.params.filter((p) => {
            const use = useIn(p, set);
            return use?.required && !bound.has(p) && !byPosition.has(p) && !(piped && use.pipeline);
        });
        return { set, extra, missing };
    });
    if (outcomes.some((o) => o.extra.length === 0 && o.missing.length === 0)) return findings;
    const fitting = outcomes.filter((o) => o.extra.length === 0);
    if (fitting.length === 0) {
        const extra = outcomes.reduce((a, b) => (b.extra.length < a.extra.length ? b : a)).extra[0];
        // Already reported as a switch's misplaced value.
        if (findings.some((f) => f.node.id === extra.id)) return findings;
        findings.push({ rule: "extra-argument", node: extra, message: `${sig.name} has no parameter left to take the positional argument ${extra.text.trim().slice(0, 60)}` });
        return findings;
    }
    const needs = [...new Set(fitting.map((o) => o.missing.map(dash).join(" and ")))];
    findings.push({
        rule: "missing-mandatory",
        node: command,
        message: needs.length === 1 ? `${sig.name} needs ${needs[0]}` : `${sig.name} needs, depending on the parameter set, ${needs.join(", or ")}`,
    });
    return findings;
}
