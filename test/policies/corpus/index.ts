// The corpus as one program: every case registers its resources under names prefixed with its id,
// so one evaluation and one policy check judge them all and each finding is traced to its case.
import { CASES } from "./cases";

for (const c of CASES) c.build((suffix) => `${c.id}--${suffix}`);
