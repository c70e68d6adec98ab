// Settings every lab shares: who owns it and until when (tags), where it runs, and how
// its Windows servers are built and reached.
import { azureRegion, imageGeneration, nearestTimeZone, vmSize, vmSizeNames, windowsSizeProblem, windowsTimeZone } from "./azure-facts";
import type { Setting, SettingsReader } from "./config";
import { type Cidr, contains, parseCidr } from "./net";
import { adminUsernameProblem } from "./windows-names";
import type { AutoShutdown, ImageReference } from "./windows-vm";

export interface CommonSettings {
    owner: string;
    /** Date after which the lab may be deleted, `YYYY-MM-DD`. */
    expires: string;
    location: string;
}

export interface WindowsSettings {
    size: string;
    image: ImageReference;
    adminUsername: string;
    trustedLaunch: boolean;
    autoShutdown: AutoShutdown | false;
    /** Source CIDR allowed to RDP into lab subnets; undefined means no RDP rule. */
    rdpSourceCidr?: string;
}

export function readCommonSettings(reader: SettingsReader, now = new Date()): CommonSettings {
    const ownerSetting = reader.get("owner");
    let owner = ownerSetting.string("your name or e-mail, used as the lab's owner tag (pulumi config set owner <you>)", (s) => s.trim() !== "") ?? "";
    const tagProblem = owner ? tagValueProblem(owner) : undefined;
    if (tagProblem) {
        ownerSetting.problem(`your name or e-mail as a tag value both clouds accept: ${tagProblem}`);
        owner = "";
    }
    const expiresSetting = reader.get("expires");
    let expires = expiresSetting.string("a date YYYY-MM-DD after which the lab may be deleted, used as the expires tag", isCalendarDate) ?? "";
    const today = now.toISOString().slice(0, 10);
    if (expires && expires < today) {
        expiresSetting.problem(`a date from today (${today}) on: the lab's expires tag says when it may be deleted, and this one has passed`);
        expires = "";
    }
    const locationSetting = reader.get("location");
    let location = locationSetting.string("an Azure region name such as eastus or westeurope") ?? "";
    const region = location ? azureRegion(location) : undefined;
    if (location && !region) {
        const lower = location.toLowerCase().replace(/\s+/g, "");
        locationSetting.problem(azureRegion(lower) ? `the region's programmatic name, ${lower}` : "an Azure public region's name such as eastus, westeurope or swedencentral (az account list-locations lists them; lib/data/azure-regions.json is the lab's table, which leaves out regions open only by request, such as the Jio India ones)");
        location = "";
    } else if (region?.restricted) {
        locationSetting.problem(`a region open to every subscription: ${region.displayName} is restricted (access by request only), so deployments there fail unless Microsoft enabled it for you`);
        location = "";
    }
    return { owner, expires, location };
}

/** `YYYY-MM-DD` naming a day that exists (not 2026-02-30). */
export function isCalendarDate(s: string): boolean {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
    const date = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === s;
}

/**
 * Why a tag value would be refused by Azure or AWS, or undefined. AWS allows letters, digits,
 * white space and `_ . : / = + - @`, at most 256 characters
 * (docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html#tag-conventions); Azure allows
 * 256 characters in a value (learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations).
 */
export function tagValueProblem(value: string): string | undefined {
    if ([...value].length > 256) return "at most 256 characters";
    const bad = [...value].filter((c) => !/^[\p{L}\p{Z}\p{N}_.:/=+\-@]$/u.test(c));
    if (bad.length) return `letters, digits, spaces and _ . : / = + - @ only (not ${[...new Set(bad)].join(" ")})`;
    return undefined;
}

// RFC 1918 and the shared address space VPN overlays (e.g. Tailscale) hand out.
const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"].map((c) => parseCidr(c) as Cidr);

