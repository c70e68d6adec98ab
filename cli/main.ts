// The `labs` command: plan, check, cost and draw the labs offline; verify them in the cloud.
// Commands load on use: `labs check` starts its policy pack before the Pulumi SDK loads here.
import { Command, CommanderError } from "commander";
import { UserError } from "./engine/errors";
import { redactKnown } from "./engine/redact";

export async function main(argv: string[]): Promise<number> {
    // Nothing the CLI prints shows a secret it was given (--secret-config), whoever put it in the text.
    const write = (text: string) => process.stdout.write(`${redactKnown(text)}\n`);
    let code = 0;
    const program = new Command("labs")
        .description("Plan the security and identity labs offline, and verify them once deployed.")
        .exitOverride()
        .showHelpAfterError("(run labs --help for usage)");

    program
        .command("plan")
        .description("show every resource `pulumi up` would create, counts by type and the stack outputs (offline)")
        .option("-s, --stack <name>", "stack whose Pulumi.<stack>.yaml supplies the configuration", "dev")
        .option("-l, --lab <name>", "plan only this lab")
        .option("-p, --program <dir>", "plan another Pulumi TypeScript program (folder with Pulumi.yaml)")
        .option("-c, --config <key=value...>", "try a setting without editing the stack file, e.g. -c dnsPattern=private-resolver")
        .option("--secret-config <key=value...>", "try a secret setting, as if set with pulumi config set --secret (shown as [secret], never printed)")
        .option("--json", "print a document shaped like `pulumi preview --json`")
        .action(async (opts) => {
            const { planCommand } = require("./commands/plan") as typeof import("./commands/plan");
            code = await planCommand(opts, write);
        });

    program
        .command("check")
        .description("run the policy pack over a stack's resources, offline, as `pulumi preview --policy-pack` would")
        .option("-s, --stack <name>", "stack whose Pulumi.<stack>.yaml supplies the configuration", "dev")
        .option("-l, --lab <name>", "check only this lab")
        .option("-p, --program <dir>", "check another Pulumi TypeScript program (folder with Pulumi.yaml)")
        .option("-c, --config <key=value...>", "try a setting without editing the stack file")
        .option("--secret-config <key=value...>", "try a secret setting, as if set with pulumi config set --secret (shown as [secret], never printed)")
        .option("--policy-pack <dir>", "another policy pack (folder with PulumiPolicy.yaml)")
        .option("--policy-config <file>", "policy-pack config, the JSON `pulumi preview --policy-pack-config` takes")
        .option("--json", 'print {"resources", "violations", "exemptions"} as JSON')
        .action(async (opts) => {
            const { checkCommand } = require("./commands/check") as typeof import("./commands/check");
            code = await checkCommand(opts, write);
        });

    program
        .command("policies")
        .description("list the policy pack's policies: enforcement, severity, fix and the CIS / Checkov / cdk-nag rules they match")
        .option("--policy-pack <dir>", "another policy pack (folder with PulumiPolicy.yaml)")
        .option("--json", "as JSON")
        .option("--markdown", "as the Markdown table README.md shows")
        .action(async (opts) => {
            const { policiesCommand } = require("./commands/policies") as typeof import("./commands/policies");
            code = await policiesCommand(opts, write);
        });

    program
        .command("scripts [files...]")
        .description("check the PowerShell the labs run (or the named .ps1 files): parse, cmdlets and parameters against Microsoft's reference, variables, installer switches (offline)")
        .option("--json", "print {scripts, findings} as JSON")
        .option("--rules", "list the rules and exit")
        .action((files: string[], opts) => {
            const { scriptsCommand } = require("./commands/scripts") as typeof import("./commands/scripts");
            code = scriptsCommand(files, opts, write);
        });

    program
        .command("cost")
        .description("what each lab costs per hour (VMs running or stopped) and per month, per resource, from the price table (offline)")
        .option("-s, --stack <name>", "stack whose Pulumi.<stack>.yaml supplies the configuration", "dev")
        .option("-l, --lab <name>", "only this lab")
        .option("-p, --program <dir>", "another Pulumi TypeScript program (folder with Pulumi.yaml)")
        .option("-c, --config <key=value...>", "try a setting without editing the stack file")
        .option("--secret-config <key=value...>", "try a secret setting, as if set with pulumi config set --secret (shown as [secret], never printed)")
        .option("--hours-per-day <hours>", "hours a day the VMs run, for the monthly figure (default 10: started in the morning, stopped at 19:00)")
        .option("--refresh", "first update the price table's Azure prices from the Azure Retail Prices API (needs network)")
        .option("--json", "as JSON")
        .action(async (opts) => {
            const { costCommand } = require("./commands/cost") as typeof import("./commands/cost");
            code = await costCommand(opts, write);
        });

    program
        .command("diagram")
        .description("draw each lab as an SVG picture: resource groups, VNets, subnets, VMs, peerings, tunnels, DNS paths, data flows (offline)")
        .option("-s, --stack <name>", "stack whose Pulumi.<stack>.yaml supplies the configuration", "dev")
        .option("-l, --lab <name>", "draw only this lab")
        .option("-p, --program <dir>", "draw another Pulumi TypeScript program (folder with Pulumi.yaml)")
        .option("-c, --config <key=value...>", "try a setting without editing the stack file, e.g. -c dnsPattern=private-resolver")
        .option("--secret-config <key=value...>", "try a secret setting, as if set with pulumi config set --secret (shown as [secret], never printed)")
        .option("-o, --out <dir>", "folder for <lab>.svg (default: docs/diagrams in the program's folder)")
        .action(async (opts) => {
            const { diagramCommand } = require("./commands/diagram") as typeof import("./commands/diagram");
            code = await diagramCommand(opts, write);
        });

    program
        .command("verify")
        .description("after pulumi up, prove each deployed lab works: checks from inside the VMs (Azure Run Command) and with the Azure and AWS CLIs; exit 0 all pass, 1 a check failed, 2 usage or environment")
        .option("-s, --stack <name>", "deployed stack to verify", "dev")
        .option("-l, --lab <name>", "verify only this lab")
        .option("--only <check...>", "run only these checks, e.g. --only forest-trust vpn-connected")
        .option("--json", "print the results as JSON (progress goes to stderr)")
        .option("--dry-run", "print every check and the exact commands, calling nothing in Azure or AWS (outputs from pulumi stack output, or the offline plan)")
        .option("--wait-minutes <minutes>", "how long a check waits for data to arrive (Log Analytics rows, Athena)", "15")
        .option("--parallel <n>", "probes run at once", "4")
        .action(async (opts) => {
            const { verifyCommand } = require("./commands/verify") as typeof import("./commands/verify");
            code = await verifyCommand(opts, write);
        });

    try {
        await program.parseAsync(argv);
        return code;
    } catch (err) {
        if (err instanceof CommanderError) {
            // Commander has printed the message (or the help) already.
            return err.exitCode === 0 || err.code === "commander.helpDisplayed" || err.code === "commander.version" ? 0 : 2;
        }
        if (err instanceof UserError) {
            process.stderr.write(`error: ${redactKnown(err.message)}\n`);
            return err.exitCode;
        }
        process.stderr.write(redactKnown(`internal error (please report it): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`));
        return 1;
    }
}
