// Facts about Azure the labs' settings are checked against, from the tables in lib/data (each
// names its sources and the day it was taken): the public regions and which have availability
// zones, the VM sizes a lab server may use, and the Windows time-zone ids auto-shutdown accepts.
import type { ImageReference } from "./windows-vm";
import regionTable from "./data/azure-regions.json";
import sizeTable from "./data/azure-vm-sizes.json";
import timeZoneTable from "./data/windows-time-zones.json";

export interface AzureRegion {
    displayName: string;
    /** The region has availability zones (zone-redundant public IPs, AZ gateway SKUs). */
    availabilityZones: boolean;
    /** Open only to subscriptions that asked for access. */
    restricted: boolean;
}

const REGIONS = regionTable.regions as Record<string, AzureRegion>;

/** The public region with this programmatic name (`eastus`), or undefined. */
export function azureRegion(name: string): AzureRegion | undefined {
    return Object.hasOwn(REGIONS, name) ? REGIONS[name] : undefined;
}

/**
 * Up to three open regions with availability zones to suggest instead of `near`: those of its
 * geography first, then the most common ones.
 */
export function zonalRegions(near?: string): string[] {
    const geography = near ? (REGIONS[near] as AzureRegion & { geography?: string } | undefined)?.geography : undefined;
    const open = Object.entries(REGIONS as Record<string, AzureRegion & { geography?: string }>).filter(([, r]) => r.availabilityZones && !r.restricted);
    const local = open.filter(([, r]) => geography !== undefined && r.geography === geography).map(([n]) => n);
    return [...new Set([...local, "eastus2", "westeurope", "westus2"])].slice(0, 3);
}

/**
 * `zones` for a resource that is zone-redundant where it can be (Standard public IPs): all three
 * zones in a region that has them, none elsewhere. ARM gives a Standard public IP created without
 * zones all three in a zonal region, so sending them keeps `pulumi preview` free of drift.
 */
export function zoneRedundant(location: string): string[] | undefined {
    return azureRegion(location)?.availabilityZones ? ["1", "2", "3"] : undefined;
}

export interface VmSize {
    vCPUs: number;
    memoryGiB: number;
    series: string;
    /** Image generations the size boots: V1 (BIOS) and/or V2 (UEFI). */
    hyperVGenerations: Array<"V1" | "V2">;
    trustedLaunch: boolean;
    premiumStorage: boolean;
    architecture: string;
    linuxOnly?: boolean;
}

const SIZES = sizeTable.sizes as Record<string, VmSize>;

/** The size with this name (`Standard_B2s`), or undefined when the table does not have it. */
export function vmSize(name: string): VmSize | undefined {
    return Object.hasOwn(SIZES, name) ? SIZES[name] : undefined;
}

export function vmSizeNames(): string[] {
    return Object.keys(SIZES);
}

// Windows Server with the Desktop Experience needs 2 GB of memory.
// learn.microsoft.com/windows-server/get-started/hardware-requirements#memory
const WINDOWS_MIN_MEMORY_GIB = 2;
// NVMe-only series: Azure refuses them with the SCSI disk controller the lab's VMs use.
const NVME_ONLY_SERIES = new Set(["Dsv6", "Dasv6"]);

/** Why a size cannot run a lab's Windows servers, or undefined. */
export function windowsSizeProblem(size: VmSize): string | undefined {
    if (size.linuxOnly || size.architecture !== "x64") return `an x64 size that runs Windows (this one runs ${size.linuxOnly ? "Linux only" : size.architecture})`;
    if (size.memoryGiB < WINDOWS_MIN_MEMORY_GIB) return `a size with at least ${WINDOWS_MIN_MEMORY_GIB} GiB of memory (Windows Server needs 2 GB; this one has ${size.memoryGiB} GiB), such as Standard_B2s`;
    if (NVME_ONLY_SERIES.has(size.series)) return `a size with a SCSI disk controller: the ${size.series} series is NVMe-only, which the lab's Windows images and VMs are not set up for (Standard_D2s_v5 is the previous generation)`;
    return undefined;
}

/** The IANA zone of a Windows time-zone id (`W. Europe Standard Time` is Europe/Berlin), or undefined. */
export function windowsTimeZone(id: string): string | undefined {
    const zones = timeZoneTable.zones as Record<string, string>;
    return Object.hasOwn(zones, id) ? zones[id] : undefined;
}

/** A Windows time-zone id that matches `text` ignoring case and spaces, for "did you mean". */
export function nearestTimeZone(text: string): string | undefined {
    const squash = (s: string) => s.toLowerCase().replace(/[\s._-]/g, "");
    const zones = timeZoneTable.zones as Record<string, string>;
    return Object.keys(zones).find((id) => squash(id) === squash(text)) ?? Object.entries(zones).find(([, iana]) => iana === text)?.[0];
}

/**
 * The Hyper-V generation a Windows Server marketplace image boots, or undefined for images this
 * rule does not know (other publishers). MicrosoftWindowsServer names Generation 2 SKUs
 * `-gensecond` or `-g2`, and the Azure Edition SKUs are Generation 2 only.
 * learn.microsoft.com/azure/virtual-machines/generation-2#generation-2-vm-images-in-azure-marketplace
 */
export function imageGeneration(image: ImageReference): "V1" | "V2" | undefined {
    if (image.publisher.toLowerCase() !== "microsoftwindowsserver") return undefined;
    const sku = image.sku.toLowerCase();
    return /gensecond|-g2$|-g2-|azure-edition/.test(sku) ? "V2" : "V1";
}

/**
 * When a daily shutdown at `time` (HHmm) in the Windows time zone `timeZoneId` next happens
 * after `now`. Undefined for a zone the table does not know.
 */
export function nextShutdown(time: string, timeZoneId: string, now = new Date()): Date | undefined {
    const iana = windowsTimeZone(timeZoneId);
    if (!iana) return undefined;
    const hour = Number(time.slice(0, 2));
    const minute = Number(time.slice(2, 4));
    // The zone's wall clock now, then step a day at a time to the first instant past `now`.
    for (let day = 0; day <= 2; day++) {
        const local = wallClock(now, iana);
        const guess = Date.UTC(local.year, local.month - 1, local.day + day, hour, minute);
        // Correct the guess by the zone's offset at that moment (twice, for a DST change between).
        let instant = guess - offsetMs(new Date(guess), iana);
        instant = guess - offsetMs(new Date(instant), iana);
        if (instant > now.getTime()) return new Date(instant);
    }
    return undefined;
}

function wallClock(at: Date, timeZone: string): { year: number; month: number; day: number } {
    const parts = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "numeric", day: "numeric" }).formatToParts(at);
    const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
    return { year: get("year"), month: get("month"), day: get("day") };
}

/** The zone's offset from UTC at `at`, in milliseconds (positive east of Greenwich). */
function offsetMs(at: Date, timeZone: string): number {
    const parts = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" }).formatToParts(at);
    const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
    const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
    return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}