export function readWindowsSettings(reader: SettingsReader): WindowsSettings {
    const sizeSetting = reader.get("vmSize");
    let size = sizeSetting.string("an Azure VM size such as Standard_B2s") ?? "";
    const sizeFacts = size ? vmSize(size) : undefined;
    if (size && !sizeFacts) {
        const caseFix = vmSizeNames().find((n) => n.toLowerCase() === size.toLowerCase());
        sizeSetting.problem(caseFix ? `the size's exact name, ${caseFix}` : "a VM size from the lab's table (lib/data/azure-vm-sizes.json) such as Standard_B2s, Standard_B2ms or Standard_D2s_v5");
        size = "";
    } else if (sizeFacts) {
        const problem = windowsSizeProblem(sizeFacts);
        if (problem) {
            sizeSetting.problem(problem);
            size = "";
        }
    }
    const imageText = reader.get("windowsImage").string("an image URN publisher:offer:sku:version, e.g. MicrosoftWindowsServer:WindowsServer:2025-datacenter-azure-edition:latest", (s) => s.split(":").length === 4 && s.split(":").every((p) => p !== "")) ?? ":::";
    const [publisher, offer, sku, version] = imageText.split(":");
    const adminSetting = reader.get("adminUsername");
    let adminUsername = adminSetting.string("a Windows user name") ?? "";
    const adminProblem = adminUsername ? adminUsernameProblem(adminUsername) : undefined;
    if (adminProblem) {
        adminSetting.problem(adminProblem);
        adminUsername = "";
    }
    const trustedLaunchSetting = reader.get("trustedLaunch");
    let trustedLaunch = trustedLaunchSetting.boolean() ?? true;
    if (trustedLaunch && sizeFacts && !sizeFacts.trustedLaunch) {
        trustedLaunchSetting.problem(`false with vmSize ${size}: the ${sizeFacts.series} series does not support Trusted Launch (or choose a size that does, such as Standard_B2s)`, true);
        // Reported once: the images are not judged again against a setting that must change anyway.
        trustedLaunch = false;
    }
    const enabled = reader.get("autoShutdown").boolean() ?? true;
    const time = reader.get("autoShutdownTime").string("a 24-hour time HHmm such as 1900", (s) => /^([01]\d|2[0-3])[0-5]\d$/.test(s)) ?? "1900";
    const timeZoneSetting = reader.get("autoShutdownTimeZone");
    let timeZone = timeZoneSetting.string("a Windows time zone id such as UTC or W. Europe Standard Time") ?? "UTC";
    if (!windowsTimeZone(timeZone)) {
        const near = nearestTimeZone(timeZone);
        timeZoneSetting.problem(`a Windows time zone id (tzutil /l lists them) such as UTC, GMT Standard Time or W. Europe Standard Time${near ? `; for ${timeZone} that is ${near}` : ""}`);
        timeZone = "UTC";
    }

    const cidrSetting = reader.get("adminSourceCidr");
    let rdpSourceCidr: string | undefined;
    if (typeof cidrSetting.value === "string" && cidrSetting.value !== "") {
        const parsed = parseCidr(cidrSetting.value);
        if ("error" in parsed) cidrSetting.problem(`${parsed.error}, or "" for no RDP rule`);
        else if (!PRIVATE_RANGES.some((r) => contains(r, parsed))) {
            cidrSetting.problem("a private network inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10: lab VMs are reached over a VPN, never from the Internet");
        } else rdpSourceCidr = parsed.text;
    }
    return { size, image: { publisher, offer, sku, version }, adminUsername, trustedLaunch, autoShutdown: enabled ? { time, timeZone } : false, rdpSourceCidr };
}

/** The tags every taggable resource of a lab carries. */
export function labTags(lab: string, common: CommonSettings): Record<string, string> {
    return { lab, owner: common.owner, expires: common.expires };
}

/**
 * Records a problem on `setting` (the image's setting) when the image cannot boot as the lab
 * builds its VMs: Trusted Launch needs a Generation 2 image, and the size must boot the image's
 * generation. Images of publishers other than MicrosoftWindowsServer are not judged.
 */
export function checkImage(setting: Setting, image: ImageReference, windows: WindowsSettings, note = ""): void {
    const urn = `${image.publisher}:${image.offer}:${image.sku}:${image.version}`;
    // The servers' roles and steps are Windows Server's (PowerShell Run Commands, Install-WindowsFeature,
    // AD DS, DNS Server): a Linux or Windows client image deploys, then every step fails.
    if (image.publisher.toLowerCase() !== "microsoftwindowsserver" || !/^windowsserver/i.test(image.offer)) {
        setting.problem(`a Windows Server image (publisher MicrosoftWindowsServer, offer WindowsServer) such as MicrosoftWindowsServer:WindowsServer:2022-datacenter-azure-edition:latest: the servers' roles need Windows Server${note}`, urn);
        return;
    }
    const generation = imageGeneration(image);
    if (!generation) return;
    if (windows.trustedLaunch && generation === "V1") {
        setting.problem(`a Generation 2 image such as MicrosoftWindowsServer:WindowsServer:2022-datacenter-azure-edition:latest or a -gensecond SKU: Trusted Launch needs one (or set trustedLaunch false)${note}`, urn);
        return;
    }
    const size = windows.size ? vmSize(windows.size) : undefined;
    if (size && !size.hyperVGenerations.includes(generation)) {
        setting.problem(`an image of Generation ${size.hyperVGenerations.map((g) => g.slice(1)).join(" or ")}: vmSize ${windows.size} does not boot Generation ${generation.slice(1)} images${note}`, urn);
    }
}
