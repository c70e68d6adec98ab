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
    owner: SyntaxNode | null;
}

/** `$Name`, `${Name}`, `$script:Name` -> name and scope; undefined for drive names ($env:X) and splats. */
function variableName(node: SyntaxNode): { name: string; scope?: string } | undefined {
    const text = node.text.trim();
    const m = /^[$@]\{?(?:([A-Za-z]+):)?([^}]+?)\}?$/.exec(text);
    if (!m) return undefined;
    const scope = m[1]?.toLowerCase();
    if (scope && !["script", "global", "local", "private"].includes(scope)) return undefined;
    return { name: m[2].toLowerCase(), scope };
}

function owner(node: SyntaxNode): SyntaxNode | null {
    for (let n = node.parent; n; n = n.parent) if (n.type === "function_statement") return n;
    return null;
}

/** A variable written, not read: the target of `=` itself (not `$h[$k] =` or `$o.P =`). */
function isAssignmentTarget(v: SyntaxNode): boolean {
    for (let n = v.parent; n; n = n.parent) {
        if (n.type === "left_assignment_expression") return true;
        if (n.type === "member_access" || n.type === "element_access" || n.type === "invokation_expression" || n.type === "pipeline" || n.type === "command") return false;
    }
    return false;
}

/** The first read of each variable nothing assigned before it (one finding per name and function). */
export function undefinedVariables(root: SyntaxNode): VariableFinding[] {
    const defs: Use[] = [];
    const reads: Use[] = [];
    const def = (node: SyntaxNode, name: string, scope?: string) => defs.push({ name: name.toLowerCase(), scope, node, owner: owner(node) });
    const visit = (n: SyntaxNode) => {
        if (n.type === "variable") {
            const v = variableName(n);
            if (v && !n.text.startsWith("@")) {
                const p = n.parent;
                if (p?.type === "script_parameter" || p?.type === "foreach_statement" || isAssignmentTarget(n)) def(n, v.name, v.scope);
                else reads.push({ ...v, node: n, owner: owner(n) });
            } else if (v && n.text.startsWith("@")) reads.push({ ...v, node: n, owner: owner(n) });
            return;
        }
        if (n.type === "command") {
            const name = n.childForFieldName("command_name")?.text ?? "";
            const elements = n.namedChildren.find((c) => c.type === "command_elements")?.namedChildren.filter((c) => c.type !== "command_argument_sep") ?? [];
            elements.forEach((el, i) => {
                const value = elements[i + 1]?.text.trim().replace(/^['"]|['"]$/g, "").replace(/^\+/, "");
                if (el.type === "command_parameter" && value && /^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) {
                    if (OUT_VARIABLE_PARAMS.test(el.text.replace(/:$/, "")) || (VARIABLE_CMDLETS.test(name) && /^-Name$/i.test(el.text))) def(el, value);
                }
            });
        }
        for (const c of n.namedChildren) visit(c);
    };
    visit(root);
    const builtIn = new Set(reference().variables.map((v) => v.toLowerCase()));
    const findings: VariableFinding[] = [];
    const reported = new Set<string>();
    for (const r of reads) {
        if (builtIn.has(r.name)) continue;
        const at = r.node.startIndex;
        const scriptLevel = defs.filter((d) => d.name === r.name && (d.owner === null || d.scope === "script" || d.scope === "global"));
        let ok: boolean;
        if (r.scope === "script" || r.scope === "global") ok = scriptLevel.length > 0;
        else if (r.owner === null) ok = scriptLevel.some((d) => d.node.startIndex < at);
        else ok = scriptLevel.length > 0 || defs.some((d) => d.name === r.name && d.owner === r.owner && (d.node.startIndex < at || d.node.parent?.type === "script_parameter"));
        const key = `${r.name}@${r.owner?.startIndex ?? -1}`;
        if (!ok && !reported.has(key)) {
            reported.add(key);
            findings.push({ node: r.node, name: r.node.text.trim() });
        }
    }
    return findings;
}
