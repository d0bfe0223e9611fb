package io.pxlite.pxctl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.function.Consumer;

/**
 * Where a command's result goes: the human form the command writes, or with {@code -j} the server's
 * JSON reply, pretty-printed and otherwise untouched.
 */
final class CommandOutput {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PrintWriter out;
  private final boolean json;

  CommandOutput(PrintWriter out, boolean json) {
    this.out = out;
    this.json = json;
  }

  void show(JsonNode reply, Consumer<PrintWriter> humanForm) {
    if (json) {
      try {
        out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(reply));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot print a JSON tree that was just parsed", e);
      }
    } else {
      humanForm.accept(out);
    }
    out.flush();
  }
}
