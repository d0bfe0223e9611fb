package io.pxlite.node.config;

/** An invalid config.json: names the field and what is wrong with it. */
public class ConfigException extends RuntimeException {
  private final String field;

  public ConfigException(String field, String problem) {
    super(field.isEmpty() ? problem : "config field '" + field + "': " + problem);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
