package io.pxlite.ops.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The dashboard page's files, from the classpath: the page itself (this package's resources) and
 * uPlot from its WebJar, so a node serves the whole dashboard without fetching anything.
 */
public final class DashboardFiles {
  private static final String PAGE = "io/pxlite/ops/dashboard/";
  private static final String WEBJAR_POM = "META-INF/maven/org.webjars.npm/uplot/pom.properties";
  private static final Map<String, String> CONTENT_TYPES = Map.of(
      "html", "text/html; charset=utf-8",
      "js", "text/javascript; charset=utf-8",
      "css", "text/css; charset=utf-8");

  /** A file to send: its Content-Type and bytes. */
  public record DashboardFile(String contentType, byte[] body) {}

  private final String uplotDir;

  public DashboardFiles() {
    uplotDir = "META-INF/resources/webjars/uplot/" + uplotVersion() + "/dist/";
  }

  /**
   * The file at {@code path} under {@code /dashboard/}: "" is the page, {@code uplot/<file>} is from
   * uPlot's distribution; empty for anything else, a path leaving the directory included.
   */
  public Optional<DashboardFile> find(String path) {
    if (path.contains("..") || path.startsWith("/")) {
      return Optional.empty();
    }
    String resource = path.isEmpty() ? PAGE + "index.html"
        : path.startsWith("uplot/") ? uplotDir + path.substring("uplot/".length())
        : PAGE + path;
    String extension = resource.substring(resource.lastIndexOf('.') + 1);
    String contentType = CONTENT_TYPES.get(extension);
    if (contentType == null) {
      return Optional.empty();
    }
    return read(resource).map(body -> new DashboardFile(contentType, body));
  }

  private static Optional<byte[]> read(String resource) {
    try (InputStream in = DashboardFiles.class.getClassLoader().getResourceAsStream(resource)) {
      return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read dashboard file " + resource + " from the classpath", e);
    }
  }

  /** The WebJar's version, from its own Maven metadata, so upgrading it is a pom change only. */
  private static String uplotVersion() {
    Properties pom = new Properties();
    try (InputStream in = DashboardFiles.class.getClassLoader().getResourceAsStream(WEBJAR_POM)) {
      if (in == null) {
        throw new IllegalStateException("uPlot's WebJar (org.webjars.npm:uplot) is not on the classpath");
      }
      pom.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + WEBJAR_POM, e);
    }
    return pom.getProperty("version");
  }
}
