package io.pxlite.node.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.pxlite.docker.DriverException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DockerVolumeNameTest {
  @ParameterizedTest
  @ValueSource(strings = {"demo", "db-1.data_x", "a=b", "size=10G", "size=10G,repl=2", "a,b", "x,y=z",
      "myname=demo", "rename=x,size=1G", "names=a"})
  void aNameWithoutANamePartStaysPlain(String dockerName) {
    DockerVolumeName n = DockerVolumeName.parse(dockerName);
    assertThat(n.volume()).isEqualTo(dockerName);
    assertThat(n.options()).isEmpty();
  }

  @Test
  void anInlineSpecGivesTheNameAndTheOptions() {
    DockerVolumeName n = DockerVolumeName.parse("size=10G,repl=2,name=demo");
    assertThat(n.volume()).isEqualTo("demo");
    assertThat(n.options()).containsOnly(entry("size", "10G"), entry("repl", "2"));
  }

  @Test
  void theNamePartMayComeAnywhereAndSpacesAroundPartsAreIgnored() {
    DockerVolumeName n = DockerVolumeName.parse("name=demo, size=1G ,fs=xfs");
    assertThat(n.volume()).isEqualTo("demo");
    assertThat(n.options()).containsOnly(entry("size", "1G"), entry("fs", "xfs"));
  }

  @Test
  void aNamePartAloneIsASpecWithNoOptions() {
    DockerVolumeName n = DockerVolumeName.parse("name=demo");
    assertThat(n.volume()).isEqualTo("demo");
    assertThat(n.options()).isEmpty();
  }

  @Test
  void aValueMayContainAnEqualsSign() {
    DockerVolumeName n = DockerVolumeName.parse("name=demo,labels=app=db");
    assertThat(n.options()).containsOnly(entry("labels", "app=db"));
  }

  @Test
  void aKeyGivenTwiceIsAnError() {
    assertThatThrownBy(() -> DockerVolumeName.parse("size=1G,name=demo,size=2G"))
        .isInstanceOf(DriverException.class)
        .hasMessageContaining("size=1G,name=demo,size=2G")
        .hasMessageContaining("'size' twice");
  }

  @Test
  void theNameGivenTwiceIsAnError() {
    assertThatThrownBy(() -> DockerVolumeName.parse("name=a,size=1G,name=b"))
        .isInstanceOf(DriverException.class)
        .hasMessageContaining("'name' twice");
  }

  @Test
  void aPartWithoutEqualsInASpecIsAnError() {
    assertThatThrownBy(() -> DockerVolumeName.parse("size=1G,fast,name=demo"))
        .isInstanceOf(DriverException.class)
        .hasMessageContaining("'fast' is not key=value")
        .hasMessageContaining("size=10G,repl=2,name=demo");
    assertThatThrownBy(() -> DockerVolumeName.parse("=1G,name=demo"))
        .isInstanceOf(DriverException.class)
        .hasMessageContaining("'=1G' is not key=value");
    assertThatThrownBy(() -> DockerVolumeName.parse("size=1G,,name=demo"))
        .isInstanceOf(DriverException.class)
        .hasMessageContaining("is not key=value");
  }

  @Test
  void anEmptyNameIsAnError() {
    assertThatThrownBy(() -> DockerVolumeName.parse("size=1G,name="))
        .isInstanceOf(DriverException.class)
        .hasMessageContaining("empty name=");
    assertThatThrownBy(() -> DockerVolumeName.parse("size=1G,name=  "))
        .isInstanceOf(DriverException.class)
        .hasMessageContaining("empty name=");
  }

  @Test
  void noNameAtAllIsAnError() {
    assertThatThrownBy(() -> DockerVolumeName.parse(null)).isInstanceOf(DriverException.class)
        .hasMessageContaining("name is required");
    assertThatThrownBy(() -> DockerVolumeName.parse(" ")).isInstanceOf(DriverException.class)
        .hasMessageContaining("name is required");
  }

  @Test
  void optsAreMergedWithTheInlineSpec() {
    DockerVolumeName n = DockerVolumeName.parse("size=10G,name=demo");
    assertThat(n.mergedWith(Map.of("repl", "2"))).containsOnly(entry("size", "10G"), entry("repl", "2"));
    assertThat(DockerVolumeName.parse("demo").mergedWith(Map.of("size", "3G"))).containsOnly(entry("size", "3G"));
    assertThat(DockerVolumeName.parse("demo").mergedWith(Map.of())).isEmpty();
  }

  @Test
  void theSameValueInlineAndInOptsIsFine() {
    DockerVolumeName n = DockerVolumeName.parse("size=10G,repl=2,name=demo");
    assertThat(n.mergedWith(Map.of("size", "10G"))).containsOnly(entry("size", "10G"), entry("repl", "2"));
  }

  @Test
  void aDifferentValueInlineAndInOptsIsAnError() {
    DockerVolumeName n = DockerVolumeName.parse("size=10G,name=demo");
    assertThatThrownBy(() -> n.mergedWith(Map.of("size", "20G")))
        .isInstanceOf(DriverException.class)
        .hasMessageContaining("volume demo")
        .hasMessageContaining("'size' is 10G in the name but 20G in --opt");
  }
}
