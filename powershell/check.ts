// The script checker: a PowerShell script (with its includes) parsed with tree-sitter and
// checked against the cmdlet reference, its own functions' param blocks, the installers'
// documented command lines and, for a Run Command, the parameters the deployment passes.
import * as fs from "node:fs";
import * as path from "node:path";
import { type BindRule, bindCommand, type SplatKeys } from "./bind";
import { checkInstallerArgs, installerFor } from "./native";
import { type Location, type Source, type SyntaxNode, locate, parse, readSource } from "./parse";
import { findCmdlet, reference } from "./reference";
import { type Signature, cmdletSignature, declaredParams, functionSignature, literalText } from "./signatures";
import { undefinedVariables } from "./variables";

/** Every rule, with what it finds: `labs scripts` and the docs print these. */
export const RULES = {
    "parse-error": "the script does not parse (tree-sitter ERROR or MISSING node)",
    "unknown-command": "a command that is neither in the cmdlet reference nor a function the script defines",
    "unknown-parameter": "a parameter the cmdlet or function does not have",
    "ambiguous-parameter": "a parameter prefix that matches more than one parameter",
    "missing-value": "a parameter that needs a value and has none",
    "switch-value": "a switch given a value it cannot take (a string, or $true/$false after a space)",
    "value-not-accepted": "a literal value outside the parameter's documented accepted values",
    "splat-unknown-key": "a key of a splatted literal hashtable that is not a parameter",
    "parameter-set": "parameters that are in no parameter set together",
    "extra-argument": "a positional argument no parameter can take",
    "missing-mandatory": "a mandatory parameter missing in every possible parameter set",
    "unknown-drive": "a path on a drive that is neither built in (about_Providers) nor created by the script's New-PSDrive",
    "undefined-variable": "a variable read before anything assigns it (a typo such as $DomianName)",
    "run-command-parameter": "a Run Command parameter the deployment passes that the script's param block does not declare",
    "run-command-missing": "a mandatory script parameter the deployment never passes",
    "installer-parameter": "an installer switch its vendor does not document for this version",
    "installer-value": "an installer value or feature its vendor does not document",
    "installer-missing": "an installer switch the documentation requires for this command line",
} as const;
export type Rule = keyof typeof RULES;

export interface ScriptFinding extends Location {
    rule: Rule;
    message: string;
}

/** What a Run Command resource passes to its script (names only). */
export interface RunCommandInput {
    parameters: string[];
    protectedParameters: string[];
}

function syntaxErrors(root: SyntaxNode): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    const visit = (n: SyntaxNode) => {
        if (n.type === "ERROR" || n.isMissing) {
            out.push(n);
            return;
        }
        if (n.hasError) for (const c of n.children) visit(c);
    };
    visit(root);
    return out;
}

function descendants(root: SyntaxNode, type: string): SyntaxNode[] {
    return root.descendantsOfType(type);
}

/** Keys of the literal hashtable last assigned to `$name` before `at`, or undefined. */
function splatKeysIn(root: SyntaxNode): SplatKeys {
    const assignments = descendants(root, "assignment_expression");
    return (name, at) => {
        if (/^(PSBoundParameters|args)$/i.test(name)) return undefined;
        const last = assignments
            .filter((a) => a.startIndex < at.startIndex && a.namedChildren[0]?.text.trim().toLowerCase() === `$${name.toLowerCase()}`)
            .pop();
        const hash = last ? descendants(last.namedChildren[last.namedChildCount - 1], "hash_literal_expression")[0] : undefined;
        if (!hash) return undefined;
        const keys: Array<{ key: string; node: SyntaxNode }> = [];
        for (const entry of descendants(hash, "hash_entry").filter((e) => e.parent?.parent === hash)) {
            const keyNode = entry.namedChildren.find((c) => c.type === "key_expression");
            const key = keyNode ? (keyNode.namedChildren[0]?.type === "simple_name" ? keyNode.text : literalText(keyNode)) : undefined;
            if (key === undefined) return undefined;
            keys.push({ key, node: keyNode! });
        }
        return keys;
    };
}

function isPiped(command: SyntaxNode): boolean {
    return command.parent?.type === "pipeline_chain" && command.parent.namedChildren.indexOf(command) > 0;
}

