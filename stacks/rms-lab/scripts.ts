// The PowerShell each step runs: a script from scripts/, with the shared helpers (logging,
// restarts, retry loops) put in right after its param block.
import * as fs from "node:fs";
import * as path from "node:path";

const DIR = path.join(__dirname, "scripts");
const INCLUDE = "# @include common.ps1";

export const SCRIPT_NAMES = [
    "Promote-DomainController",
    "Configure-DomainController",
    "Join-Domain",
    "Install-SqlExpress",
    "Install-AdRms",
    "Install-AdfsRole",
    "Prepare-EntraConnect",
    "New-ForestTrust",
] as const;
/** The scripts labs verify runs on the servers (read-only checks). */
export const VERIFY_SCRIPT_NAMES = ["Test-LabServer"] as const;
export type ScriptName = (typeof SCRIPT_NAMES)[number] | (typeof VERIFY_SCRIPT_NAMES)[number];

const cache = new Map<ScriptName, string>();

export function script(name: ScriptName): string {
    let text = cache.get(name);
    if (!text) {
        const body = fs.readFileSync(path.join(DIR, `${name}.ps1`), "utf8");
        if (!body.includes(INCLUDE)) throw new Error(`${name}.ps1 has no "${INCLUDE}" line after its param block`);
        text = body.replace(INCLUDE, fs.readFileSync(path.join(DIR, "common.ps1"), "utf8").trimEnd());
        cache.set(name, text);
    }
    return text;
}
