// `labs cost` and the totals `labs plan` prints: each lab's resources priced, per hour
// running, per hour with its VMs stopped, and per month at a daily schedule.
import type { Plan, PlannedResource } from "../engine/plan";
import { subtree } from "../engine/plan";
import { type CostLine, type Totals, type Unpriced, estimate, totals } from "./estimate";
import type { PriceTable } from "./price-table";

/** VMs started in the morning and stopped by auto-shutdown at 19:00: ten hours a day. */
export const DEFAULT_HOURS_PER_DAY = 10;

export interface LabCost {
    lab: string;
    lines: CostLine[];
    unpriced: Unpriced[];
    totals: Totals;
}

/** The labs of a plan: the stack's top-level components, each with everything under it. */
export function labsOf(plan: Plan): Array<{ lab: string; resources: PlannedResource[] }> {
    const stack = plan.resources.find((r) => r.type === "pulumi:pulumi:Stack");
    const top = plan.resources.filter((r) => r.parent === stack?.urn && !r.custom);
    return top.map((root) => ({ lab: root.name, resources: subtree(plan, root.urn) }));
}

export function costByLab(plan: Plan, prices: PriceTable, hoursPerDay = DEFAULT_HOURS_PER_DAY, only?: string): LabCost[] {
    return labsOf(plan)
        .filter((l) => !only || l.lab === only)
        .map(({ lab, resources }) => {
            const { lines, unpriced } = estimate(resources, prices);
            return { lab, lines, unpriced, totals: totals(lines, hoursPerDay) };
        });
}

const money = (n: number, digits = 2) => `$${n.toFixed(digits)}`;

export function pricesLine(prices: PriceTable): string {
    return `prices: Azure ${prices.azure.region} as of ${prices.azure.takenOn}, AWS ${prices.aws.region} as of ${prices.aws.takenOn}, ${prices.currency}, pay as you go`;
}

/** One line per lab, for the end of `labs plan`. */
export function renderCostSummary(costs: LabCost[], prices: PriceTable, hoursPerDay: number): string[] {
    const lines = [`Cost (${pricesLine(prices)}; labs cost for the detail):`];
    for (const c of costs) {
        lines.push(`  ${c.lab.padEnd(12)} ${money(c.totals.running)}/h running, ${money(c.totals.stopped)}/h with VMs stopped, about ${money(c.totals.monthly, 0)}/month at ${hoursPerDay} h of VMs a day`);
    }
    return lines;
}

export function renderCost(costs: LabCost[], prices: PriceTable, hoursPerDay: number): string {
    const out: string[] = [`Cost per lab (${pricesLine(prices)})`, ""];
    for (const c of costs) {
        out.push(c.lab);
        const nameWidth = Math.max("resource".length, ...c.lines.map((l) => l.name.length));
        const itemWidth = Math.max("price".length, ...c.lines.map((l) => l.item.length));
        out.push(`  ${"resource".padEnd(nameWidth)}  ${"price".padEnd(itemWidth)}  ${"$/h running".padStart(11)}  ${"$/h stopped".padStart(11)}`);
        for (const l of [...c.lines].sort((a, b) => b.stopped - a.stopped || b.running - a.running)) {
            out.push(`  ${l.name.padEnd(nameWidth)}  ${l.item.padEnd(itemWidth)}  ${l.running.toFixed(4).padStart(11)}  ${l.stopped.toFixed(4).padStart(11)}${l.note ? `  ${l.note}` : ""}`);
        }
        out.push(`  ${"total".padEnd(nameWidth + itemWidth + 2)}  ${c.totals.running.toFixed(4).padStart(11)}  ${c.totals.stopped.toFixed(4).padStart(11)}`);
        out.push(`  about ${money(c.totals.monthly, 0)} a month with the VMs running ${hoursPerDay} h a day (--hours-per-day), ${money(c.totals.stopped * 730, 0)} of it billed even when they are stopped:`);
        const always = c.lines.filter((l) => l.stopped > 0).map((l) => `${l.name} (${l.item.split("/")[0]})`);
        out.push(`    ${always.length ? always.join(", ") : "nothing"}`);
        for (const u of c.unpriced) out.push(`  not priced: ${u.type} ${u.name}: ${u.reason}`);
        out.push("");
    }
    return out.join("\n").trimEnd();
}
