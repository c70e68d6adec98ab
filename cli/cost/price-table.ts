// The price table shipped with the project (cli/cost/prices.json): list prices per meter, with
// the region, currency and day they were taken, and for Azure meters the Retail Prices API
// query that refreshes them.
import * as fs from "node:fs";
import * as path from "node:path";
import { UserError } from "../engine/errors";

export type PriceUnit = "hour" | "month" | "GB" | "GB-month" | "TB scanned";

export interface RetailQuery {
    serviceName: string;
    armSkuName?: string;
    meterName?: string;
    meterNameContains?: string;
    meterNameNotContains?: string[];
    productNameContains?: string;
}

export interface PriceItem {
    unit: PriceUnit;
    price: number;
    note?: string;
    /** Azure only: how `labs cost --refresh` finds this meter in the Retail Prices API. */
    query?: RetailQuery;
}

export interface CloudPrices {
    region: string;
    /** YYYY-MM-DD */
    takenOn: string;
    source: string;
    items: Record<string, PriceItem>;
}

export interface PriceTable {
    currency: string;
    note: string;
    azure: CloudPrices;
    aws: CloudPrices;
}

export const PRICE_FILE = path.join(__dirname, "prices.json");
export const HOURS_PER_MONTH = 730;

export function loadPrices(file = PRICE_FILE): PriceTable {
    let table: PriceTable;
    try {
        table = JSON.parse(fs.readFileSync(file, "utf8")) as PriceTable;
    } catch (err) {
        throw new UserError(`the price table ${file} cannot be read: ${(err as Error).message}`);
    }
    for (const cloud of [table.azure, table.aws]) {
        for (const [id, item] of Object.entries(cloud?.items ?? {})) {
            if (typeof item.price !== "number" || !Number.isFinite(item.price) || item.price < 0) throw new UserError(`the price table ${file}: ${id} has no valid price`);
        }
    }
    return table;
}

/** An item's price as an hourly rate, for items billed by the hour or the month. */
export function hourly(item: PriceItem): number {
    if (item.unit === "hour") return item.price;
    if (item.unit === "month") return item.price / HOURS_PER_MONTH;
    throw new Error(`a price per ${item.unit} has no hourly rate`);
}
