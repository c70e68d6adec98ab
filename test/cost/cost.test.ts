// Cost: exact totals for a known program from the price table, stopped VMs costing their disks
// but not their compute while gateways keep billing, every billable type of the labs priced,
// and the table refreshed from a recorded Retail Prices API answer.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { costCommand } from "../../cli/commands/cost";
import { estimate, totals } from "../../cli/cost/estimate";
import { HOURS_PER_MONTH, loadPrices, PRICE_FILE } from "../../cli/cost/price-table";
import { costByLab, labsOf } from "../../cli/cost/report";
import { type RetailItem, pick, refreshAzurePrices, retailFilter, windowsVmSizes } from "../../cli/cost/refresh";
import { evaluateInChild } from "../../cli/engine/fork";
import type { Plan } from "../../cli/engine/plan";
import { LABS_CLI, ROOT, planLab } from "../support";

const prices = loadPrices();
const COSTED = path.join(ROOT, "test", "fixtures", "programs", "costed");

describe("the cost of a known small program", () => {
    let plan: Plan;
    beforeAll(async () => {
        plan = (await evaluateInChild({ programDir: COSTED, stack: "dev" })).plan;
    });

    it("adds up exactly what the price table says, per hour running and stopped", () => {
        const [lab] = costByLab(plan, prices, 10);
        expect(lab.lab).toBe("small-lab");
        const vm = 0.0496;
        const disk = 9.6 / HOURS_PER_MONTH;
        const gateway = 0.361;
        const ip = 0.005;
        const key = 1 / HOURS_PER_MONTH;
        expect(lab.totals.running).toBeCloseTo(vm + disk + gateway + ip + key, 10);
        // Stopped: no compute, but the disk, the gateway, its IP and the key still bill.
        expect(lab.totals.stopped).toBeCloseTo(disk + gateway + ip + key, 10);
        expect(lab.totals.monthly).toBeCloseTo((disk + gateway + ip + key) * HOURS_PER_MONTH + vm * 10 * (HOURS_PER_MONTH / 24), 8);
        expect(lab.lines.map((l) => l.item).sort()).toEqual(["disk/StandardSSD_LRS/E10", "kms/key", "publicIp/Standard", "vm/Standard_B2s/windows", "vpnGateway/VpnGw1AZ"]);
        expect(lab.unpriced).toEqual([]);
    });

    it("reports a billable resource the table cannot price rather than pricing it at zero", () => {
        const resources = plan.resources.map((r) => (r.type === "azure-native:compute:VirtualMachine" ? { ...r, inputs: { ...r.inputs, hardwareProfile: { vmSize: "Standard_M416ms_v2" } } } : r));
        const { unpriced } = estimate(resources, prices);
        expect(unpriced).toEqual([expect.objectContaining({ type: "azure-native:compute:VirtualMachine", reason: "the price table has no vm/Standard_M416ms_v2/windows; add it to cli/cost/prices.json" })]);
        const odd = { ...plan.resources.find((r) => r.type === "aws:kms/key:Key")!, type: "aws:rds/instance:Instance" };
        expect(estimate([odd], prices).unpriced[0].reason).toMatch(/does not know/);
    });

    it("prints per resource and per lab, and as JSON (labs cost)", () => {
        const labs = (...args: string[]) => spawnSync(process.execPath, [LABS_CLI, "cost", "--program", COSTED, ...args], { cwd: ROOT, encoding: "utf8" });
        const text = labs().stdout;
        expect(text).toContain("small-lab");
        expect(text).toMatch(/gw\s+vpnGateway\/VpnGw1AZ\s+0\.3610\s+0\.3610/);
        expect(text).toMatch(/vm\s+vm\/Standard_B2s\/windows\s+0\.0496\s+0\.0000/);
        expect(text).toMatch(/billed even when they are stopped:\n {4}.*gw \(vpnGateway\)/);
        const doc = JSON.parse(labs("--json", "--hours-per-day", "24").stdout) as { hoursPerDay: number; labs: Array<{ lab: string; totals: { running: number; monthly: number } }> };
        expect(doc.hoursPerDay).toBe(24);
        expect(doc.labs[0].totals.monthly).toBeCloseTo(doc.labs[0].totals.running * HOURS_PER_MONTH, 8);
    });
});

describe("the labs' costs", () => {
    it.each([
        ["dev defaults", {}],
        ["private resolver and zones", { dnsPattern: "private-resolver" }],
        ["private zones", { dnsPattern: "private-zones" }],
        ["Bastion and Sentinel", { rmsBastion: true, collectorSentinelEnabled: true }],
    ])("price every billable resource the labs create (%s)", async (_case, overrides) => {
        const { plan } = await evaluateInChild({ programDir: ROOT, stack: "dev", overrides });
        for (const { lab, resources } of labsOf(plan)) expect({ lab, unpriced: estimate(resources, prices).unpriced }).toEqual({ lab, unpriced: [] });
    });

    it("agree with the README's rms-lab figures: about $1.27/h running and $0.92/h stopped, gateways included", async () => {
        const plan = await planLab("rms-lab");
        const [rms] = costByLab(plan, prices, 10, "rms-lab");
        expect(rms.totals.running).toBeCloseTo(1.27, 2);
        expect(rms.totals.stopped).toBeCloseTo(0.92, 2);
        const gateways = rms.lines.filter((l) => l.item.startsWith("vpnGateway/"));
        expect(gateways.map((g) => g.stopped)).toEqual([0.361, 0.361]);
    });

    it("drop the gateways with rmsVpnEnabled false", async () => {
        const plan = await planLab("rms-lab", { rmsVpnEnabled: false, rmsHomePublicIp: "" });
        const [rms] = costByLab(plan, prices, 10, "rms-lab");
        expect(rms.totals.stopped).toBeCloseTo(0.19, 2);
        expect(totals(rms.lines, 0).monthly).toBeCloseTo(rms.totals.stopped * HOURS_PER_MONTH, 6);
    });
});

