// `labs cost --refresh`: the Azure entries of the price table, updated from the Azure Retail
// Prices API (public, no account) for the table's region. AWS offers no such API without an
// account, so its entries stay as written. Without network the table stays as it is and the
// user is told why.
import { UserError } from "../engine/errors";
import { vmSize, vmSizeNames, windowsSizeProblem } from "../../lib/azure-facts";
import type { PriceItem, PriceTable, PriceUnit, RetailQuery } from "./price-table";

/** The sizes of the VM size table a lab's Windows servers may use. */
export function windowsVmSizes(): string[] {
    return vmSizeNames().filter((n) => !windowsSizeProblem(vmSize(n)!));
}

export const RETAIL_PRICES_URL = "https://prices.azure.com/api/retail/prices";

export interface RetailItem {
    retailPrice: number;
    unitOfMeasure: string;
    meterName: string;
    productName: string;
    skuName?: string;
    armSkuName?: string;
    type?: string;
}

interface RetailPage {
    Items: RetailItem[];
    NextPageLink?: string | null;
}

export type FetchJson = (url: string) => Promise<unknown>;

/** OData filter for one meter in one region, consumption (pay-as-you-go) prices only. */
export function retailFilter(query: RetailQuery, region: string): string {
    const eq = (field: string, value: string) => `${field} eq '${value.replace(/'/g, "''")}'`;
    return [
        eq("serviceName", query.serviceName),
        eq("armRegionName", region),
        eq("priceType", "Consumption"),
        ...(query.armSkuName ? [eq("armSkuName", query.armSkuName)] : []),
        ...(query.meterName ? [eq("meterName", query.meterName)] : []),
    ].join(" and ");
}

/** The API's units, as the table writes them. */
function unitOf(unitOfMeasure: string): PriceUnit | undefined {
    const u = unitOfMeasure.trim().toLowerCase();
    if (u === "1 hour") return "hour";
    if (u === "1/month" || u === "1 month") return "month";
    if (u === "1 gb") return "GB";
    return undefined;
}

/** The one retail item a query means: name filters the API cannot express, then the cheapest of what is left. */
export function pick(items: RetailItem[], query: RetailQuery): RetailItem | undefined {
    const matches = items.filter(
        (i) =>
            (!query.productNameContains || i.productName.includes(query.productNameContains)) &&
            (!query.meterNameContains || i.meterName.includes(query.meterNameContains)) &&
            !(query.meterNameNotContains ?? []).some((n) => i.meterName.includes(n) || (i.skuName ?? "").includes(n)) &&
            (i.type ?? "Consumption") === "Consumption",
    );
    return matches.sort((a, b) => a.retailPrice - b.retailPrice)[0];
}

export interface RefreshResult {
    table: PriceTable;
    updated: Array<{ id: string; from: number; to: number }>;
    unchanged: string[];
    notFound: Array<{ id: string; reason: string }>;
    /** Entries that were not in the table (VM sizes of the size table), with the price found. */
    added: string[];
}

async function allPages(url: string, fetchJson: FetchJson): Promise<RetailItem[]> {
    const items: RetailItem[] = [];
    let next: string | null | undefined = url;
    // The API pages at 100 items; a meter query is one or two pages.
    for (let pages = 0; next && pages < 20; pages++) {
        const page = (await fetchJson(next)) as RetailPage;
        if (!page || !Array.isArray(page.Items)) throw new Error("the answer is not a Retail Prices API page");
        items.push(...page.Items);
        next = page.NextPageLink;
    }
    return items;
}

/** The price-table query of a Windows VM size's pay-as-you-go meter (Spot and Low Priority left out). */
export function windowsVmQuery(size: string): RetailQuery {
    return { serviceName: "Virtual Machines", armSkuName: size, productNameContains: "Windows", meterNameNotContains: ["Spot", "Low Priority"] };
}

/**
 * Updates every Azure entry that has a query, and adds a Windows price for each size of the VM
 * size table (lib/data/azure-vm-sizes.json) the price table does not have yet, so every size
 * `labs plan` accepts can be costed after one refresh.
 */
export async function refreshAzurePrices(table: PriceTable, fetchJson: FetchJson, today: string, sizes: string[] = windowsVmSizes()): Promise<RefreshResult> {
    const result: RefreshResult = { table: structuredClone(table), updated: [], unchanged: [], notFound: [], added: [] };
    const known = result.table.azure.items;
    const candidates: Array<[string, PriceItem, boolean]> = Object.entries(known).map(([id, item]) => [id, item, false]);
    for (const size of sizes) {
        const id = `vm/${size}/windows`;
        if (!Object.hasOwn(known, id)) candidates.push([id, { unit: "hour", price: 0, query: windowsVmQuery(size) }, true]);
    }
    for (const [id, item, isNew] of candidates) {
        if (!item.query) continue;
        const url = `${RETAIL_PRICES_URL}?$filter=${encodeURIComponent(retailFilter(item.query, result.table.azure.region))}`;
        let items: RetailItem[];
        try {
            items = await allPages(url, fetchJson);
        } catch (err) {
            throw new UserError(`could not read prices.azure.com (${(err as Error).message}); the price table keeps its prices of ${table.azure.takenOn}. With network, run labs cost --refresh again.`);
        }
        const found = pick(items, item.query);
        if (!found) {
            result.notFound.push({ id, reason: `no consumption price matches in ${result.table.azure.region}` });
            continue;
        }
        if (unitOf(found.unitOfMeasure) !== item.unit) {
            result.notFound.push({ id, reason: `the API prices it per ${found.unitOfMeasure}, the table per ${item.unit}` });
            continue;
        }
        if (isNew) {
            known[id] = { ...item, price: found.retailPrice };
            result.added.push(id);
            continue;
        }
        if (found.retailPrice === item.price) result.unchanged.push(id);
        else result.updated.push({ id, from: item.price, to: found.retailPrice });
        item.price = found.retailPrice;
    }
    result.table.azure.takenOn = today;
    return result;
}

/** The real fetch: one GET with a timeout; network trouble becomes an error with the reason. */
export const fetchRetailJson: FetchJson = async (url) => {
    const response = await fetch(url, { signal: AbortSignal.timeout(30_000), headers: { accept: "application/json" } });
    if (!response.ok) throw new Error(`HTTP ${response.status} from ${new URL(url).host}`);
    return response.json();
};
