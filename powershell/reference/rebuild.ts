// Rebuilds cmdlets.json, the cmdlet reference the script checker reads, from Microsoft's own
// cmdlet documentation: each cmdlet's page (PlatyPS markdown) lists its parameter sets under
// SYNTAX and, under PARAMETERS, one YAML block per parameter and group of sets with its Type,
// Parameter Sets, Aliases, Accepted values, Required, Position and pipeline input.
//
//   npm run reference -- <windows-powershell-docs> <PowerShell-Docs>
//
// Both arguments are local checkouts (git clones) of github.com/MicrosoftDocs/windows-powershell-docs
// and github.com/MicrosoftDocs/PowerShell-Docs; their commits are recorded in the data file.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { CmdletReference, CmdletSpec, ParameterSpec } from "./index";

/** Windows Server modules, from the Windows Server 2022 docset (the RMS lab's modern forest; the 2016 docset lacks ServerManager). */
export const WINDOWS_DOCSET = "docset/winserver2022-ps";
export const WINDOWS_MODULES = [
    "ADDSDeployment",
    "ActiveDirectory",
    "ADCSDeployment",
    "ADRMS",
    "ADRMSAdmin",
    "ADFS",
    "DnsServer",
    "DnsClient",
    "ServerManager",
    "NetSecurity",
    "NetTCPIP",
    // Not called by the labs' scripts today, but by many lab scripts: a user's own Run Command too.
    "ScheduledTasks",
];
/** Windows PowerShell 5.1's own modules: Run Command runs scripts in Windows PowerShell 5.1. */
export const POWERSHELL_DOCSET = "reference/5.1";
export const POWERSHELL_MODULES = [
    "Microsoft.PowerShell.Core",
    "Microsoft.PowerShell.Management",
    "Microsoft.PowerShell.Utility",
    "Microsoft.PowerShell.Security",
    "CimCmdlets",
    "Microsoft.PowerShell.Archive",
    "Microsoft.PowerShell.LocalAccounts",
];
const ABOUT = "reference/5.1/Microsoft.PowerShell.Core/About";
const COMMON_PARAMETERS_PAGE = `${ABOUT}/about_CommonParameters.md`;
/** The built-in providers' drives (`- Drive - \`HKLM:\`, \`HKCU:\``); `C:` and other letters are the FileSystem's. */
const PROVIDERS_PAGE = `${ABOUT}/about_Providers.md`;
/** The variables PowerShell defines itself: a script reads them without assigning them. */
const VARIABLE_PAGES = [`${ABOUT}/about_Automatic_Variables.md`, `${ABOUT}/about_Preference_Variables.md`];

interface YamlBlock {
    type: string;
    sets: string[];
    aliases: string[];
    values: string[];
    required: boolean;
    position: number | null;
    pipeline: boolean;
    remaining?: boolean;
}

/**
 * PlatyPS' newer schema (a few pages, e.g. Write-Host): `Aliases: []`, `AcceptedValues: []`, and
 * a `ParameterSets:` list of `- Name:` entries with Position, IsRequired, ValueFromPipeline...,
 * ValueFromRemainingArguments. Gives one block per set.
 */
function newSchemaBlocks(yaml: string): YamlBlock[] {
    const field = (name: string, text = yaml) => new RegExp(`^\\s*${name}:[ \\t]*(.*)$`, "mi").exec(text)?.[1].trim() ?? "";
    const list = (name: string) => field(name).replace(/^\[|\]$/g, "").split(",").map((v) => v.trim().replace(/^'|'$/g, "")).filter(Boolean);
    return yaml.split(/^- Name:/m).slice(1).map((entry) => {
        const position = field("Position", entry);
        return {
            type: field("Type"),
            sets: [entry.split("\n")[0].trim()],
            aliases: list("Aliases"),
            values: list("AcceptedValues"),
            required: /^true/i.test(field("IsRequired", entry)),
            position: /^\d+$/.test(position) ? Number(position) : null,
            pipeline: /^true/i.test(field("ValueFromPipeline", entry)) || /^true/i.test(field("ValueFromPipelineByPropertyName", entry)),
            remaining: /^true/i.test(field("ValueFromRemainingArguments", entry)),
        };
    });
}

function yamlBlocks(section: string): YamlBlock[] {
    const blocks: YamlBlock[] = [];
    for (const m of section.matchAll(/```yaml\r?\n([\s\S]*?)```/g)) {
        if (/^ParameterSets:/m.test(m[1])) {
            blocks.push(...newSchemaBlocks(m[1]));
            continue;
        }
        const field = (name: string) => new RegExp(`^${name}:[ \\t]*(.*)$`, "mi").exec(m[1])?.[1].trim() ?? "";
        const list = (name: string) => field(name).split(",").map((s) => s.trim()).filter(Boolean);
        const position = field("Position");
        blocks.push({
            type: field("Type"),
            sets: list("Parameter Sets"),
            aliases: list("Aliases"),
            values: list("Accepted values"),
            required: /^true/i.test(field("Required")),
            position: /^\d+$/.test(position) ? Number(position) : null,
            pipeline: /^true/i.test(field("Accept pipeline input")),
        });
    }
    return blocks;
}

