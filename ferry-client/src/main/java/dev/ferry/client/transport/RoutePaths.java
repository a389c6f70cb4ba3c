package dev.ferry.client.transport;

/** Fills the {@code {name}} parameters of a {@link dev.ferry.rest.Routes} template, in order. */
public final class RoutePaths {
  private RoutePaths() {}

  public static String fill(String template, Object... values) {
    StringBuilder path = new StringBuilder();
    int from = 0;
    for (Object value : values) {
      int open = template.indexOf('{', from);
      int close = template.indexOf('}', open);
      if (open < 0 || close < 0) {
        throw new IllegalArgumentException("too many values for " + template);
      }
      path.append(template, from, open).append(value);
      from = close + 1;
    }
    if (template.indexOf('{', from) >= 0) {
      throw new IllegalArgumentException("too few values for " + template);
    }
    return path.append(template.substring(from)).toString();
  }
}
