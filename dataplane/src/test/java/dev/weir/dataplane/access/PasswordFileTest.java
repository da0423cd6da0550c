package dev.weir.dataplane.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PasswordFileTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    // openssl passwd -apr1 -salt saltsalt secret; openssl passwd -1 -salt ab secret
    "'$apr1$saltsalt$LrttParrLPdxvgutaSXWJ0', '$apr1$saltsalt$LrttParrLPdxvgutaSXWJ0'",
    "'$1$ab$dslkcXxVH.x8LwW1W/oAB/', '$1$ab$dslkcXxVH.x8LwW1W/oAB/'",
  })
  void md5CryptMatchesOpenssl(String setting, String expected) {
    assertThat(Md5Crypt.crypt("secret".getBytes(StandardCharsets.UTF_8), setting))
        .isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "'$apr1$saltsalt$LrttParrLPdxvgutaSXWJ0', true",
    "'$1$ab$dslkcXxVH.x8LwW1W/oAB/', true",
    "'{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=', true",
    "'{PLAIN}secret', true",
    "'{SHA}not base64!', false",
    // crypt(3) DES ("abNANd1rDfiNc" is crypt("secret", "ab")): not supported, never matches
    "'abNANd1rDfiNc', false",
    "'$6$salt$whatever', false",
  })
  void eachSupportedHashMatchesItsPasswordOnly(String hash, boolean matches) {
    assertThat(PasswordFile.matches(hash, "secret".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(matches);
    assertThat(PasswordFile.matches(hash, "Secret".getBytes(StandardCharsets.UTF_8))).isFalse();
  }

  @Test
  void bcryptOfEveryHtpasswdVariantMatches() {
    for (String version : new String[] {"2y", "2a", "2b"}) {
      String hash = OpenBSDBCrypt.generate(version, "pw".toCharArray(), new byte[16], 4);
      assertThat(PasswordFile.matches(hash, "pw".getBytes(StandardCharsets.UTF_8))).isTrue();
      assertThat(PasswordFile.matches(hash, "px".getBytes(StandardCharsets.UTF_8))).isFalse();
    }
  }

  @Test
  void theFileSkipsCommentsAndKeepsTheFirstLineOfAUserAndNeverPrintsHashes() {
    PasswordFile file =
        PasswordFile.parse(
            "# staff\n\nalice:{PLAIN}one\nalice:{PLAIN}two\r\nbob:{PLAIN}three:comment\nbroken\n");
    assertThat(file.users()).isEqualTo(2);
    assertThat(file.verify("alice", "one".getBytes(StandardCharsets.UTF_8))).isTrue();
    assertThat(file.verify("alice", "two".getBytes(StandardCharsets.UTF_8))).isFalse();
    assertThat(file.verify("bob", "three".getBytes(StandardCharsets.UTF_8))).isTrue();
    assertThat(file.toString()).doesNotContain("one").isEqualTo("PasswordFile[users=2]");
  }
}
