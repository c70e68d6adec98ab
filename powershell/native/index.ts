// Native installers' command lines, checked against their vendor's documented parameters
// (one data file per installer, with its source): `Start-Process -FilePath <setup.exe>
// -ArgumentList ...` or a direct call of the program. Arguments written as literal strings (or
// in an array assigned to a variable just before) are read; a computed value is not judged.
import type { SyntaxNode } from "../parse";
import { literalText } from "../signatures";

interface ParameterDoc {
    flag?: boolean;
    list?: boolean;
    values?: string[];
}

interface RequiredRule {
    all?: string[];
    any?: string[];
    when?: string[];
    whenValue?: Record<string, string>;
    why: string;
}

export interface InstallerDoc {
    installer: string;
    source: { page: string; commit: string; taken: string };
    /** Tested against the program's text (its -FilePath argument or command name). */
    matches: string;
    parameters: Record<string, ParameterDoc>;
    removed: Record<string, string>;
    features: string[];
    removedFeatures: Record<string, string>;
    required: RequiredRule[];
}

export const INSTALLERS: InstallerDoc[] = [require("./sql-server-2022-setup.json") as InstallerDoc];

export interface InstallerFinding {
    rule: "installer-parameter" | "installer-value" | "installer-missing";
    node: SyntaxNode;
    message: string;
}

export function installerFor(program: string): InstallerDoc | undefined {
    return INSTALLERS.find((i) => new RegExp(i.matches, "i").test(program));
}

/** Each argument node with its text: a literal's value, or the raw text of a computed string. */
function argumentText(node: SyntaxNode): string {
    return literalText(node) ?? node.text.trim().replace(/^"|"$/g, "");
}

/** `/NAME=value` or `/NAME` -> [NAME, value?]; other words (a value of the argument before) -> undefined. */
function option(text: string): [string, string | undefined] | undefined {
    const m = /^\/([A-Za-z_?][A-Za-z0-9_]*)(?:[=:](.*))?$/.exec(text);
    return m ? [m[1].toUpperCase(), m[2]] : undefined;
}

/** Checks one installer command line: its arguments as nodes (strings of the array, or words). */
export function checkInstallerArgs(doc: InstallerDoc, args: SyntaxNode[], at: SyntaxNode): InstallerFinding[] {
    const findings: InstallerFinding[] = [];
    const given = new Map<string, string | undefined>();
    const params = new Map(Object.entries(doc.parameters).map(([k, v]) => [k.toUpperCase(), v]));
    const features = new Map(doc.features.map((f) => [f.toUpperCase(), f]));
    const removedFeatures = new Map(Object.entries(doc.removedFeatures).map(([k, v]) => [k.toUpperCase(), v]));
    for (const node of args) {
        const text = argumentText(node);
        const opt = option(text);
        if (!opt) continue;
        const [name, raw] = opt;
        const value = raw?.replace(/^[`\\]?"|[`\\]?"$/g, "");
        given.set(name, value);
        const spec = params.get(name);
        if (!spec) {
            const removed = Object.entries(doc.removed).find(([k]) => k.toUpperCase() === name)?.[1];
            findings.push({ rule: "installer-parameter", node, message: `${doc.installer}: /${name} ${removed ? `is gone (${removed})` : "is not a documented setup parameter"} (${doc.source.page})` });
            continue;
        }
        const literal = value !== undefined && !/[$`]/.test(value);
        if (spec.flag && value !== undefined && !/^(true|1)$/i.test(value)) findings.push({ rule: "installer-value", node, message: `${doc.installer}: /${name} takes no value` });
        if (literal && spec.values && !spec.values.some((v) => v.toLowerCase() === value.toLowerCase())) {
            findings.push({ rule: "installer-value", node, message: `${doc.installer}: /${name}=${value} is not a documented value; accepted: ${spec.values.join(", ")}` });
        }
        if (literal && name === "FEATURES") {
            for (const f of value.split(",").map((s) => s.trim()).filter(Boolean)) {
                const gone = removedFeatures.get(f.toUpperCase());
                if (gone) findings.push({ rule: "installer-value", node, message: `${doc.installer}: feature ${f} is ${gone}` });
                else if (!features.has(f.toUpperCase())) findings.push({ rule: "installer-value", node, message: `${doc.installer}: ${f} is not a documented feature; documented: ${doc.features.join(", ")}` });
            }
        }
    }
    for (const rule of doc.required) {
        if (rule.when && !rule.when.some((w) => given.has(w))) continue;
        if (rule.whenValue && !Object.entries(rule.whenValue).every(([k, v]) => given.get(k)?.toLowerCase() === v.toLowerCase())) continue;
        const ok = (rule.all ?? []).every((r) => given.has(r)) && (!rule.any || rule.any.some((r) => given.has(r)));
        if (!ok) findings.push({ rule: "installer-missing", node: at, message: `${doc.installer}: ${rule.why} (${doc.source.page})` });
    }
    return findings;
}
