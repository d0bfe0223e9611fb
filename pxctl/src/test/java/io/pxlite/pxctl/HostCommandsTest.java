package io.pxlite.pxctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HostCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Where a relative PATH must end up: pxctl's working directory, as the JVM started it. */
  private static final String CWD = System.getProperty("user.dir");

  private static final String ATTACHED_ELSEWHERE =
      "{\"error\":\"volume v1 is attached on node n2 (127.0.0.2); detach it there first\"}";

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void attachPostsWithoutABodyAndPrintsTheDevice(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("POST", "/v1/volumes/v1/attach", 200, CannedBodies.HOST_ATTACHED);
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "host", "attach", "v1");

      assertThat(run.err()).isEmpty();
      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).isEqualTo("Volume successfully attached at: /dev/loop3\n");
      assertThat(api.onlyRequest()).isEqualTo(new CannedApi.Request("POST", "/v1/volumes/v1/attach", ""));
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void attachWithJsonPrintsTheAttachment(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("POST", "/v1/volumes/v1/attach", 200, CannedBodies.HOST_ATTACHED);
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "-j", "host", "attach", "v1");

      assertThat(run.exitCode()).isZero();
      assertThat(JSON.readTree(run.out())).isEqualTo(JSON.readTree(CannedBodies.HOST_ATTACHED));
      assertThat(run.out()).startsWith("{\n  \"volume\" : \"v1\",\n").contains("\n  \"device_path\" : \"/dev/loop3\",\n");
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void attachOfAVolumeAttachedElsewhereIsTheServersErrorAndExitOne(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("POST", "/v1/volumes/v1/attach", 409, ATTACHED_ELSEWHERE);
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "host", "attach", "v1");

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.out()).isEmpty();
      assertThat(run.err()).isEqualTo("pxctl: volume v1 is attached on node n2 (127.0.0.2); detach it there first\n");
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void volumeNamesArePercentEncodedInThePath(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("POST", "/v1/volumes/my%20vol%2Fa%2Bb/attach", 200, CannedBodies.HOST_ATTACHED);
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "host", "attach", "my vol/a+b");

      assertThat(run.err()).isEmpty();
      assertThat(run.exitCode()).isZero();
      assertThat(api.onlyRequest().target()).isEqualTo("/v1/volumes/my%20vol%2Fa%2Bb/attach");
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void detachPostsWithoutABodyAndConfirms(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("POST", "/v1/volumes/v1/detach", 200, CannedBodies.HOST_DETACHED);
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "host", "detach", "v1");

      assertThat(run.err()).isEmpty();
      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).isEqualTo("Volume successfully detached\n");
      assertThat(api.onlyRequest()).isEqualTo(new CannedApi.Request("POST", "/v1/volumes/v1/detach", ""));
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void detachWithJsonPrintsTheAttachment(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("POST", "/v1/volumes/v1/detach", 200, CannedBodies.HOST_DETACHED);
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "host", "detach", "v1", "-j");

      assertThat(JSON.readTree(run.out())).isEqualTo(JSON.readTree(CannedBodies.HOST_DETACHED));
      assertThat(run.out()).contains("\n  \"device_path\" : null,\n");
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void detachOfAVolumeAttachedElsewhereIsExitOne(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("POST", "/v1/volumes/v1/detach", 409, ATTACHED_ELSEWHERE);
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "host", "detach", "v1");

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.out()).isEmpty();
      assertThat(run.err()).isEqualTo("pxctl: volume v1 is attached on node n2 (127.0.0.2); detach it there first\n");
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void mountSendsAnAbsolutePathAsTyped(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("POST", "/v1/volumes/v1/mount", 200, CannedBodies.HOST_MOUNTED);
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "host", "mount", "v1", "/mnt/x");

      assertThat(run.err()).isEmpty();
      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).isEqualTo("Volume v1 successfully mounted at /mnt/x\n");
      assertThat(api.onlyRequest()).isEqualTo(new CannedApi.Request("POST", "/v1/volumes/v1/mount", "{\"path\":\"/mnt/x\"}"));
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void mountMakesARelativePathAbsoluteAgainstTheCurrentDirectory(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("POST", "/v1/volumes/v1/mount", 200, CannedBodies.HOST_MOUNTED);
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "host", "mount", "v1", "./mnt/../data/x");

      assertThat(run.err()).isEmpty();
      assertThat(run.exitCode()).isZero();
      assertThat(JSON.readTree(api.onlyRequest().body()))
          .isEqualTo(JSON.createObjectNode().put("path", CWD + "/data/x"));
      assertThat(run.out()).isEqualTo("Volume v1 successfully mounted at " + CWD + "/data/x\n");
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void mountWithJsonPrintsTheAttachment(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("POST", "/v1/volumes/v1/mount", 200, CannedBodies.HOST_MOUNTED);
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "-j", "host", "mount", "v1", "/mnt/x");

      assertThat(JSON.readTree(run.out())).isEqualTo(JSON.readTree(CannedBodies.HOST_MOUNTED));
      assertThat(run.out()).contains("\n  \"mountpoints\" : [ \"/mnt/x\" ],\n");
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void mountRejectedByTheServerPrintsItsMessage(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi()
        .on("POST", "/v1/volumes/v1/mount", 409, "{\"error\":\"volume v1 is not attached on node-1\"}");
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "host", "mount", "v1", "/mnt/x");

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.out()).isEmpty();
      assertThat(run.err()).isEqualTo("pxctl: volume v1 is not attached on node-1\n");
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void unmountWithoutAPathSendsAnEmptyObject(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("POST", "/v1/volumes/v1/unmount", 200, CannedBodies.HOST_ATTACHED);
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "host", "unmount", "v1");

      assertThat(run.err()).isEmpty();
      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).isEqualTo("Volume v1 successfully unmounted\n");
      assertThat(api.onlyRequest()).isEqualTo(new CannedApi.Request("POST", "/v1/volumes/v1/unmount", "{}"));
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void unmountOfOnePathSendsIt(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("POST", "/v1/volumes/v1/unmount", 200, CannedBodies.HOST_ATTACHED);
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "host", "unmount", "v1", "/mnt/x");

      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).isEqualTo("Volume v1 successfully unmounted\n");
      assertThat(api.onlyRequest().body()).isEqualTo("{\"path\":\"/mnt/x\"}");
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void unmountMakesARelativePathAbsolute(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("POST", "/v1/volumes/v1/unmount", 200, CannedBodies.HOST_ATTACHED);
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "host", "unmount", "v1", "data");

      assertThat(run.exitCode()).isZero();
      assertThat(JSON.readTree(api.onlyRequest().body()))
          .isEqualTo(JSON.createObjectNode().put("path", CWD + "/data"));
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void unmountWithJsonPrintsTheAttachment(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("POST", "/v1/volumes/v1/unmount", 200, CannedBodies.HOST_ATTACHED);
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "host", "unmount", "v1", "--json");

      assertThat(JSON.readTree(run.out())).isEqualTo(JSON.readTree(CannedBodies.HOST_ATTACHED));
    }
  }

  @ParameterizedTest
  @EnumSource(ServerKind.class)
  void unmountOfAMissingVolumeIsExitOne(ServerKind kind) throws Exception {
    CannedApi api = new CannedApi().on("POST", "/v1/volumes/nope/unmount", 404, "{\"error\":\"no volume nope\"}");
    try (CannedServer server = kind.start(api, dir)) {
      PxctlRun run = PxctlRun.against(server, "host", "unmount", "nope");

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.out()).isEmpty();
      assertThat(run.err()).isEqualTo("pxctl: no volume nope\n");
    }
  }

  @Test
  void missingVolIsAUsageErrorBeforeAnyRequest() throws Exception {
    CannedApi api = new CannedApi();
    try (CannedServer server = new TcpCannedServer(api)) {
      for (String verb : new String[] {"attach", "detach", "mount", "unmount"}) {
        PxctlRun run = PxctlRun.against(server, "host", verb);

        assertThat(run.exitCode()).as(verb).isEqualTo(2);
        assertThat(run.out()).as(verb).isEmpty();
        assertThat(run.err()).as(verb).startsWith("Missing required parameter").contains("VOL")
            .contains("Usage: pxctl host " + verb);
      }
      assertThat(api.received()).isEmpty();
    }
  }

  @Test
  void mountWithoutAPathIsAUsageError() throws Exception {
    CannedApi api = new CannedApi();
    try (CannedServer server = new TcpCannedServer(api)) {
      PxctlRun run = PxctlRun.against(server, "host", "mount", "v1");

      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.err()).startsWith("Missing required parameter: 'PATH'").contains("Usage: pxctl host mount");
      assertThat(api.received()).isEmpty();
    }
  }

  @Test
  void extraArgumentsAreAUsageErrorBeforeAnyRequest() throws Exception {
    CannedApi api = new CannedApi();
    try (CannedServer server = new TcpCannedServer(api)) {
      String[][] extra = {
        {"attach", "v1", "v2"}, {"detach", "v1", "/mnt/x"}, {"mount", "v1", "/mnt/x", "/mnt/y"},
        {"unmount", "v1", "/mnt/x", "/mnt/y"}
      };
      for (String[] args : extra) {
        String[] all = new String[args.length + 1];
        all[0] = "host";
        System.arraycopy(args, 0, all, 1, args.length);
        PxctlRun run = PxctlRun.against(server, all);

        assertThat(run.exitCode()).as(String.join(" ", args)).isEqualTo(2);
        assertThat(run.err()).as(String.join(" ", args))
            .startsWith("Unmatched argument").contains("'" + args[args.length - 1] + "'");
      }
      assertThat(api.received()).isEmpty();
    }
  }

  @Test
  void anEmptyPathIsAUsageErrorBeforeAnyRequest() throws Exception {
    CannedApi api = new CannedApi();
    try (CannedServer server = new TcpCannedServer(api)) {
      PxctlRun mount = PxctlRun.against(server, "host", "mount", "v1", "");
      PxctlRun unmount = PxctlRun.against(server, "host", "unmount", "v1", " ");

      assertThat(mount.exitCode()).isEqualTo(2);
      assertThat(mount.err()).startsWith("PATH must not be empty").contains("Usage: pxctl host mount");
      assertThat(unmount.exitCode()).isEqualTo(2);
      assertThat(unmount.err()).startsWith("PATH must not be empty").contains("Usage: pxctl host unmount");
      assertThat(api.received()).isEmpty();
    }
  }

  @Test
  void hostWithoutAVerbIsAUsageError() {
    PxctlRun run = PxctlRun.of("host");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).startsWith("Missing required subcommand").contains("Usage: pxctl host");
  }

  @Test
  void hostHelpListsTheFourVerbs() {
    PxctlRun run = PxctlRun.of("host", "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("Usage: pxctl host").contains("Commands:");
    // One line per command, indented two spaces; a wrapped description would be indented further.
    assertThat(run.out().substring(run.out().indexOf("Commands:")).lines())
        .filteredOn(line -> line.matches("  \\S.*"))
        .extracting(line -> line.strip().split("\\s+")[0])
        .containsExactly("attach", "detach", "mount", "unmount");
  }

  @Test
  void topLevelHelpListsHostAndVerbHelpShowsTheArguments() {
    PxctlRun help = PxctlRun.of("--help");
    PxctlRun mountHelp = PxctlRun.of("host", "mount", "--help");
    PxctlRun unmountHelp = PxctlRun.of("host", "unmount", "--help");

    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).containsPattern("\n\\s+host\\s+Attach, detach, mount and unmount");
    assertThat(mountHelp.exitCode()).isZero();
    assertThat(mountHelp.out()).contains("Usage: pxctl host mount", "VOL PATH");
    assertThat(unmountHelp.exitCode()).isZero();
    assertThat(unmountHelp.out()).contains("Usage: pxctl host unmount", "VOL [PATH]");
  }
}