describe("refreshing the table from the Azure Retail Prices API", () => {
    // A recorded answer (trimmed to the fields used) for a Windows B2s in eastus: the API lists
    // Spot and Low Priority meters next to the pay-as-you-go one.
    const b2s: RetailItem[] = [
        { retailPrice: 0.0199, unitOfMeasure: "1 Hour", meterName: "B2s Spot", productName: "Virtual Machines BS Series Windows", skuName: "B2s Spot", type: "Consumption" },
        { retailPrice: 0.0512, unitOfMeasure: "1 Hour", meterName: "B2s", productName: "Virtual Machines BS Series Windows", skuName: "B2s", type: "Consumption" },
        { retailPrice: 0.0416, unitOfMeasure: "1 Hour", meterName: "B2s", productName: "Virtual Machines BS Series", skuName: "B2s", type: "Consumption" },
    ];

    it("asks for one meter in the table's region, consumption prices only", () => {
        expect(retailFilter({ serviceName: "Virtual Machines", armSkuName: "Standard_B2s" }, "eastus")).toBe("serviceName eq 'Virtual Machines' and armRegionName eq 'eastus' and priceType eq 'Consumption' and armSkuName eq 'Standard_B2s'");
        expect(pick(b2s, prices.azure.items["vm/Standard_B2s/windows"].query!)?.retailPrice).toBe(0.0512);
    });

    it("updates the prices it finds, keeps the others, and records the day", async () => {
        const asked: string[] = [];
        const fetchJson = async (url: string) => {
            asked.push(decodeURIComponent(url));
            return { Items: decodeURIComponent(url).includes("armSkuName eq 'Standard_B2s'") ? b2s : [], NextPageLink: null };
        };
        const result = await refreshAzurePrices(prices, fetchJson, "2026-12-01");
        expect(result.updated).toEqual([{ id: "vm/Standard_B2s/windows", from: 0.0496, to: 0.0512 }]);
        expect(result.table.azure.items["vm/Standard_B2s/windows"].price).toBe(0.0512);
        expect(result.table.azure.takenOn).toBe("2026-12-01");
        expect(result.notFound.map((n) => n.id)).toContain("vpnGateway/VpnGw1AZ");
        // Every entry with a query, and each size of the VM size table the price table lacks.
        const newSizes = windowsVmSizes().filter((size) => !prices.azure.items[`vm/${size}/windows`]);
        expect(newSizes.length).toBeGreaterThan(50);
        expect(asked.length).toBe(Object.values(prices.azure.items).filter((i) => i.query).length + newSizes.length);
        expect(result.added).toEqual([]);
        // The table passed in is left alone.
        expect(prices.azure.items["vm/Standard_B2s/windows"].price).toBe(0.0496);
    });

    it("adds a price for a size of the VM size table the price table lacks", async () => {
        const d2as: RetailItem[] = [{ retailPrice: 0.188, unitOfMeasure: "1 Hour", meterName: "D2as v5", productName: "Virtual Machines Dasv5 Series Windows", skuName: "D2as v5", type: "Consumption" }];
        const fetchJson = async (url: string) => ({ Items: decodeURIComponent(url).includes("armSkuName eq 'Standard_D2as_v5'") ? d2as : [], NextPageLink: null });
        const result = await refreshAzurePrices(prices, fetchJson, "2026-12-01", ["Standard_D2as_v5"]);
        expect(result.added).toEqual(["vm/Standard_D2as_v5/windows"]);
        expect(result.table.azure.items["vm/Standard_D2as_v5/windows"]).toMatchObject({ unit: "hour", price: 0.188, query: { armSkuName: "Standard_D2as_v5", productNameContains: "Windows" } });
    });

    it("says so, and changes nothing, without network", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "labs-prices-"));
        const file = path.join(dir, "prices.json");
        fs.copyFileSync(PRICE_FILE, file);
        const offline = async () => {
            throw new Error("getaddrinfo ENOTFOUND prices.azure.com");
        };
        await expect(costCommand({ stack: "dev", program: COSTED, refresh: true }, () => undefined, { fetchJson: offline, priceFile: file })).rejects.toThrowError(
            "could not read prices.azure.com (getaddrinfo ENOTFOUND prices.azure.com); the price table keeps its prices of 2026-11-20. With network, run labs cost --refresh again.",
        );
        expect(fs.readFileSync(file, "utf8")).toBe(fs.readFileSync(PRICE_FILE, "utf8"));
    });

    it("refuses hours a day that are not hours, with exit code 2 and no stack trace", () => {
        const r = spawnSync(process.execPath, [LABS_CLI, "cost", "--program", COSTED, "--hours-per-day", "30"], { cwd: ROOT, encoding: "utf8" });
        expect({ code: r.status, stderr: r.stderr.trim() }).toEqual({ code: 2, stderr: "error: --hours-per-day 30: expected hours from 0 to 24 the VMs run each day." });
    });
});
