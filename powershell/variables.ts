// Variables read before anything assigns them: in script code, an assignment (or a parameter,
// foreach variable, -OutVariable...) earlier in the text; in a function, its parameters or an
// assignment earlier in the function, or one anywhere in script code (the function may be
// called later). Scoped names ($script:x) look at script code; drive names ($env:x) and
// PowerShell's own variables ($_, $PSBoundParameters, preferences) are always there.
import type { SyntaxNode } from "./parse";
import { reference } from "./reference";

export interface VariableFinding {
    node: SyntaxNode;
    name: string;
}

const OUT_VARIABLE_PARAMS = /^-(OutVariable|ov|ErrorVariable|ev|WarningVariable|wv|InformationVariable|iv|PipelineVariable|pv)$/i;
const VARIABLE_CMDLETS = /^(Set-Variable|New-Variable)$/i;

interface Use {
    name: string;
    scope?: string;
    node: SyntaxNode;
    /** The node's start offset in the text. */
    at: number;
    /** A declared parameter (in scope from the function's start). */
    parameter?: boolean;
    owner: SyntaxNode | null;
}

/** `$Name`, `${Name}`, `$script:Name`, `@splat` -> name, scope, whether a splat; undefined for drive names ($env:X). */
function variableName(node: SyntaxNode): { name: string; scope?: string; splat: boolean } | undefined {
    const text = node.text.trim();
    const m = /^[$@]\{?(?:([A-Za-z]+):)?([^}]+?)\}?$/.exec(text);
    if (!m) return undefined;
    const scope = m[1]?.toLowerCase();
    if (scope && !["script", "global", "local", "private"].includes(scope)) return undefined;
    return { name: m[2].toLowerCase(), scope, splat: text.startsWith("@") };
}

type Range = [number, number];
const ranges = (nodes: SyntaxNode[]): Range[] => nodes.map((n) => [n.startIndex, n.endIndex]);
const within = (at: number, [from, to]: Range) => from <= at && at < to;

/** Whether the variable at `at` is what `=` writes: inside a left side, not in `$h[$k]` or `$o.P` there. */
function isTarget(at: number, lefts: Range[], accesses: Range[]): boolean {
    const left = lefts.find((l) => within(at, l));
    return !!left && !accesses.some((a) => within(at, a) && a[0] >= left[0] && a[1] <= left[1]);
}

/** The first read of each variable nothing assigned before it (one finding per name and function). */
export function undefinedVariables(root: SyntaxNode): VariableFinding[] {
    // Every node property read crosses into the native parser: native descendant queries, and
    // offsets read once as numbers, instead of walking the tree node by node (five times slower).
    const functions = root.descendantsOfType("function_statement").map((node) => ({ node, range: [node.startIndex, node.endIndex] as Range }));
    const owner = (at: number): SyntaxNode | null => {
        let best: { node: SyntaxNode; range: Range } | null = null;
        for (const f of functions) if (within(at, f.range) && (!best || f.range[0] >= best.range[0])) best = f;
        return best?.node ?? null;
    };
    const lefts = ranges(root.descendantsOfType("left_assignment_expression"));
    const accesses = ranges(root.descendantsOfType(["member_access", "element_access", "invokation_expression"]));
    const defs: Use[] = [];
    const reads: Use[] = [];
    const def = (node: SyntaxNode, name: string, at: number, scope?: string, parameter = false) => defs.push({ name: name.toLowerCase(), scope, node, at, parameter, owner: owner(at) });
    for (const n of root.descendantsOfType("variable")) {
        const v = variableName(n);
        if (!v) continue;
        const at = n.startIndex;
        const parent = n.parent?.type;
        if (!v.splat && (isTarget(at, lefts, accesses) || parent === "script_parameter" || parent === "foreach_statement")) def(n, v.name, at, v.scope, parent === "script_parameter");
        else reads.push({ ...v, node: n, at, owner: owner(at) });
    }
    for (const n of root.descendantsOfType("command")) {
        const name = n.childForFieldName("command_name")?.text ?? "";
        const elements = n.namedChildren.find((c) => c.type === "command_elements")?.namedChildren.filter((c) => c.type !== "command_argument_sep") ?? [];
        elements.forEach((el, i) => {
            const value = elements[i + 1]?.text.trim().replace(/^['"]|['"]$/g, "").replace(/^\+/, "");
            if (el.type === "command_parameter" && value && /^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) {
                if (OUT_VARIABLE_PARAMS.test(el.text.replace(/:$/, "")) || (VARIABLE_CMDLETS.test(name) && /^-Name$/i.test(el.text))) def(el, value, el.startIndex);
            }
        });
    }
    const byName = new Map<string, Use[]>();
    for (const d of defs) byName.set(d.name, [...(byName.get(d.name) ?? []), d]);
    const builtIn = new Set(reference().variables.map((v) => v.toLowerCase()));
    const findings: VariableFinding[] = [];
    const reported = new Set<string>();
    for (const r of reads) {
        if (builtIn.has(r.name)) continue;
        const at = r.at;
        const named = byName.get(r.name) ?? [];
        const scriptLevel = named.filter((d) => d.owner === null || d.scope === "script" || d.scope === "global");
        let ok: boolean;
        if (r.scope === "script" || r.scope === "global") ok = scriptLevel.length > 0;
        else if (r.owner === null) ok = scriptLevel.some((d) => d.at < at);
        else ok = scriptLevel.length > 0 || named.some((d) => d.owner === r.owner && (d.at < at || d.parameter));
        const key = `${r.name}@${r.owner?.id ?? -1}`;
        if (!ok && !reported.has(key)) {
            reported.add(key);
            findings.push({ node: r.node, name: r.node.text.trim() });
        }
    }
    return findings;
}
