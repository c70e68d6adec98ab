// What a command accepts, the same shape for a cmdlet of the reference and for a function a
// script defines (its param block): parameters with aliases, switch or not, accepted values,
// and per parameter set whether each is mandatory, positional or fed by the pipeline.
import type { SyntaxNode } from "./parse";
import { type CmdletSpec, type SetUse, isSwitch, reference } from "./reference";

export const ALL_SETS = "(All)";

export interface Param {
    name: string;
    aliases: string[];
    isSwitch: boolean;
    /** Of an array type (`String[]`): it may be the one that takes left-over arguments (below). */
    isArray: boolean;
    /** Accepted values (documented, or a function's ValidateSet), compared case-insensitively. */
    values?: string[];
    sets: Record<string, SetUse>;
}

export interface Signature {
    name: string;
    kind: "cmdlet" | "function";
    sets: string[];
    params: Param[];
    /** Where a function is defined (for messages). */
    node?: SyntaxNode;
}

export function useIn(p: Param, set: string): SetUse | undefined {
    return p.sets[set] ?? p.sets[ALL_SETS];
}

function commonParams(): Param[] {
    return Object.entries(reference().commonParameters).map(([name, spec]) => ({ name, aliases: spec.aliases ?? [], isSwitch: isSwitch(spec), isArray: false, values: spec.values, sets: spec.sets }));
}

/** A cmdlet of the reference as a Signature, with the common parameters when the cmdlet takes them. */
export function cmdletSignature(name: string, spec: CmdletSpec): Signature {
    const params: Param[] = Object.entries(spec.parameters).map(([n, p]) => ({ name: n, aliases: p.aliases ?? [], isSwitch: isSwitch(p), isArray: p.type.endsWith("[]"), values: p.values, sets: p.sets }));
    return { name, kind: "cmdlet", sets: spec.sets, params: spec.common ? [...params, ...commonParams()] : params };
}

