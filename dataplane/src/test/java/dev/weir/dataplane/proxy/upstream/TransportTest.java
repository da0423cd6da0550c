package dev.weir.dataplane.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.dataplane.proxy.upstream.Transport.Kind;
import dev.weir.dataplane.proxy.upstream.Transport.Preference;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which transport each --transport value gets, for every set of transports a host refuses. */
class TransportTest {
  static Stream<Arguments> choices() {
    Set<Kind> none = Set.of();
    Set<Kind> noUring = Set.of(Kind.IO_URING);
    Set<Kind> noEpoll = Set.of(Kind.EPOLL);
    Set<Kind> noNative = Set.of(Kind.IO_URING, Kind.EPOLL);
    return Stream.of(
        // preference, refused here, chosen, passed over in the order tried
        Arguments.of(Preference.AUTO, none, Kind.EPOLL, List.of()),
        Arguments.of(Preference.AUTO, noUring, Kind.EPOLL, List.of()),
        Arguments.of(Preference.AUTO, noEpoll, Kind.NIO, List.of(Kind.EPOLL)),
        Arguments.of(Preference.AUTO, noNative, Kind.NIO, List.of(Kind.EPOLL)),
        Arguments.of(Preference.EPOLL, none, Kind.EPOLL, List.of()),
        Arguments.of(Preference.EPOLL, noEpoll, Kind.NIO, List.of(Kind.EPOLL)),
        Arguments.of(Preference.IO_URING, none, Kind.IO_URING, List.of()),
        Arguments.of(Preference.IO_URING, noUring, Kind.EPOLL, List.of(Kind.IO_URING)),
        Arguments.of(Preference.IO_URING, noEpoll, Kind.IO_URING, List.of()),
        Arguments.of(Preference.IO_URING, noNative, Kind.NIO, List.of(Kind.IO_URING, Kind.EPOLL)),
        Arguments.of(Preference.NIO, none, Kind.NIO, List.of()),
        Arguments.of(Preference.NIO, noNative, Kind.NIO, List.of()));
  }

  @ParameterizedTest
  @MethodSource("choices")
  void eachPreferenceTakesTheFirstTransportThatIsAvailable(
      Preference preference, Set<Kind> refused, Kind chosen, List<Kind> passedOver) {
    Function<Kind, Throwable> unavailability =
        kind ->
            refused.contains(kind)
                ? new UnsupportedOperationException(kind.id() + " refused by seccomp")
                : null;

    Transport.Choice choice = Transport.choose(preference, unavailability);

    assertThat(choice.transport().kind()).isEqualTo(chosen);
    assertThat(choice.unavailable().keySet()).containsExactlyElementsOf(passedOver);
    assertThat(choice.fellBack()).isEqualTo(!passedOver.isEmpty());
    for (Kind kind : passedOver) {
      assertThat(choice.unavailable().get(kind)).contains(kind.id() + " refused by seccomp");
    }
  }

  @ParameterizedTest
  @MethodSource("choices")
  void theLogTextNamesEveryTransportPassedOverWithItsCause(
      Preference preference, Set<Kind> refused, Kind chosen, List<Kind> passedOver) {
    Transport.Choice choice =
        Transport.choose(
            preference, kind -> refused.contains(kind) ? new Exception("no " + kind.id()) : null);

    String expected =
        String.join(
            "; ",
            passedOver.stream().map(k -> k.id() + ": java.lang.Exception: no " + k.id()).toList());
    assertThat(choice.unavailableText()).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"auto", "epoll", "io_uring", "nio", "IO_URING", "Epoll"})
  void everyNameParsesAndPrintsBack(String name) {
    assertThat(Preference.of(name).id()).isEqualTo(name.toLowerCase());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "iouring", "io-uring", "kqueue", "epoll "})
  void anythingElseIsRefusedWithTheChoices(String name) {
    assertThatThrownBy(() -> Preference.of(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("auto, epoll, io_uring, nio");
  }

  @ParameterizedTest
  @ValueSource(strings = {"EPOLL", "IO_URING", "NIO"})
  void whatThisHostRefusesItSaysWhy(String name) {
    Kind kind = Kind.valueOf(name);
    Throwable cause = Transport.unavailabilityCause(kind);
    // NIO is everywhere; a refused native transport comes with Netty's reason.
    if (kind == Kind.NIO) {
      assertThat(cause).isNull();
    } else if (cause != null) {
      assertThat(cause.toString()).isNotBlank();
    }
  }
}