function argumentList(command: SyntaxNode, root: SyntaxNode): SyntaxNode[] | undefined {
    const elements = command.namedChildren.find((c) => c.type === "command_elements")?.namedChildren.filter((c) => c.type !== "command_argument_sep") ?? [];
    const i = elements.findIndex((e) => e.type === "command_parameter" && /^-(ArgumentList|Args)$/i.test(e.text.replace(/:$/, "")));
    const value = i >= 0 ? elements[i + 1] : undefined;
    if (!value) return undefined;
    const strings = (n: SyntaxNode) => descendants(n, "string_literal");
    const variable = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(value.text.trim());
    if (!variable) return strings(value);
    const last = descendants(root, "assignment_expression")
        .filter((a) => a.startIndex < command.startIndex && a.namedChildren[0]?.text.trim().toLowerCase() === `$${variable[1].toLowerCase()}`)
        .pop();
    return last ? strings(last.namedChildren[last.namedChildCount - 1]) : undefined;
}

const PATH_PARAMS = /^-(Path|LiteralPath|PSPath|LP|Destination)$/i;

/** Paths on drives nobody defines: `HKML:\...`, or a provider drive the script never creates. */
function unknownDrives(root: SyntaxNode, add: (node: SyntaxNode, rule: Rule, message: string) => void): void {
    const known = new Set(reference().drives.map((d) => d.toLowerCase()));
    const commands = descendants(root, "command");
    for (const c of commands) {
        if (!/^New-PSDrive$/i.test(c.childForFieldName("command_name")?.text ?? "")) continue;
        const name = namedValue(c, /^-Name$/i);
        const text = name ? literalText(name) : undefined;
        if (text) known.add(text.toLowerCase());
    }
    for (const c of commands) {
        const elements = c.namedChildren.find((e) => e.type === "command_elements")?.namedChildren.filter((e) => e.type !== "command_argument_sep") ?? [];
        elements.forEach((el, i) => {
            const value = el.type === "command_parameter" && PATH_PARAMS.test(el.text.replace(/:$/, "")) ? elements[i + 1] : undefined;
            const text = value ? literalText(value) : undefined;
            const drive = text ? /^([A-Za-z][A-Za-z0-9]+):(?:[\\/]|$)/.exec(text)?.[1] : undefined;
            if (value && drive && !known.has(drive.toLowerCase())) {
                add(value, "unknown-drive", `${drive}: is neither a built-in drive (${reference().drives.map((d) => `${d}:`).join(", ")}) nor one this script creates with New-PSDrive`);
            }
        });
    }
}

function namedValue(command: SyntaxNode, param: RegExp): SyntaxNode | undefined {
    const elements = command.namedChildren.find((c) => c.type === "command_elements")?.namedChildren.filter((c) => c.type !== "command_argument_sep") ?? [];
    const i = elements.findIndex((e) => e.type === "command_parameter" && param.test(e.text.replace(/:$/, "")));
    return i >= 0 ? elements[i + 1] : elements.find((e) => e.type !== "command_parameter");
}

/**
 * Checks one script. Returns findings with file:line:column (1-based) in the file each line came
 * from (an included file's own lines for what came from it), sorted by file and position; an
 * empty list when the script is clean. Text that does not parse gives parse-error findings (and
 * no others), never a throw. `runCommand` adds the run-command-* rules.
 */
