// The cmdlet reference: how rebuild.ts reads a cmdlet page, and that the shipped data file
// says where it came from and holds what the checker relies on.
import { describe, expect, it } from "vitest";
import { findCmdlet, reference } from "../../powershell/reference";
import { parseCmdletPage, parseCommonParameters, parseDrives, parseVariableNames } from "../../powershell/reference/rebuild";

const yaml = (fields: Record<string, string>) => ["```yaml", ...Object.entries(fields).map(([k, v]) => `${k}: ${v}`), "```"].join("\n");
const param = (name: string, fields: Record<string, string>) => `### -${name}\n\nWhat it does.\n\n${yaml(fields)}\n`;

const PAGE = `---
Module Name: Demo
title: Set-Demo
---
# Set-Demo

## SYNTAX

### ByName (Default)

\`\`\`
Set-Demo [-Name] <String> [-Force] [<CommonParameters>]
\`\`\`

### ById - All providers

\`\`\`
Set-Demo -Id <Int32> [-Force] [<CommonParameters>]
\`\`\`

### ById - Registry provider

\`\`\`
Set-Demo -Id <Int32> -Type <RegistryValueKind> [<CommonParameters>]
\`\`\`

## PARAMETERS

${param("Force", { Type: "System.Management.Automation.SwitchParameter", "Parameter Sets": "(All)", Aliases: "f", Required: "False", Position: "Named", "Accept pipeline input": "False" })}
${param("Id", { Type: "System.Int32", "Parameter Sets": "ById", Aliases: "", Required: "True", Position: "Named", "Accept pipeline input": "True (ByPropertyName)" })}
${param("Name", { Type: "System.String", "Parameter Sets": "ByName", Aliases: "N, DisplayName", "Accepted values": "One, Two", Required: "True", Position: "0", "Accept pipeline input": "False" })}
${param("Type", { Type: "Microsoft.Win32.RegistryValueKind", "Parameter Sets": "ById", Aliases: "", Required: "True", Position: "Named", "Accept pipeline input": "False" })}
### CommonParameters

This cmdlet supports the common parameters.

## INPUTS

## NOTES

Windows PowerShell includes the following aliases for \`Set-Demo\`:\r
\r
- \`sd\`\r
- \`demo\`\r
`;

describe("rebuild.ts reading Microsoft's cmdlet pages", () => {
    it("reads sets, the default set, aliases, accepted values, and per set what is mandatory, positional, piped", () => {
        const [name, spec] = parseCmdletPage(PAGE, "Demo")!;
        expect(name).toBe("Set-Demo");
        expect(spec.sets).toEqual(["ByName", "ById"]);
        expect(spec.defaultSet).toBe("ByName");
        expect(spec.common).toBe(true);
        expect(spec.parameters.Force).toEqual({ type: "System.Management.Automation.SwitchParameter", aliases: ["f"], sets: { "(All)": {} } });
        expect(spec.parameters.Name).toEqual({ type: "System.String", aliases: ["N", "DisplayName"], values: ["One", "Two"], sets: { ByName: { required: true, position: 0 } } });
        expect(spec.parameters.Id.sets).toEqual({ ById: { required: true, pipeline: true } });
    });

    it("reads the cmdlet's own aliases from its notes, CRLF line ends included", () => {
        expect(parseCmdletPage(PAGE, "Demo")![1].aliases).toEqual(["sd", "demo"]);
    });

    it("never makes a provider's dynamic parameter mandatory (it exists only on that provider's drives)", () => {
        const [, spec] = parseCmdletPage(PAGE, "Demo")!;
        expect(spec.parameters.Type).toEqual({ type: "Microsoft.Win32.RegistryValueKind", provider: "Registry", sets: { ById: {} } });
    });

    it("skips a module's overview page", () => {
        expect(parseCmdletPage("---\ntitle: Demo Module\n---\n# Demo\n", "Demo")).toBeUndefined();
    });

    it("reads the common parameters, automatic variables and drives of Windows PowerShell 5.1, not later versions'", () => {
        const common = parseCommonParameters(`## Common parameters\n\n${param("Verbose", { Type: "SwitchParameter", Aliases: "vb" })}\n### -ProgressAction\n\nThe \`ProgressAction\` parameter was added in\nPowerShell 7.4.\n\n${yaml({ Type: "ActionPreference", Aliases: "proga" })}\n\n## Risk management parameters\n`);
        expect(Object.keys(common)).toEqual(["Verbose"]);
        expect(parseVariableNames("### `$_`\n\n### `$PSBoundParameters`\n\n## $MAXIMUMHISTORYCOUNT\n")).toEqual(["_", "PSBoundParameters", "MAXIMUMHISTORYCOUNT"]);
        expect(parseDrives("- **Registry** provider\n  - Drive - `HKLM:`, `HKCU:`\n")).toEqual(["HKLM", "HKCU"]);
    });
});

describe("the shipped reference (powershell/reference/cmdlets.json)", () => {
    const ref = reference();

    it("says where it came from: both repositories at a commit, and the day it was taken", () => {
        expect(ref.source.map((s) => s.repository)).toEqual(["https://github.com/MicrosoftDocs/windows-powershell-docs", "https://github.com/MicrosoftDocs/PowerShell-Docs"]);
        for (const s of ref.source) expect(s.commit).toMatch(/^[0-9a-f]{40}$/);
        expect(ref.taken).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    });

    it("covers every module the labs' scripts call", () => {
        const modules = new Set(Object.values(ref.cmdlets).map((c) => c.module));
        for (const m of ["ADDSDeployment", "ActiveDirectory", "ADCSDeployment", "ADRMS", "ADRMSAdmin", "ADFS", "DnsServer", "DnsClient", "ServerManager", "NetSecurity", "NetTCPIP", "CimCmdlets", "Microsoft.PowerShell.Core", "Microsoft.PowerShell.Management", "Microsoft.PowerShell.Utility", "Microsoft.PowerShell.Security"]) {
            expect({ module: m, covered: modules.has(m) }).toEqual({ module: m, covered: true });
        }
    });

    it("knows Install-ADDSForest as Microsoft documents it", () => {
        const [name, spec] = findCmdlet("install-addsforest")!;
        expect(name).toBe("Install-ADDSForest");
        expect(spec.module).toBe("ADDSDeployment");
        expect(spec.parameters.DomainName.sets["(All)"].required).toBe(true);
        expect(spec.parameters.SafeModeAdministratorPassword).toBeDefined();
        expect(spec.parameters.SafeModePassword).toBeUndefined();
        expect(spec.parameters.InstallDns.type).toBe("System.Management.Automation.SwitchParameter");
        expect(spec.parameters.ForestMode.values).toContain("WinThreshold");
    });
});
