// Each rule of the script checker: a small script that breaks it, and the exact finding.
import { describe, expect, it } from "vitest";
import { RULES, type RunCommandInput, checkScript } from "../../powershell/check";
import { inlineSource } from "../../powershell/parse";

const check = (text: string, runCommand?: RunCommandInput) => checkScript(inlineSource("t.ps1", text), runCommand).map(({ rule, line, column, message }) => ({ rule, at: `${line}:${column}`, message }));

describe("the script checker's rules", () => {
    it("passes a script that follows every rule", () => {
        const text = [
            "param([Parameter(Mandatory = $true)] [string] $DomainName)",
            "function Write-Step([string] $Message, [switch] $Loud) { Write-Output $Message }",
            "$opts = @{ DomainName = $DomainName; InstallDns = $true }",
            "Install-ADDSForest @opts -SafeModeAdministratorPassword (ConvertTo-SecureString 'x' -AsPlainText -Force) -Force:$true",
            "Get-ChildItem -Path C:\\ -Filter *.log | ForEach-Object { Write-Step $_.Name -Loud }",
            "Add-DnsServerConditionalForwarderZone -Name corp.example -MasterServers 10.0.0.4 -ReplicationScope Forest",
        ].join("\n");
        expect(check(text, { parameters: ["DomainName"], protectedParameters: [] })).toEqual([]);
    });

    it("parse-error: text that does not parse, with its position", () => {
        expect(check('Write-Output "a"\nif ($x -eq 1 {\n')).toEqual([{ rule: "parse-error", at: "2:1", message: 'cannot parse "if ($x -eq 1 {"' }]);
    });

    it("unknown-command: neither in the reference nor defined by the script", () => {
        expect(check("Get-Frobnicator -Name x")).toEqual([
            {
                rule: "unknown-command",
                at: "1:1",
                message: "Get-Frobnicator is neither a cmdlet of the reference (powershell/reference/cmdlets.json) nor a function this script defines; a cmdlet of another module needs that module in powershell/reference/rebuild.ts and the reference rebuilt",
            },
        ]);
        // A bare word is a program on the PATH; a path or a file name is a program too.
        expect(check("netsh advfirewall show allprofiles\ncertutil -ping\n& C:\\tools\\x.exe /y")).toEqual([]);
    });

    it("unknown-parameter: Install-ADDSForest -SafeModePassword (the parameter is -SafeModeAdministratorPassword)", () => {
        expect(check("Install-ADDSForest -DomainName a.example -SafeModePassword $null")).toEqual([
            { rule: "unknown-parameter", at: "1:42", message: "Install-ADDSForest has no parameter -SafeModePassword" },
        ]);
    });

    it("ambiguous-parameter: a prefix of several parameters", () => {
        expect(check("Get-ChildItem -Fi x")).toEqual([
            { rule: "ambiguous-parameter", at: "1:15", message: "-Fi of Get-ChildItem is ambiguous: it could be -File, -Filter; write the whole name" },
        ]);
    });

    it("a unique prefix or an alias binds as PowerShell binds it", () => {
        expect(check("Get-ChildItem -Filt *.log -ea SilentlyContinue")).toEqual([]);
    });

    it("Windows PowerShell's own command aliases resolve to their cmdlets, checked as those", () => {
        expect(check("gci C:\\ | % { $_.Name } | ? { $_ } | select -First 1")).toEqual([]);
        expect(check("gci -Fi x")).toEqual([{ rule: "ambiguous-parameter", at: "1:5", message: "-Fi of Get-ChildItem is ambiguous: it could be -File, -Filter; write the whole name" }]);
    });

    it("missing-value: a parameter that needs a value at the end of the line", () => {
        expect(check("Get-ChildItem -Filter")).toEqual([{ rule: "missing-value", at: "1:15", message: "-Filter of Get-ChildItem needs a value" }]);
    });

    it('switch-value: a string given to a switch, and $true after a space', () => {
        expect(check('New-Item -Path C:\\x -Force:"yes"')).toEqual([{ rule: "switch-value", at: "1:28", message: '-Force is a switch: give it $true or $false (-Force:$false), not "yes"' }]);
        expect(check("Install-ADDSForest -DomainName a.example -InstallDns $true")).toEqual([
            { rule: "switch-value", at: "1:54", message: "-InstallDns is a switch: $true after a space is a separate argument; write -InstallDns:$true" },
        ]);
    });

    it("value-not-accepted: a literal outside the documented accepted values", () => {
        expect(check("Add-DnsServerConditionalForwarderZone -Name x -MasterServers 10.0.0.4 -ReplicationScope Galaxy")).toEqual([
            { rule: "value-not-accepted", at: "1:89", message: '-ReplicationScope of Add-DnsServerConditionalForwarderZone does not accept "Galaxy"; accepted: Forest, Domain, Legacy, Custom' },
        ]);
    });

    it("splat-unknown-key: a literal hashtable's key that is not a parameter", () => {
        expect(check('$o = @{ DomainName = "a.example"; SafeModePassword = 1 }\nInstall-ADDSForest @o')).toEqual([
            { rule: "splat-unknown-key", at: "1:35", message: "the splatted key SafeModePassword is not a parameter of Install-ADDSForest" },
        ]);
    });

    it("a splat of a computed hashtable is not judged", () => {
        expect(check("$o = Get-Something\nInstall-ADDSForest @o").filter((f) => f.rule !== "unknown-command")).toEqual([]);
    });

    it("parameter-set: parameters no set has together", () => {
        expect(check("Get-ChildItem -Path a -LiteralPath b")).toEqual([{ rule: "parameter-set", at: "1:1", message: "Get-ChildItem: -Path, -LiteralPath are in no parameter set together" }]);
    });

    it("extra-argument: a positional argument nothing can take", () => {
        expect(check("Join-Path a b c")).toEqual([{ rule: "extra-argument", at: "1:15", message: "Join-Path has no parameter left to take the positional argument c" }]);
    });

    it("missing-mandatory: in every possible parameter set", () => {
        expect(check("Install-ADDSForest -Force")).toEqual([{ rule: "missing-mandatory", at: "1:1", message: "Install-ADDSForest needs -DomainName" }]);
        expect(check("Join-Path -Path a")).toEqual([{ rule: "missing-mandatory", at: "1:1", message: "Join-Path needs -ChildPath" }]);
    });

    it("missing-mandatory is satisfied by position and by the pipeline", () => {
        expect(check('Join-Path a b\n"x" | ConvertFrom-Json')).toEqual([]);
        expect(check("ConvertFrom-Json")).toEqual([{ rule: "missing-mandatory", at: "1:1", message: "ConvertFrom-Json needs -InputObject" }]);
    });

    it("calls to the script's own functions are held against their param blocks", () => {
        const fn = "function Wait-Until([Parameter(Mandatory = $true)] [string] $What, [scriptblock] $Test, [int] $Minutes = 30) { & $Test }\n";
        expect(check(`${fn}Wait-Until -Wat "x"`)).toEqual([{ rule: "unknown-parameter", at: "2:12", message: "Wait-Until's param block has no parameter -Wat" }]);
        expect(check(`${fn}Wait-Until "x" { $true } 5 6`)).toEqual([{ rule: "extra-argument", at: "2:28", message: "Wait-Until has no parameter left to take the positional argument 6" }]);
        expect(check(`${fn}Wait-Until -Minutes 5`)).toEqual([{ rule: "missing-mandatory", at: "2:1", message: "Wait-Until needs -What" }]);
    });

    it("undefined-variable: read before any assignment (a typo), in script code and in functions", () => {
        expect(check("param([string] $DomainName)\nWrite-Output $DomianName")).toEqual([{ rule: "undefined-variable", at: "2:14", message: "$DomianName is read before anything assigns it" }]);
        expect(check("Write-Output $later\n$later = 1")).toEqual([{ rule: "undefined-variable", at: "1:14", message: "$later is read before anything assigns it" }]);
        expect(check("function F { Write-Output $LogDir }\n$LogDir = 'C:\\x'\nF")).toEqual([]);
        expect(check("function F { Write-Output $LogDri }\n$LogDir = 'C:\\x'\nF")).toEqual([{ rule: "undefined-variable", at: "1:27", message: "$LogDri is read before anything assigns it" }]);
        expect(check("Write-Output $_ $PSBoundParameters $env:COMPUTERNAME $ErrorActionPreference\nGet-Item x -ErrorVariable bad\nWrite-Output $bad")).toEqual([]);
    });

    it("unknown-drive: a path on a drive that is not built in and that the script does not create", () => {
        expect(check('Set-ItemProperty -Path "HKML:\\SOFTWARE\\x" -Name a -Value 1')).toEqual([
            { rule: "unknown-drive", at: "1:24", message: "HKML: is neither a built-in drive (Alias:, Cert:, Env:, Function:, HKLM:, HKCU:, Variable:, WSMan:) nor one this script creates with New-PSDrive" },
        ]);
        expect(check("New-PSDrive -Name RC -PSProvider ADRMSInstall -Root RootCluster\nSet-ItemProperty -Path RC:\\ClusterKey -Name UseCentrallyManaged -Value $true\nTest-Path -Path HKLM:\\SOFTWARE")).toEqual([]);
    });

    it("run-command-parameter and run-command-missing: the deployment's parameters against the param block", () => {
        const text = "param([Parameter(Mandatory = $true)] [string] $DomainName, [Parameter(Mandatory = $true)] [string] $SafeModePassword)\nWrite-Output $DomainName $SafeModePassword";
        expect(check(text, { parameters: ["DomainName", "NetbiosName"], protectedParameters: ["SafeModePasword"] })).toEqual([
            { rule: "run-command-parameter", at: "1:1", message: "the deployment passes the parameter NetbiosName, which the script's param block does not declare" },
            { rule: "run-command-parameter", at: "1:1", message: "the deployment passes the protected parameter SafeModePasword, which the script's param block does not declare" },
            { rule: "run-command-missing", at: "1:60", message: "the script's mandatory parameter $SafeModePassword is never passed by the deployment" },
        ]);
    });

    it("installer rules: SQL Server 2022 setup's documented switches, values and required switches", () => {
        const setup = (args: string) => `Start-Process -FilePath "C:\\media\\setup.exe" -ArgumentList ${args} -Wait`;
        const good = '"/Q", "/ACTION=Install", "/FEATURES=SQLEngine", "/INSTANCENAME=SQLEXPRESS", "/SQLSYSADMINACCOUNTS=x", "/IACCEPTSQLSERVERLICENSETERMS", "/SUPPRESSPRIVACYSTATEMENTNOTICE"';
        expect(check(setup(good))).toEqual([]);
        expect(check(setup(`${good}, "/RSINSTALLMODE=FilesOnlyMode"`))[0]).toMatchObject({ rule: "installer-parameter", message: expect.stringContaining("/RSINSTALLMODE is gone (Reporting Services setup parameters: not available beginning with SQL Server 2017)") });
        expect(check(setup(good.replace("SQLEngine", "SQLEngine,Tools")))).toMatchObject([{ rule: "installer-value", message: "SQL Server 2022 setup: feature Tools is not available beginning with SQL Server 2022" }]);
        expect(check(setup(`${good}, "/TCPENABLED=yes"`))).toMatchObject([{ rule: "installer-value", message: "SQL Server 2022 setup: /TCPENABLED=yes is not a documented value; accepted: 0, 1" }]);
        expect(check(setup(good.replace(', "/IACCEPTSQLSERVERLICENSETERMS"', "")))).toMatchObject([
            { rule: "installer-missing", at: "1:1", message: expect.stringContaining("unattended installations (/Q or /QS) must include /IACCEPTSQLSERVERLICENSETERMS") },
        ]);
        // The arguments may be an array assigned just before, as Install-SqlExpress.ps1 does.
        expect(check(`$a = @(${good.replace('"/INSTANCENAME=SQLEXPRESS", ', "")})\nStart-Process -FilePath (Join-Path $d "setup.exe") -ArgumentList $a -Wait`.replace("$d", "'C:\\m'"))).toMatchObject([
            { rule: "installer-missing", at: "2:1", message: expect.stringContaining("/INSTANCENAME is required") },
        ]);
    });

    it("every rule has a test above", () => {
        const tested = ["parse-error", "unknown-command", "unknown-parameter", "ambiguous-parameter", "missing-value", "switch-value", "value-not-accepted", "splat-unknown-key", "parameter-set", "extra-argument", "missing-mandatory", "unknown-drive", "undefined-variable", "run-command-parameter", "run-command-missing", "installer-parameter", "installer-value", "installer-missing"];
        expect(Object.keys(RULES).sort()).toEqual(tested.sort());
    });
});