/** One cmdlet page, or undefined for a page that is not a cmdlet's (a module's overview). */
export function parseCmdletPage(page: string, module: string): [string, CmdletSpec] | undefined {
    // Some pages have CRLF line ends; `.` stops at a CR.
    const text = page.replace(/\r\n/g, "\n");
    const title = /^title:\s*(\S+)\s*$/m.exec(text)?.[1];
    if (!title || !/^[A-Za-z]+-[A-Za-z0-9]+$/.test(title) || !/^## SYNTAX/m.test(text)) return undefined;
    const syntax = /^## SYNTAX\s*$([\s\S]*?)^## /m.exec(text)?.[1] ?? "";
    const headings = [...syntax.matchAll(/^### (.+?)\s*$/gm)].map((m) => m[1]);
    // "### Path (Default)", or with provider pages "### propertyValuePathSet (Default) - Registry provider".
    const setName = (heading: string) => heading.replace(/\s*\(Default\)/, "").replace(/\s+-\s+.*$/, "").trim();
    const sets = [...new Set(headings.map(setName))];
    const defaultHeading = headings.find((h) => /\(Default\)/.test(h));
    const defaultSet = defaultHeading ? setName(defaultHeading) : undefined;
    // Pages of provider cmdlets give one syntax block per provider ("### nameSet - WSMan provider"):
    // a parameter only some provider's block names is that provider's dynamic parameter, there
    // only on its drives, so it is never mandatory elsewhere.
    const general = new Set<string>();
    const byProvider = new Map<string, string>();
    for (const block of syntax.split(/^### /m)) {
        const provider = /^.*?\s-\s+(.+?) provider\s*$/m.exec(block.split("\n")[0])?.[1];
        for (const m of block.matchAll(/\[?-([A-Za-z]+)\]?\s/g)) {
            if (!provider || provider === "All") general.add(m[1]);
            else if (!byProvider.has(m[1])) byProvider.set(m[1], provider);
        }
    }
    const parameters: Record<string, ParameterSpec> = {};
    const section = /^## PARAMETERS\s*$([\s\S]*?)(^## (?!#)|(?![\s\S]))/m.exec(text)?.[1] ?? "";
    const parts = section.split(/^### /m).slice(1);
    let common = false;
    for (const part of parts) {
        const name = /^-?(\S+)/.exec(part)?.[1] ?? "";
        if (name === "CommonParameters") {
            common = true;
            continue;
        }
        if (!part.startsWith("-")) continue;
        const blocks = yamlBlocks(part);
        if (blocks.length === 0) continue;
        const spec: ParameterSpec = { type: blocks[0].type, sets: {} };
        const aliases = [...new Set(blocks.flatMap((b) => b.aliases))];
        if (aliases.length) spec.aliases = aliases;
        const values = [...new Set(blocks.flatMap((b) => b.values))];
        if (values.length) spec.values = values;
        for (const b of blocks) {
            for (const set of b.sets.length ? b.sets : ["(All)"]) {
                // Only what is true is written: a named, optional parameter in a set is `{}`.
                spec.sets[set] = { ...(b.required ? { required: true } : {}), ...(b.position !== null ? { position: b.position } : {}), ...(b.pipeline ? { pipeline: true } : {}), ...(b.remaining ? { remaining: true } : {}) };
                if (set !== "(All)" && !sets.includes(set)) sets.push(set);
            }
        }
        const provider = !general.has(name) ? byProvider.get(name) : undefined;
        if (provider) {
            spec.provider = provider;
            for (const use of Object.values(spec.sets)) delete use.required;
        }
        parameters[name] = spec;
    }
    if (sets.length === 0) sets.push("__AllParameterSets");
    // NOTES: "Windows PowerShell includes the following aliases for `ForEach-Object`:" then a list.
    const aliasList = /following aliases for `[^`]+`:\s*\n((?:[ \t]*-[ \t]+`[^`]+`.*\n?)+)/.exec(text)?.[1] ?? "";
    const aliases = [...aliasList.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    return [title, { module, sets, ...(defaultSet ? { defaultSet } : {}), common, ...(aliases.length ? { aliases } : {}), parameters }];
}

/** The common parameters every cmdlet and advanced function has, from about_CommonParameters (5.1). */
export function parseCommonParameters(text: string): Record<string, ParameterSpec> {
    const section = /^## Common parameters\s*$([\s\S]*?)^## /m.exec(text)?.[1] ?? "";
    const out: Record<string, ParameterSpec> = {};
    for (const part of section.split(/^### -/m).slice(1)) {
        const name = /^(\S+)/.exec(part)![1];
        // The page is Windows PowerShell 5.1's, but mentions parameters of later versions.
        if (/added in\s+PowerShell 7/i.test(part)) continue;
        const [b] = yamlBlocks(part);
        if (!b) continue;
        out[name] = { type: b.type, ...(b.aliases.length ? { aliases: b.aliases } : {}), ...(b.values.length ? { values: b.values } : {}), sets: { "(All)": {} } };
    }
    return out;
}

/** Variable names from the headings of about_Automatic_Variables and about_Preference_Variables (`### \`$Error\``, `## $MAXIMUMHISTORYCOUNT`). */
export function parseVariableNames(text: string): string[] {
    const names = [...text.matchAll(/^#{2,3} `?\$([A-Za-z_?^$][A-Za-z0-9_]*|[?^$])`?\s*$/gm)].map((m) => m[1]);
    // `$Log*Event` stands for the six LogXxxEvent preference variables; they are rarely read, left out.
    return names;
}

export function parseDrives(text: string): string[] {
    return [...text.matchAll(/^\s*- Drive - (.+)$/gm)].flatMap((m) => [...m[1].matchAll(/`([A-Za-z][A-Za-z0-9]+):`/g)].map((d) => d[1]));
}

function commit(checkout: string): string {
    try {
        return execFileSync("git", ["-C", checkout, "rev-parse", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
        throw new Error(`${checkout} is not a git checkout: clone the repository and pass its folder, so the data file can record the commit it was built from`);
    }
}

function modulePages(checkout: string, docset: string, module: string): string[] {
    const dir = path.join(checkout, docset, module);
    if (!fs.existsSync(dir)) throw new Error(`${dir} does not exist: is ${checkout} a checkout of the right repository?`);
    return fs.readdirSync(dir).filter((f) => f.endsWith(".md")).sort().map((f) => path.join(dir, f));
}

export function rebuild(windowsDocs: string, powershellDocs: string): CmdletReference {
    const cmdlets: Record<string, CmdletSpec> = {};
    const read = (checkout: string, docset: string, modules: string[]) => {
        for (const module of modules) {
            for (const page of modulePages(checkout, docset, module)) {
                const parsed = parseCmdletPage(fs.readFileSync(page, "utf8"), module);
                if (parsed) cmdlets[parsed[0]] = parsed[1];
            }
        }
    };
    read(windowsDocs, WINDOWS_DOCSET, WINDOWS_MODULES);
    read(powershellDocs, POWERSHELL_DOCSET, POWERSHELL_MODULES);
    const sorted = Object.fromEntries(Object.entries(cmdlets).sort(([a], [b]) => a.localeCompare(b)));
    return {
        source: [
            { repository: "https://github.com/MicrosoftDocs/windows-powershell-docs", commit: commit(windowsDocs), path: WINDOWS_DOCSET, modules: WINDOWS_MODULES },
            { repository: "https://github.com/MicrosoftDocs/PowerShell-Docs", commit: commit(powershellDocs), path: POWERSHELL_DOCSET, modules: POWERSHELL_MODULES },
        ],
        taken: new Date().toISOString().slice(0, 10),
        variables: [...new Set(VARIABLE_PAGES.flatMap((p) => parseVariableNames(fs.readFileSync(path.join(powershellDocs, p), "utf8"))))].sort((a, b) => a.localeCompare(b)),
        drives: parseDrives(fs.readFileSync(path.join(powershellDocs, PROVIDERS_PAGE), "utf8")),
        commonParameters: parseCommonParameters(fs.readFileSync(path.join(powershellDocs, COMMON_PARAMETERS_PAGE), "utf8")),
        cmdlets: sorted,
    };
}

/** One cmdlet per line: a refresh shows as a readable diff. */
export function serialize(reference: CmdletReference): string {
    const { cmdlets, ...head } = reference;
    const lines = Object.entries(cmdlets).map(([name, spec]) => `    ${JSON.stringify(name)}: ${JSON.stringify(spec)}`);
    const top = JSON.stringify(head, null, 2).replace(/\n}$/, "");
    return `${top},\n  "cmdlets": {\n${lines.join(",\n")}\n  }\n}\n`;
}

if (require.main === module) {
    const [windowsDocs, powershellDocs] = process.argv.slice(2);
    if (!windowsDocs || !powershellDocs) {
        process.stderr.write("usage: npm run reference -- <windows-powershell-docs checkout> <PowerShell-Docs checkout>\n");
        process.exit(2);
    }
    let reference: CmdletReference;
    try {
        reference = rebuild(windowsDocs, powershellDocs);
    } catch (err) {
        process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(2);
    }
    const out = path.join(__dirname, "cmdlets.json");
    fs.writeFileSync(out, serialize(reference));
    process.stdout.write(`${out}: ${Object.keys(reference.cmdlets).length} cmdlets\n`);
}
