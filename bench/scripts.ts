// The script checker's figures: the reference's size, the rules, and the time to check every
// script the labs run, in process (parser loaded once) and as `labs scripts` (a fresh process).
import { RULES, checkFile, labScripts } from "../powershell/check";
import { parse, readSource } from "../powershell/parse";
import { reference } from "../powershell/reference";
import { LABS, ROOT, stats, time } from "./timing";

export function benchScripts(runs = 7): void {
    const files = labScripts(ROOT);
    const ref = reference();
    const parameters = Object.values(ref.cmdlets).reduce((n, c) => n + Object.keys(c.parameters).length, 0);
    const lines = files.reduce((n, f) => n + readSource(f).text.split("\n").length, 0);
    checkFile(files[0]);
    const inProcess: number[] = [];
    const parseOnly: number[] = [];
    for (let i = 0; i < runs; i++) {
        let started = process.hrtime.bigint();
        for (const f of files) parse(readSource(f).text);
        parseOnly.push(Number(process.hrtime.bigint() - started) / 1e9);
        started = process.hrtime.bigint();
        for (const f of files) checkFile(f);
        inProcess.push(Number(process.hrtime.bigint() - started) / 1e9);
    }
    const cli = Array.from({ length: Math.min(runs, 5) }, () => time([LABS, "scripts"]));
    const ms = (s: number) => `${(s * 1000).toFixed(0)} ms`;
    console.log(`Script checker: ${Object.keys(ref.cmdlets).length} cmdlets, ${parameters} parameters (reference taken ${ref.taken}), ${Object.keys(RULES).length} rules`);
    console.log(`${"parse all scripts (in process)".padEnd(34)} median ${ms(stats(parseOnly).median)}   (${files.length} scripts, ${lines} lines with includes)`);
    console.log(`${"check all scripts (in process)".padEnd(34)} median ${ms(stats(inProcess).median)}   min ${ms(stats(inProcess).min)}`);
    console.log(`${"labs scripts (a fresh process)".padEnd(34)} median ${stats(cli).median.toFixed(2)} s   min ${stats(cli).min.toFixed(2)} s   (${cli.length} runs)`);
}
