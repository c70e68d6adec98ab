// Run Command scripts checked before they run: a Run Command whose inline PowerShell fails the
// script checker (powershell/check.ts: parse, cmdlets and parameters against Microsoft's
// reference, variables, installer switches) or whose parameters do not match the script's
// param block would fail on the VM, after the deployment has already waited for it.
import { checkScript, RULES, type ScriptFinding } from "../../powershell/check";
import { inlineSource } from "../../powershell/parse";
import { resourcePolicy } from "../lib/policy";
import { asArray, asObject, asString, whenKnown } from "../lib/values";

/** azure-native's Run Command resources (VMs, scale-set VMs, Arc machines), any API version. */
const RUN_COMMAND = /^azure-native:(compute|hybridcompute)(\/v[0-9a-z]+)?:(VirtualMachineRunCommandByVirtualMachine|VirtualMachineScaleSetVMRunCommand|MachineRunCommand)$/;

/** The names of `[{name, value}]` Run Command parameters; an unknown element is skipped. */
function parameterNames(value: unknown): string[] {
    return asArray(whenKnown(() => value)).flatMap((p) => {
        const name = whenKnown(() => asString(asObject(p)?.name));
        return name ? [name] : [];
    });
}

export const runCommandScriptValid = resourcePolicy(
    {
        name: "run-command-script-valid",
        family: "scripts",
        description: "A Run Command's inline PowerShell parses, calls documented cmdlets with their documented parameters, and declares exactly the parameters it is passed.",
        severity: "high",
        enforcementLevel: "mandatory",
        remediationSteps:
            "Run `npx labs scripts <file>.ps1` on the script for each finding with its line and column, and fix what it names (the cmdlet reference lists each cmdlet's parameters and sets); declare every parameter the resource passes in the script's param block, and pass every mandatory one.",
    },
    (type) => RUN_COMMAND.test(type),
    (props, args) => {
        const source = asObject(props.source);
        const script = asString(source?.script);
        if (!script) return args.notApplicable("no inline script (a built-in commandId or a scriptUri)") ?? [];
        // A Linux VM's Run Command runs shell, not PowerShell.
        if (script.startsWith("#!")) return args.notApplicable("a shell script (#!), not PowerShell") ?? [];
        const findings: ScriptFinding[] = checkScript(inlineSource(args.name, script), {
            parameters: parameterNames(props.parameters),
            protectedParameters: parameterNames(props.protectedParameters),
        });
        return findings.map((f) => ({ finding: `Script::${f.rule}@${f.line}:${f.column}`, message: `line ${f.line}, column ${f.column}: ${f.message} (${RULES[f.rule]})` }));
    },
);

export const SCRIPT_POLICIES = [runCommandScriptValid];