export function checkScript(source: Source, runCommand?: RunCommandInput): ScriptFinding[] {
    const tree = parse(source.text);
    const root = tree.rootNode;
    const out: ScriptFinding[] = [];
    const add = (node: SyntaxNode, rule: Rule, message: string) => out.push({ ...locate(source, node.startPosition.row, node.startPosition.column), rule, message });
    const errors = syntaxErrors(root);
    if (errors.length) {
        for (const e of errors) add(e, "parse-error", e.isMissing ? `missing ${e.type}` : `cannot parse ${JSON.stringify(e.text.split("\n")[0].slice(0, 60))}`);
        return out;
    }
    const functions = new Map<string, Signature>(descendants(root, "function_statement").map((f) => {
        const sig = functionSignature(f);
        return [sig.name.toLowerCase(), sig];
    }));
    const splatKeys = splatKeysIn(root);
    for (const command of descendants(root, "command")) {
        const nameNode = command.childForFieldName("command_name");
        if (!nameNode || nameNode.type !== "command_name") continue;
        const name = nameNode.text;
        if (/[\\/]|\.[A-Za-z0-9]+$/.test(name)) {
            const doc = installerFor(name);
            if (doc) for (const f of checkInstallerArgs(doc, command.namedChildren.find((c) => c.type === "command_elements")?.namedChildren.filter((c) => c.type !== "command_argument_sep") ?? [], command)) add(f.node, f.rule, f.message);
            continue;
        }
        const cmdlet = findCmdlet(name);
        const sig = functions.get(name.toLowerCase()) ?? (cmdlet ? cmdletSignature(cmdlet[0], cmdlet[1]) : undefined);
        if (!sig) {
            // Cmdlets and functions are Verb-Noun; a bare word that is no alias is a program on the
            // PATH (netsh, certutil, w32tm), which nothing here can know.
            if (name.includes("-")) {
                add(nameNode, "unknown-command", `${name} is neither a cmdlet of the reference (powershell/reference/cmdlets.json) nor a function this script defines; a cmdlet of another module needs that module in powershell/reference/rebuild.ts and the reference rebuilt`);
            }
            continue;
        }
        for (const f of bindCommand(sig, command, isPiped(command), splatKeys)) add(f.node, f.rule as BindRule, f.message);
        if (sig.kind === "cmdlet" && sig.name === "Start-Process") {
            const file = namedValue(command, /^-(FilePath|PSPath|Path)$/i);
            const doc = file ? installerFor(file.text) : undefined;
            const args = doc ? argumentList(command, root) : undefined;
            if (doc && args) for (const f of checkInstallerArgs(doc, args, command)) add(f.node, f.rule, f.message);
        }
    }
    unknownDrives(root, add);
    for (const v of undefinedVariables(root)) add(v.node, "undefined-variable", `${v.name} is read before anything assigns it`);
    if (runCommand) checkRunCommand(root, runCommand, add);
    return out.sort((a, b) => (a.file === b.file ? a.line - b.line || a.column - b.column : a.file.localeCompare(b.file)));
}

function checkRunCommand(root: SyntaxNode, input: RunCommandInput, add: (node: SyntaxNode, rule: Rule, message: string) => void): void {
    const block = root.namedChildren.find((c) => c.type === "param_block");
    const { params } = declaredParams(block?.namedChildren.find((c) => c.type === "parameter_list"));
    const at = block ?? root;
    const declared = new Map(params.map((p) => [p.name.toLowerCase(), p]));
    const passed = new Set([...input.parameters, ...input.protectedParameters].map((p) => p.toLowerCase()));
    for (const [list, kind] of [[input.parameters, "parameter"], [input.protectedParameters, "protected parameter"]] as const) {
        for (const name of list) if (!declared.has(name.toLowerCase())) add(at, "run-command-parameter", `the deployment passes the ${kind} ${name}, which the script's param block does not declare`);
    }
    for (const p of params) if (p.mandatory && !passed.has(p.name.toLowerCase())) add(p.node, "run-command-missing", `the script's mandatory parameter $${p.name} is never passed by the deployment`);
}

/** checkScript on a file read with its `# @include` lines resolved; throws when an included file is missing. */
export function checkFile(file: string, runCommand?: RunCommandInput): ScriptFinding[] {
    return checkScript(readSource(file), runCommand);
}

/** Every script the labs run: stacks/<lab>/scripts/*.ps1, less those only included by others. */
export function labScripts(root: string): string[] {
    const stacks = path.join(root, "stacks");
    const files = fs.readdirSync(stacks).flatMap((lab) => {
        const dir = path.join(stacks, lab, "scripts");
        return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".ps1")).map((f) => path.join(dir, f)) : [];
    });
    const included = new Set(files.flatMap((f) => [...fs.readFileSync(f, "utf8").matchAll(/^[ \t]*#[ \t]*@include[ \t]+(\S+)/gm)].map((m) => path.join(path.dirname(f), m[1]))));
    return files.filter((f) => !included.has(f)).sort();
}

/** `file:line:col  rule  message`, the file relative to `base`. */
export function formatFinding(f: ScriptFinding, base: string): string {
    const rel = path.isAbsolute(f.file) ? path.relative(base, f.file) : f.file;
    return `${rel}:${f.line}:${f.column}  ${f.rule}  ${f.message}`;
}
