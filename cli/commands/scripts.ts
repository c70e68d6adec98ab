// `labs scripts [FILE...]`: the PowerShell the labs run on their VMs, checked before it runs:
// parsed with tree-sitter-powershell and held against the cmdlet reference built from
// Microsoft's docs, the scripts' own functions and the installers' documented switches.
// Exit 0: no problem; 1: some (one line each, `file:line:col  rule  message`); 2: a file is missing.
import * as fs from "node:fs";
import * as path from "node:path";
import { UserError } from "../engine/errors";
import { PROJECT_ROOT } from "../locate";
import { RULES, checkFile, formatFinding, labScripts, type ScriptFinding } from "../../powershell/check";
import { reference } from "../../powershell/reference";

export interface ScriptsOptions {
    json?: boolean;
    rules?: boolean;
}

/** Runs the checker over `files` (none: labScripts), writes one line per finding, returns the exit code. */
export function scriptsCommand(files: string[], options: ScriptsOptions, write: (text: string) => void): number {
    if (options.rules) {
        write(Object.entries(RULES).map(([id, what]) => `${id.padEnd(22)} ${what}`).join("\n"));
        return 0;
    }
    const targets = files.length ? files.map((f) => path.resolve(f)) : labScripts(PROJECT_ROOT);
    for (const f of targets) if (!fs.existsSync(f)) throw new UserError(`${f}: no such script; name .ps1 files, or none for every script the labs run`);
    const findings: ScriptFinding[] = [];
    for (const file of targets) {
        try {
            findings.push(...checkFile(file));
        } catch (err) {
            // An `# @include` naming a file that is not there.
            throw new UserError(err instanceof Error ? err.message : String(err));
        }
    }
    const base = process.cwd();
    if (options.json) write(JSON.stringify({ scripts: targets.map((t) => path.relative(base, t)), findings: findings.map((f) => ({ ...f, file: path.relative(base, f.file) })) }, null, 2));
    else {
        for (const f of findings) write(formatFinding(f, base));
        const ref = reference();
        process.stderr.write(`${targets.length} script${targets.length === 1 ? "" : "s"} checked against ${Object.keys(ref.cmdlets).length} cmdlets (reference taken ${ref.taken}): ${findings.length ? `${findings.length} problem${findings.length === 1 ? "" : "s"}` : "no problems"}\n`);
    }
    return findings.length ? 1 : 0;
}
