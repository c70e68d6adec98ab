// `labs cost`: what each lab costs, per resource and per lab, offline, from the price table;
// `--refresh` updates the table's Azure prices from the Azure Retail Prices API first.
import * as fs from "node:fs";
import { costByLab, DEFAULT_HOURS_PER_DAY, renderCost } from "../cost/report";
import { loadPrices, PRICE_FILE } from "../cost/price-table";
import { type FetchJson, fetchRetailJson, refreshAzurePrices } from "../cost/refresh";
import { UserError } from "../engine/errors";
import { evaluateForLab } from "./plan";

export interface CostOptions {
    stack: string;
    lab?: string;
    program?: string;
    config?: string[];
    /** `key=value` settings that hold secrets, as `pulumi config set --secret` would store them. */
    secretConfig?: string[];
    json?: boolean;
    refresh?: boolean;
    hoursPerDay?: string;
}

export async function costCommand(options: CostOptions, write: (text: string) => void, deps: { fetchJson?: FetchJson; priceFile?: string; today?: string } = {}): Promise<number> {
    const hoursPerDay = options.hoursPerDay === undefined ? DEFAULT_HOURS_PER_DAY : Number(options.hoursPerDay);
    if (!Number.isFinite(hoursPerDay) || hoursPerDay < 0 || hoursPerDay > 24) throw new UserError(`--hours-per-day ${options.hoursPerDay}: expected hours from 0 to 24 the VMs run each day.`);
    const priceFile = deps.priceFile ?? PRICE_FILE;
    let prices = loadPrices(priceFile);
    if (options.refresh) {
        const refreshed = await refreshAzurePrices(prices, deps.fetchJson ?? fetchRetailJson, deps.today ?? new Date().toISOString().slice(0, 10));
        fs.writeFileSync(priceFile, `${JSON.stringify(refreshed.table, null, 2)}\n`);
        prices = refreshed.table;
        write(`Updated ${priceFile} from the Azure Retail Prices API (${prices.azure.region}, ${prices.azure.takenOn}):`);
        for (const u of refreshed.updated) write(`  ${u.id}: ${u.from} -> ${u.to}`);
        if (refreshed.added.length) write(`  added ${refreshed.added.length} VM sizes from lib/data/azure-vm-sizes.json`);
        write(`  ${refreshed.unchanged.length} unchanged${refreshed.notFound.length ? `; not found: ${refreshed.notFound.map((n) => `${n.id} (${n.reason})`).join(", ")}` : ""}`);
        write("");
    }
    const plan = await evaluateForLab(options);
    const costs = costByLab(plan, prices, hoursPerDay, options.lab);
    write(options.json ? JSON.stringify({ currency: prices.currency, prices: { azure: { region: prices.azure.region, takenOn: prices.azure.takenOn }, aws: { region: prices.aws.region, takenOn: prices.aws.takenOn } }, hoursPerDay, labs: costs }, null, 2) : renderCost(costs, prices, hoursPerDay));
    return 0;
}
