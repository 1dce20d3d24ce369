/**
 * Go structs embedded with `json:",inline"`: protobuf has a field for the embedded struct, JSON has its
 * members directly in the parent. Keyed `<message full name>.<field>`.
 */
export const INLINE_FIELDS = new Set(
  [
    "core.v1.ConfigMapEnvSource.localObjectReference",
    "core.v1.ConfigMapKeySelector.localObjectReference",
    "core.v1.ConfigMapProjection.localObjectReference",
    "core.v1.ConfigMapVolumeSource.localObjectReference",
    "core.v1.SecretEnvSource.localObjectReference",
    "core.v1.SecretKeySelector.localObjectReference",
    "core.v1.SecretProjection.localObjectReference",
    "core.v1.EphemeralContainer.ephemeralContainerCommon",
    "core.v1.PersistentVolumeSpec.persistentVolumeSource",
    "core.v1.Probe.handler",
    "core.v1.Volume.volumeSource",
    "networking.v1.IngressRule.ingressRuleValue",
    "admissionregistration.v1.NamedRuleWithOperations.ruleWithOperations",
    "admissionregistration.v1.RuleWithOperations.rule",
  ].map((k) => `k8s.io.api.${k}`),
);
