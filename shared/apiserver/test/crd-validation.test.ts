/**
 * CustomResourceDefinition validation. Expected messages are the strings of apiextensions-apiserver's
 * pkg/apis/apiextensions/validation and pkg/apiserver/schema (structural schema rules).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { defaultCustomResourceDefinition, formatCause, validateCustomResourceDefinition } from "../src/crd/index.js";
import { crdWith, FLUX_CRDS_DIR, fluxCrdFiles } from "./crd-fixtures.js";

const simpleSchema = {
  type: "object",
  properties: { spec: { type: "object", properties: { size: { type: "integer" } } } },
};

const messages = (crd: object, old?: object) => validateCustomResourceDefinition(crd, old).map(formatCause);

test("every vendored Flux CRD is valid", () => {
  // legacy/ holds fragments (single old version entries), not installable CRDs.
  const files = fluxCrdFiles();
  assert.ok(files.length >= 13, `expected the Flux CRD set, found ${files.length}`);
  for (const f of files) {
    const crd = parse(readFileSync(join(FLUX_CRDS_DIR, f), "utf8"));
    assert.deepEqual(messages(crd), [], f);
  }
});

test("a minimal CRD is valid once defaulted (singular, listKind, conversion, storedVersions)", () => {
  const crd = crdWith(simpleSchema);
  assert.deepEqual(messages(crd), []);
  const d = defaultCustomResourceDefinition(crd) as any;
  assert.equal(d.spec.names.singular, "widget");
  assert.equal(d.spec.names.listKind, "WidgetList");
  assert.deepEqual(d.spec.conversion, { strategy: "None" });
  assert.deepEqual(d.status.storedVersions, ["v1"]);
  assert.equal(crd.spec.names.singular, undefined, "defaulting returns a copy");
});

test("metadata.name must be <plural>.<group>", () => {
  const crd = crdWith(simpleSchema, (c) => (c.metadata.name = "gadgets.example.com"));
  assert.deepEqual(messages(crd), ['metadata.name: Invalid value: "gadgets.example.com": must be spec.names.plural+"."+spec.group']);
});

test("names: plural must be a DNS-1035 label, kind may have mixed case, kind and listKind differ", () => {
  const crd = crdWith(simpleSchema, (c) => {
    c.metadata.name = "Widgets.example.com";
    c.spec.names.plural = "Widgets";
    c.spec.names.listKind = "Widget";
  });
  const got = messages(crd);
  assert.ok(
    got.includes(
      "spec.names.plural: Invalid value: \"Widgets\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    ),
    got.join("\n"),
  );
  assert.ok(got.includes('spec.names.listKind: Invalid value: "Widget": kind and listKind may not be the same'), got.join("\n"));
  assert.ok(!got.some((m) => m.startsWith("spec.names.kind")), "Widget is a valid mixed-case kind");
});

test("group needs a dot, scope must be Cluster or Namespaced", () => {
  const crd = crdWith(simpleSchema, (c) => {
    c.metadata.name = "widgets.example";
    c.spec.group = "example";
    c.spec.scope = "Global";
  });
  assert.deepEqual(messages(crd), [
    'spec.group: Invalid value: "example": should be a domain with at least one dot',
    'spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"',
  ]);
});

test("versions: exactly one storage version, unique names, schemas required", () => {
  const twoStorage = crdWith(simpleSchema, (c) => c.spec.versions.push({ ...c.spec.versions[0], name: "v2" }));
  const got = messages(twoStorage);
  assert.equal(got.length, 1, got.join("\n"));
  assert.match(got[0]!, /^spec\.versions: Invalid value: .*: must have exactly one version marked as storage version$/);

  const dup = crdWith(simpleSchema, (c) => c.spec.versions.push({ ...c.spec.versions[0], storage: false }));
  assert.match(messages(dup).join("\n"), /^spec\.versions: Invalid value: .*: must contain unique version names$/m);

  const noSchema = crdWith(simpleSchema, (c) => delete c.spec.versions[0].schema);
  assert.deepEqual(messages(noSchema), ["spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required"]);
});

test("structural schema: types are required, metadata may only restrict name/generateName", () => {
  const crd = crdWith({
    type: "object",
    properties: {
      metadata: { type: "object", properties: { labels: { type: "object" } } },
      spec: {
        type: "object",
        properties: {
          untyped: { description: "no type" },
          list: { type: "array", items: { properties: { a: { type: "string" } } } },
          free: { "x-kubernetes-preserve-unknown-fields": true },
          port: { "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string" }] },
        },
      },
    },
  });
  const base = "spec.versions[0].schema.openAPIV3Schema";
  assert.deepEqual(messages(crd).sort(), [
    `${base}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified`,
    `${base}.properties[spec].properties[list].items.type: Required value: must not be empty for specified array items`,
    `${base}.properties[spec].properties[untyped].type: Required value: must not be empty for specified object fields`,
  ]);
});

test("schema restrictions: properties with additionalProperties, false additionalProperties, uniqueItems, value validations", () => {
  const base = "spec.versions[0].schema.openAPIV3Schema.properties[spec]";
  const crd = crdWith({
    type: "object",
    properties: {
      spec: {
        type: "object",
        properties: { a: { type: "string" } },
        additionalProperties: { type: "string" },
        anyOf: [{ type: "object" }],
      },
      status: { type: "object", additionalProperties: false },
      tags: { type: "array", items: { type: "string" }, uniqueItems: true },
    },
  });
  const got = messages(crd).sort();
  assert.deepEqual(got, [
    `${base}.additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`,
    `${base}.anyOf[0].type: Forbidden: must be empty to be structural`,
    "spec.versions[0].schema.openAPIV3Schema.properties[status].additionalProperties: Forbidden: additionalProperties cannot be set to false",
    "spec.versions[0].schema.openAPIV3Schema.properties[tags].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic",
  ]);
});

test("root must be an object schema; list-type map needs keys", () => {
  const rootString = crdWith({ type: "string" });
  assert.ok(messages(rootString).includes('spec.versions[0].schema.openAPIV3Schema.type: Invalid value: "string": must be object at the root'));
  const mapList = crdWith({
    type: "object",
    properties: { items: { type: "array", "x-kubernetes-list-type": "map", items: { type: "object", properties: { name: { type: "string" } } } } },
  });
  assert.deepEqual(messages(mapList), [
    "spec.versions[0].schema.openAPIV3Schema.properties[items].x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map",
  ]);
});

test("printer columns need a name, a known type and a jsonPath starting with a dot", () => {
  const crd = crdWith(simpleSchema, (c) => {
    c.spec.versions[0].additionalPrinterColumns = [
      { name: "Size", type: "integer", jsonPath: ".spec.size" },
      { name: "Ready", type: "bool", jsonPath: "status.ready" },
    ];
  });
  assert.deepEqual(messages(crd), [
    'spec.versions[0].additionalPrinterColumns[1].type: Invalid value: "bool": must be one of boolean,date,integer,number,string',
    'spec.versions[0].additionalPrinterColumns[1].JSONPath: Invalid value: "status.ready": must be a simple json path starting with .',
  ]);
});

test("update: group and plural are immutable; scope and kind once established; stored versions stay served", () => {
  const established = { conditions: [{ type: "Established", status: "True" }], storedVersions: ["v1"] };
  const old = crdWith(simpleSchema, (c) => (c.status = established));
  const changed = crdWith(simpleSchema, (c) => {
    c.spec.scope = "Cluster";
    c.spec.names.kind = "Gizmo";
    c.status = established;
  });
  assert.deepEqual(messages(changed, old), ['spec.scope: Invalid value: "Cluster": field is immutable', 'spec.names.kind: Invalid value: "Gizmo": field is immutable']);
  const notYetEstablished = crdWith(simpleSchema, (c) => (c.status = { storedVersions: ["v1"] }));
  assert.deepEqual(messages(changed, notYetEstablished), []);

  const regrouped = crdWith(simpleSchema, (c) => {
    c.metadata.name = "widgets.example.org";
    c.spec.group = "example.org";
  });
  assert.deepEqual(messages(regrouped, old), ['spec.group: Invalid value: "example.org": field is immutable']);

  // The server carries storedVersions forward; dropping v1beta1 from spec.versions is then refused.
  const dropped = crdWith(simpleSchema, (c) => (c.status = { storedVersions: ["v1beta1", "v1"] }));
  assert.deepEqual(messages(dropped, old), [
    'status.storedVersions[0]: Invalid value: "v1beta1": missing from spec.versions; v1beta1 was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in v1beta1 and removes v1beta1 from status.storedVersions',
  ]);
});

test("deprecationWarning only on deprecated versions", () => {
  const crd = crdWith(simpleSchema, (c) => (c.spec.versions[0].deprecationWarning = "use v2"));
  assert.deepEqual(messages(crd), ['spec.versions[0].deprecationWarning: Invalid value: "use v2": can only be set for deprecated versions']);
});

test("conversion strategy must be None or Webhook, and Webhook needs its configuration", () => {
  const bad = crdWith(simpleSchema, (c) => (c.spec.conversion = { strategy: "Magic" }));
  assert.deepEqual(messages(bad), ['spec.conversion.strategy: Unsupported value: "Magic": supported values: "None", "Webhook"']);
  const webhook = crdWith(simpleSchema, (c) => (c.spec.conversion = { strategy: "Webhook" }));
  assert.deepEqual(messages(webhook), [
    "spec.conversion.webhookClientConfig: Required value: required when strategy is set to Webhook",
    "spec.conversion.conversionReviewVersions: Required value",
  ]);
  const ok = crdWith(simpleSchema, (c) => {
    c.spec.conversion = { strategy: "Webhook", webhook: { clientConfig: { service: { name: "conv", namespace: "default" } }, conversionReviewVersions: ["v1"] } };
  });
  assert.deepEqual(messages(ok), []);
});

test("patterns must compile", () => {
  const crd = crdWith({ type: "object", properties: { spec: { type: "object", properties: { name: { type: "string", pattern: "([a-z" } } } } });
  const got = messages(crd);
  assert.equal(got.length, 1, got.join("\n"));
  assert.match(got[0]!, /^spec\.versions\[0\]\.schema\.openAPIV3Schema\.properties\[spec\]\.properties\[name\]\.pattern: Invalid value: "\(\[a-z": must be a valid regular expression, but isn't: /);
});

test("schema extensions: map-list keys need a default or required, sets of objects must be atomic, no defaults in top-level metadata", () => {
  const base = "spec.versions[0].schema.openAPIV3Schema";
  const crd = crdWith({
    type: "object",
    properties: {
      apiVersion: { type: "string", default: "example.com/v1" },
      spec: {
        type: "object",
        properties: {
          ports: {
            type: "array",
            "x-kubernetes-list-type": "map",
            "x-kubernetes-list-map-keys": ["name"],
            items: { type: "object", properties: { name: { type: "string" } } },
          },
          owners: { type: "array", "x-kubernetes-list-type": "set", items: { type: "object", properties: { id: { type: "string" } } } },
          keyed: { type: "array", "x-kubernetes-list-map-keys": ["id"], items: { type: "object", properties: { id: { type: "string" } } } },
        },
      },
    },
  });
  assert.deepEqual(messages(crd).sort(), [
    `${base}.properties[apiVersion].default: Forbidden: must not be set in top-level apiVersion`,
    `${base}.properties[spec].properties[keyed].x-kubernetes-list-type: Required value: must be map if x-kubernetes-list-map-keys is non-empty`,
    `${base}.properties[spec].properties[owners].items.x-kubernetes-map-type: Invalid value: "null": must be atomic as item of a list with x-kubernetes-list-type=set`,
    `${base}.properties[spec].properties[ports].items.properties[name].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property`,
  ]);
});

test("x-kubernetes-validations: oldSelf only where old and new correlate; rule and message hygiene", () => {
  const base = "spec.versions[0].schema.openAPIV3Schema.properties[spec]";
  const crd = crdWith({
    type: "object",
    properties: {
      spec: {
        type: "object",
        "x-kubernetes-validations": [{ rule: "self == oldSelf", message: "immutable" }, { rule: " " }, { rule: "has(self.tags)", message: "a\nb" }],
        properties: {
          tags: { type: "array", items: { type: "string", "x-kubernetes-validations": [{ rule: "self == oldSelf" }] } },
        },
      },
    },
  });
  assert.deepEqual(messages(crd), [
    `${base}.x-kubernetes-validations[1].rule: Required value: rule is not specified`,
    `${base}.x-kubernetes-validations[2].message: Invalid value: "a\\nb": message must not contain line breaks`,
    `${base}.properties[tags].items.x-kubernetes-validations[0].rule: Invalid value: "self == oldSelf": oldSelf cannot be used on the uncorrelatable portion of the schema within ${base}.properties[tags]`,
  ]);
});

test("defaults must be valid and pruned", () => {
  const base = "spec.versions[0].schema.openAPIV3Schema.properties[spec].properties";
  const crd = crdWith({
    type: "object",
    properties: {
      spec: {
        type: "object",
        properties: {
          size: { type: "integer", minimum: 1, default: 0 },
          mode: { type: "string", enum: ["fast", "slow"], default: "medium" },
          limits: { type: "object", properties: { cpu: { type: "string" } }, default: { cpu: "1", gpu: "2" } },
          ok: { type: "string", default: "fine" },
        },
      },
    },
  });
  assert.deepEqual(messages(crd), [
    `${base}[size].default: Invalid value: 0:  in body should be greater than or equal to 1`,
    `${base}[mode].default: Unsupported value: "medium": supported values: "fast", "slow"`,
    `${base}[limits].default: Invalid value: map[string]interface {}{"cpu":"1", "gpu":"2"}: must not have unknown fields`,
  ]);
});
