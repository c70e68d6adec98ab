// Imitates @pulumi/random and @pulumi/time: values that satisfy the requested constraints
// (length, character classes), derived from the URN so every plan shows the same ones.
import { DIGITS, LOWER, UPPER } from "./ids";
import { type CloudMock, type NewResourceRequest, type NewResourceResult, type Props, parseToken } from "./types";

const SPECIAL_DEFAULT = "!@#$%&*()-_=+[]{}<>:?";

export class RandomMock implements CloudMock {
    constructor(private readonly now: Date) {}

    newResource(req: NewResourceRequest): NewResourceResult | undefined {
        const { pkg, name: typeName } = parseToken(req.type);
        const e = req.entropy;
        const inputs = req.inputs;
        if (pkg === "time") {
            const stamp = this.now.toISOString().replace(/\.\d{3}Z$/, "Z");
            if (typeName === "Rotating") {
                const days = Number(inputs.rotationDays ?? 0);
                const rotation = new Date(this.now.getTime() + days * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "Z");
                return { id: stamp, computed: { rfc3339: stamp, rotationRfc3339: rotation } };
            }
            return { id: stamp, computed: { rfc3339: stamp, unix: Math.floor(this.now.getTime() / 1000) } };
        }
        if (pkg !== "random") return undefined;
        switch (typeName) {
            case "RandomPassword":
            case "RandomString": {
                const result = constrainedString(req, inputs);
                return { id: typeName === "RandomPassword" ? "none" : result, computed: { result, ...(typeName === "RandomPassword" ? { bcryptHash: `$2a$10$${e.pick("bcrypt", LOWER + UPPER + DIGITS, 53)}` } : {}) } };
            }
            case "RandomId": {
                const bytes = Number(inputs.byteLength ?? 8);
                const hex = `${String(inputs.prefix ?? "")}${e.hex("id", bytes * 2)}`;
                const buf = Buffer.from(e.hex("id", bytes * 2), "hex");
                const b64Url = buf.toString("base64url");
                return { id: b64Url, computed: { hex, b64Url, b64Std: buf.toString("base64"), dec: BigInt(`0x${buf.toString("hex")}`).toString() } };
            }
            case "RandomUuid": {
                const result = e.guid("uuid");
                return { id: result, computed: { result } };
            }
            case "RandomInteger": {
                const min = Number(inputs.min ?? 0);
                const max = Number(inputs.max ?? min);
                const result = min + e.below("int", Math.max(1, max - min + 1));
                return { id: String(result), computed: { result } };
            }
            case "RandomPet": {
                const words = ["amber", "brave", "calm", "eager", "noble"];
                const animals = ["otter", "heron", "lynx", "panda", "wren"];
                const id = `${String(inputs.prefix ? `${String(inputs.prefix)}-` : "")}${words[e.below("w", 5)]}${String(inputs.separator ?? "-")}${animals[e.below("a", 5)]}`;
                return { id, computed: {} };
            }
        }
        return { id: e.hex("id", 16), computed: {} };
    }
}

function constrainedString(req: NewResourceRequest, inputs: Props): string {
    const e = req.entropy;
    const length = Number(inputs.length ?? 16);
    const classes: Array<{ chars: string; min: number }> = [];
    if (inputs.upper !== false) classes.push({ chars: UPPER, min: Number(inputs.minUpper ?? 0) });
    if (inputs.lower !== false) classes.push({ chars: LOWER, min: Number(inputs.minLower ?? 0) });
    if (inputs.numeric !== false && inputs.number !== false) classes.push({ chars: DIGITS, min: Number(inputs.minNumeric ?? 0) });
    if (inputs.special !== false) classes.push({ chars: String(inputs.overrideSpecial ?? SPECIAL_DEFAULT), min: Number(inputs.minSpecial ?? 0) });
    let out = "";
    for (const [i, c] of classes.entries()) out += e.pick(`min${i}`, c.chars, c.min);
    const all = classes.map((c) => c.chars).join("") || LOWER;
    out += e.pick("rest", all, Math.max(0, length - out.length));
    return out.slice(0, Math.max(length, out.length));
}
