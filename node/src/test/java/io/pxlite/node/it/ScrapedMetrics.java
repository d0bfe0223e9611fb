package io.pxlite.node.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of a node's {@code /metrics} over its management TCP address, as Prometheus does it,
 * read back into series: enough of the text format (names, labels, values) to check numbers.
 */
public final class ScrapedMetrics {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** One series: its name (with any _count or _sum suffix), labels and value. */
  public record Series(String name, Map<String, String> labels, double value) {}

  private final String text;
  private final List<Series> series = new ArrayList<>();
  private final Set<String> families = new TreeSet<>();

  private ScrapedMetrics(String text) {
    this.text = text;
    for (String line : text.split("\n")) {
      if (line.startsWith("# TYPE ")) {
        families.add(line.split(" ")[2]);
      } else if (!line.startsWith("#") && !line.isBlank()) {
        Matcher m = SAMPLE.matcher(line);
        if (!m.matches()) {
          throw new AssertionError("not a Prometheus text-format sample line: " + line);
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (m.group(3) != null) {
          Matcher l = LABEL.matcher(m.group(3));
          while (l.find()) {
            labels.put(l.group(1), l.group(2));
          }
        }
        series.add(new Series(m.group(1), labels, Double.parseDouble(m.group(4))));
      }
    }
  }

  /** Scrapes {@code http://address:port/metrics}; fails the test unless it answers 200 in the text format. */
  public static ScrapedMetrics of(NodeProcess node) {
    URI uri = URI.create("http://" + node.address() + ":" + node.mgmtPort() + "/metrics");
    try {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new AssertionError("GET " + uri + " -> " + response.statusCode() + ": " + response.body());
      }
      String type = response.headers().firstValue("content-type").orElse("");
      if (!type.startsWith("text/plain; version=0.0.4")) {
        throw new AssertionError("GET " + uri + " answered Content-Type " + type);
      }
      return new ScrapedMetrics(response.body());
    } catch (IOException e) {
      throw new AssertionError("cannot scrape " + uri + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted scraping " + uri, e);
    }
  }

  /** The families the scrape declared ({@code # TYPE} lines). */
  public Set<String> families() {
    return families;
  }

  /** Every series named {@code name} whose labels include {@code labels}. */
  public List<Series> find(String name, Map<String, String> labels) {
    return series.stream()
        .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
        .toList();
  }

  /** The value of the one series named {@code name} with {@code labels}; 0 when there is none (a counter not yet made). */
  public double value(String name, Map<String, String> labels) {
    List<Series> found = find(name, labels);
    if (found.size() > 1) {
      throw new AssertionError(found.size() + " series match " + name + labels + ": " + found);
    }
    return found.isEmpty() ? 0 : found.get(0).value();
  }

  public String text() {
    return text;
  }
}