/** The text of a string literal or bareword without its quotes, or undefined for anything computed. */
export function literalText(node: SyntaxNode): string | undefined {
    let n = node;
    // Unwrap the expression layers the grammar puts around a single value.
    while (n.namedChildCount === 1 && !["string_literal", "generic_token", "variable", "integer_literal"].includes(n.type)) n = n.namedChildren[0];
    if (n.type === "generic_token" || n.type === "integer_literal") return n.text;
    if (n.type === "string_literal") {
        const inner = n.namedChildren[0];
        if (!inner) return undefined;
        if (inner.type === "verbatim_string_characters") return inner.text.replace(/^'|'$/g, "").replace(/''/g, "'");
        // An expandable string with a variable or subexpression inside is computed.
        if (inner.type === "expandable_string_literal" && inner.namedChildCount === 0 && !/[$`]/.test(inner.text)) return inner.text.replace(/^"|"$/g, "");
    }
    return undefined;
}

interface AttributeArgs {
    name: string;
    args: Array<{ name?: string; value?: SyntaxNode; positional?: SyntaxNode }>;
}

function attributes(param: SyntaxNode): AttributeArgs[] {
    const list = param.namedChildren.find((c) => c.type === "attribute_list");
    if (!list) return [];
    return list.namedChildren.map((a) => {
        const typeLiteral = a.namedChildren.find((c) => c.type === "type_literal");
        if (typeLiteral) return { name: `[${typeLiteral.text.replace(/^\[|\]$/g, "")}]`, args: [] };
        const name = a.namedChildren.find((c) => c.type === "attribute_name")?.text ?? "";
        const argsNode = a.namedChildren.find((c) => c.type === "attribute_arguments");
        const args = (argsNode?.namedChildren ?? []).map((arg) => {
            const simple = arg.namedChildren.find((c) => c.type === "simple_name");
            const rest = arg.namedChildren.filter((c) => c !== simple);
            return simple ? { name: simple.text, value: rest[0] } : { positional: arg };
        });
        return { name, args };
    });
}

/** A script's or function's declared parameters, from a parameter_list node. */
export interface DeclaredParam extends Param {
    node: SyntaxNode;
    /** Declared with [Parameter(Mandatory)] in some set. */
    mandatory: boolean;
}

/**
 * The parameters a `parameter_list` node declares ([switch], [Parameter(Mandatory, Position,
 * ParameterSetName, ValueFromPipeline...)], [Alias()], [ValidateSet()]); `advanced` when any has
 * a [Parameter()] attribute (the function then takes the common parameters too).
 */
export function declaredParams(list: SyntaxNode | undefined): { params: DeclaredParam[]; advanced: boolean } {
    if (!list) return { params: [], advanced: false };
    let advanced = false;
    const raw = list.namedChildren.filter((c) => c.type === "script_parameter").map((p) => {
        const variable = p.namedChildren.find((c) => c.type === "variable");
        const name = (variable?.text ?? "$").replace(/^\$\{?|\}$/g, "");
        let sw = false;
        let mandatory = false;
        let position: number | undefined;
        let pipeline = false;
        let remaining = false;
        const setNames: string[] = [];
        const aliases: string[] = [];
        let values: string[] | undefined;
        for (const attr of attributes(p)) {
            const lower = attr.name.toLowerCase();
            if (lower === "[switch]" || lower === "[system.management.automation.switchparameter]") sw = true;
            else if (lower === "parameter") {
                advanced = true;
                for (const a of attr.args) {
                    const key = a.name?.toLowerCase();
                    const text = a.value?.text.trim().toLowerCase();
                    if (key === "mandatory") mandatory = text === undefined || text === "$true" || text === "1";
                    else if (key === "position" && a.value && /^\d+$/.test(a.value.text.trim())) position = Number(a.value.text.trim());
                    else if (key === "parametersetname" && a.value) setNames.push(literalText(a.value) ?? a.value.text);
                    else if (key === "valuefrompipeline" || key === "valuefrompipelinebypropertyname") pipeline = text === undefined || text === "$true";
                    else if (key === "valuefromremainingarguments") remaining = text === undefined || text === "$true";
                }
            } else if (lower === "alias") aliases.push(...attr.args.flatMap((a) => (a.positional ? a.positional.text.split(",").map((s) => s.trim().replace(/^['"]|['"]$/g, "")) : [])));
            else if (lower === "validateset") values = attr.args.flatMap((a) => (a.positional ? a.positional.text.split(",").map((s) => s.trim().replace(/^['"]|['"]$/g, "")) : []));
        }
        const array = /\[\s*[A-Za-z.]+\[\]\s*\]/.test(p.text);
        return { node: p, name, isSwitch: sw, mandatory, position, pipeline, remaining, array, setNames, aliases, values };
    });
    // Without any explicit Position, parameters bind by position in declaration order (switches never).
    const explicit = raw.some((r) => r.position !== undefined);
    let next = 0;
    const params = raw.map((r): DeclaredParam => {
        const position = r.isSwitch ? undefined : explicit ? r.position : next++;
        const use: SetUse = { ...(r.mandatory ? { required: true } : {}), ...(position !== undefined ? { position } : {}), ...(r.pipeline ? { pipeline: true } : {}), ...(r.remaining ? { remaining: true } : {}) };
        const sets = r.setNames.length ? Object.fromEntries(r.setNames.map((s) => [s, use])) : { [ALL_SETS]: use };
        return { node: r.node, name: r.name, aliases: r.aliases, isSwitch: r.isSwitch, isArray: r.array, values: r.values, sets, mandatory: r.mandatory };
    });
    return { params, advanced };
}

/** The parameter_list of a function: `function F($a) {}` or `function F { param($a) }`. */
export function functionParamList(fn: SyntaxNode): { list?: SyntaxNode; cmdletBinding: boolean } {
    const decl = fn.namedChildren.find((c) => c.type === "function_parameter_declaration");
    if (decl) return { list: decl.namedChildren.find((c) => c.type === "parameter_list"), cmdletBinding: false };
    const body = fn.namedChildren.find((c) => c.type === "script_block");
    const block = body?.namedChildren.find((c) => c.type === "param_block");
    return { list: block?.namedChildren.find((c) => c.type === "parameter_list"), cmdletBinding: /\[\s*CmdletBinding/i.test(block?.text ?? "") };
}

/** A `function_statement` node as a Signature: its param block, its parameter sets. */
export function functionSignature(fn: SyntaxNode): Signature {
    const name = fn.namedChildren.find((c) => c.type === "function_name")?.text ?? "";
    const { list, cmdletBinding } = functionParamList(fn);
    const { params, advanced } = declaredParams(list);
    const sets = [...new Set(params.flatMap((p) => Object.keys(p.sets).filter((s) => s !== ALL_SETS)))];
    return { name, kind: "function", sets: sets.length ? sets : ["__AllParameterSets"], params: advanced || cmdletBinding ? [...params, ...commonParams()] : params, node: fn };
}
