/**
 * The string formats a CRD schema may validate (apiextensions' supportedFormats, checked by go-openapi
 * strfmt). Unsupported formats are ignored, as upstream strips them before validating.
 */
import af from "ajv-formats";

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const formatsPlugin = af.default;

type FormatCheck = (s: string) => boolean;

const full = {
  date: formatsPlugin.get("date", "full"),
  email: formatsPlugin.get("email", "full"),
  hostname: formatsPlugin.get("hostname", "full"),
  ipv4: formatsPlugin.get("ipv4", "full"),
  ipv6: formatsPlugin.get("ipv6", "full"),
};
const asCheck = (f: unknown): FormatCheck => {
  if (f instanceof RegExp) return (s) => f.test(s);
  if (typeof f === "function") return f as FormatCheck;
  if (f && typeof f === "object" && "validate" in f) return asCheck((f as { validate: unknown }).validate);
  return () => true;
};

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:?\d{2})?$/;

function isDateTime(s: string): boolean {
  const m = DATE_TIME.exec(s);
  if (!m) return false;
  const [, y, mo, d, h, mi, sec] = m.map(Number) as number[];
  const days = [31, y! % 4 === 0 && (y! % 100 !== 0 || y! % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return mo! >= 1 && mo! <= 12 && d! >= 1 && d! <= days[mo! - 1]! && h! < 24 && mi! < 60 && (Number.isNaN(sec) || sec! < 60);
}

// strfmt's duration: Go durations plus day/week units and long unit names.
const DURATION = /^[-+]?\s*(?:\d+(?:\.\d*)?\s*(?:ns|us|µs|μs|ms|s|m|h|d|w|nanoseconds?|microseconds?|milliseconds?|seconds?|minutes?|hours?|days?|weeks?)\s*)+$/;

const checks: Record<string, FormatCheck> = {
  "date-time": isDateTime,
  datetime: isDateTime,
  date: asCheck(full.date),
  duration: (s) => s === "0" || DURATION.test(s),
  uri: (s) => /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(s) || s.startsWith("/"),
  email: asCheck(full.email),
  hostname: asCheck(full.hostname),
  ipv4: asCheck(full.ipv4),
  ipv6: asCheck(full.ipv6),
  cidr: (s) => {
    const [ip, bits, ...rest] = s.split("/");
    if (rest.length || ip === undefined || bits === undefined || !/^\d{1,3}$/.test(bits)) return false;
    if (checks.ipv4!(ip)) return Number(bits) <= 32;
    return checks.ipv6!(ip) && Number(bits) <= 128;
  },
  mac: (s) => /^(?:[0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$|^(?:[0-9a-fA-F]{2}[:-]){7}[0-9a-fA-F]{2}$|^(?:[0-9a-fA-F]{4}\.){2}[0-9a-fA-F]{4}$/.test(s),
  uuid: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s),
  uuid3: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s),
  uuid4: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i.test(s),
  uuid5: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i.test(s),
  byte: (s) => /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s),
  password: () => true,
  bsonobjectid: (s) => /^[0-9a-fA-F]{24}$/.test(s),
  hexcolor: (s) => /^#?(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.test(s),
  rgbcolor: (s) => /^rgb\(\s*\d{1,3}%?\s*,\s*\d{1,3}%?\s*,\s*\d{1,3}%?\s*\)$/.test(s),
};

/** The checker for a CRD string format, or undefined when upstream would not validate it. */
export function stringFormat(name: string): FormatCheck | undefined {
  return checks[name];
}

export const SUPPORTED_FORMATS: readonly string[] = Object.keys(checks);
