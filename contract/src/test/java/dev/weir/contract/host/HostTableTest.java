package dev.weir.contract.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which entry of a host table a name finds, and how a table changes. */
class HostTableTest {
  private static final HostTable<String> TABLE =
      HostTable.<String>builder()
          .put("foo.com", "exact")
          .put("x.foo.com", "exact-under-wildcard")
          .put("*.foo.com", "wildcard")
          .put("*.bar.foo.com", "deeper-wildcard")
          .put("*", "any")
          .build();

  private static final HostTable<String> WITHOUT_CATCH_ALL = TABLE.toBuilder().remove("*").build();

  @ParameterizedTest(name = "{0} -> {1}, else {2}")
  @CsvSource(
      value = {
        // An exact name beats the wildcard that covers it.
        "foo.com | exact | exact",
        "x.foo.com | exact-under-wildcard | exact-under-wildcard",
        // A wildcard covers exactly one label more than its domain.
        "y.foo.com | wildcard | wildcard",
        "bar.foo.com | wildcard | wildcard",
        "a.bar.foo.com | deeper-wildcard | deeper-wildcard",
        "a.y.foo.com | any |",
        // Not the domain itself, nor its parent.
        "com | any |",
        "other.com | any |",
        "'' | any |",
      },
      delimiter = '|')
  void exactThenOneLabelWildcardThenCatchAll(String name, String expected, String withoutAny) {
    assertThat(TABLE.match(name)).isEqualTo(expected);
    assertThat(TABLE.match(name, HostName.wildcardParent(name))).isEqualTo(expected);
    assertThat(WITHOUT_CATCH_ALL.match(name)).isEqualTo(withoutAny);
    assertThat(WITHOUT_CATCH_ALL.match(name, HostName.wildcardParent(name))).isEqualTo(withoutAny);
  }

  @Test
  void noNameGetsTheCatchAll() {
    assertThat(TABLE.match(null)).isEqualTo("any");
    assertThat(TABLE.match(null, null)).isEqualTo("any");
    assertThat(WITHOUT_CATCH_ALL.match(null)).isNull();
  }

  @Test
  void aTableWithoutWildcardsFindsExactNamesOnly() {
    HostTable<String> table = HostTable.<String>builder(2).put("a.com", "a").build();
    assertThat(table.match("a.com")).isEqualTo("a");
    assertThat(table.match("x.a.com")).isNull();
  }

  // Routing and SNI look up per request and per handshake: a normalised host found by its exact
  // name costs no allocation, neither in HostName nor in the table.
  @Test
  void anExactLookupOfAnAlreadyNormalisedHostAllocatesNothing() {
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    assumeTrue(threads.isThreadAllocatedMemorySupported());
    assumeTrue(threads.isThreadAllocatedMemoryEnabled());
    long thread = Thread.currentThread().getId();
    int lookups = 100_000;
    int found = 0;
    threads.getThreadAllocatedBytes(thread);
    long before = threads.getThreadAllocatedBytes(thread);
    for (int i = 0; i < lookups; i++) {
      if (TABLE.match(HostName.ofAuthority("x.foo.com")) != null) {
        found++;
      }
    }
    long allocated = threads.getThreadAllocatedBytes(thread) - before;

    assertThat(found).isEqualTo(lookups);
    assertThat(allocated).as("bytes allocated by %d lookups", lookups).isLessThan(lookups);
  }

  @Test
  void getFindsAnEntryByTheNameItWasPutUnder() {
    assertThat(TABLE.get("*.foo.com")).isEqualTo("wildcard");
    assertThat(TABLE.get("foo.com")).isEqualTo("exact");
    assertThat(TABLE.get("*")).isEqualTo("any");
    assertThat(TABLE.get("y.foo.com")).as("covered, but not put").isNull();
    assertThat(TABLE.get("*.com")).isNull();
  }

  @Test
  void removingAndReplacingMakesANewTableAndLeavesTheOldOne() {
    HostTable<String> changed =
        TABLE.toBuilder()
            .remove("*.foo.com")
            .remove("foo.com")
            .put("x.foo.com", "replaced")
            .put("*", "other-any")
            .put("new.com", "new")
            .remove("absent.com")
            .build();

    assertThat(changed.match("foo.com")).isEqualTo("other-any");
    assertThat(changed.match("y.foo.com")).isEqualTo("other-any");
    assertThat(changed.match("x.foo.com")).isEqualTo("replaced");
    assertThat(changed.match("a.bar.foo.com")).isEqualTo("deeper-wildcard");
    assertThat(changed.match("new.com")).isEqualTo("new");

    assertThat(TABLE.match("foo.com")).isEqualTo("exact");
    assertThat(TABLE.match("y.foo.com")).isEqualTo("wildcard");
    assertThat(TABLE.match("x.foo.com")).isEqualTo("exact-under-wildcard");
    assertThat(TABLE.match("new.com")).isEqualTo("any");
  }

  @Test
  void aBuilderGoingOnAfterBuildLeavesTheBuiltTable() {
    HostTable.Builder<String> builder = HostTable.<String>builder().put("a.com", "a");
    HostTable<String> first = builder.build();
    HostTable<String> second =
        builder.put("a.com", "a2").put("*.a.com", "wild").put("*", "any").build();

    assertThat(first.match("a.com")).isEqualTo("a");
    assertThat(first.match("x.a.com")).isNull();
    assertThat(second.match("a.com")).isEqualTo("a2");
    assertThat(second.match("x.a.com")).isEqualTo("wild");
    assertThat(second.match("b.com")).isEqualTo("any");
  }

  @Test
  void putIfAbsentKeepsTheFirstEntryOfEachKind() {
    HostTable<String> table =
        HostTable.<String>builder()
            .putIfAbsent("a.com", "first")
            .putIfAbsent("a.com", "second")
            .putIfAbsent("*.a.com", "first-wildcard")
            .putIfAbsent("*.a.com", "second-wildcard")
            .putIfAbsent("*", "first-any")
            .putIfAbsent("*", "second-any")
            .build();

    assertThat(table.match("a.com")).isEqualTo("first");
    assertThat(table.match("x.a.com")).isEqualTo("first-wildcard");
    assertThat(table.match("b.com")).isEqualTo("first-any");
  }

  @Test
  void aNullValueIsRefusedSinceNullMeansNoEntry() {
    assertThatThrownBy(() -> HostTable.<String>builder().put("a.com", null))
        .isInstanceOf(NullPointerException.class);
  }
}
