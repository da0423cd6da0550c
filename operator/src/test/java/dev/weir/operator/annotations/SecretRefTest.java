package dev.weir.operator.annotations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SecretRefTest {
  @ParameterizedTest(name = "{0} -> {1}/{2}")
  @CsvSource({
    "ca, shop, ca",
    "shop/ca, shop, ca",
    "other/ca, other, ca",
    "shop/client-ca.v2, shop, client-ca.v2",
    "kube-system/a, kube-system, a"
  })
  void readsNamespaceSlashNameOrANameInTheIngresssNamespace(
      String value, String namespace, String name) {
    SecretRef ref = SecretRef.parse(value, "shop");
    assertThat(ref).isEqualTo(new SecretRef(namespace, name));
    assertThat(ref).hasToString(namespace + "/" + name);
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"", "/ca", "shop/", "a/b/c", "Shop/ca", "shop/CA", "shop/c_a", "-a/ca"})
  void refusesWhatCannotNameASecret(String value) {
    assertThatThrownBy(() -> SecretRef.parse(value, "shop"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("is not a Secret reference (namespace/name or name, lower-case DNS names)");
  }

  @Test
  void secretNamesAreAtMost253Characters() {
    assertThat(SecretRef.parse("a".repeat(253), "shop").name()).hasSize(253);
    assertThatThrownBy(() -> SecretRef.parse("a".repeat(254), "shop"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
