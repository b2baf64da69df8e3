package io.deltachain.core.config;

import java.util.List;

/**
 * A configuration is unusable. The message lists every problem found, one per line, each
 * naming its key and where the value came from, so one failed start shows everything to fix.
 */
public class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The problems, in the order they were found. */
  private final List<ConfigProblem> problems;

  /** One exception for all problems (at least one). */
  public ConfigException(List<ConfigProblem> problems) {
    super(format(problems));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a ConfigException needs at least one problem");
    }
    this.problems = List.copyOf(problems);
  }

  /** The problems, each naming its key. */
  public List<ConfigProblem> problems() {
    return problems;
  }

  private static String format(List<ConfigProblem> problems) {
    if (problems.size() == 1) {
      return "invalid configuration: " + problems.get(0);
    }
    StringBuilder sb = new StringBuilder("invalid configuration (")
        .append(problems.size())
        .append(" problems):");
    for (ConfigProblem p : problems) {
      sb.append("\n  - ").append(p);
    }
    return sb.toString();
  }
}
